// `sftpgw diff --output json`: one document on every path (no stack yet, no
// changes, changes), with the same keys each time.
import type { ChangeSetSkipped } from '../engine/deploy/unchanged-template.js';
import type { DirectoryPlan, Plan } from '../engine/deploy/types.js';
import {
  DIRECTORY_PLAN_SCHEMA,
  directoryPlanDocument,
  type DirectoryPlanDocument,
} from './directory.js';
import type { TemplateDifference } from '../engine/deploy/template-diff.js';
import {
  PLAN_SCHEMA,
  planDocument,
  type PlanDocument,
  TEMPLATE_DIFF_SCHEMA,
  templateDiffDocument,
  type TemplateDifferenceDocument,
} from './plan.js';
import { boolean, document, nullable, object, string, stringEnum } from './schema-kit.js';

export interface DiffDocument {
  stackName: string;
  exists: boolean;
  changed: boolean;
  plan: PlanDocument | null;
  templateDiff: TemplateDifferenceDocument[] | null;
  directory: DirectoryPlanDocument | null;
  /** No change set was made for the existing stack: why. */
  changeSetSkipped: ChangeSetSkipped | null;
}

export function diffDocument(d: {
  stackName: string;
  exists: boolean;
  changed: boolean;
  plan?: Plan;
  templateDiff?: TemplateDifference[];
  directory?: DirectoryPlan;
  changeSetSkipped?: ChangeSetSkipped;
}): DiffDocument {
  return {
    stackName: d.stackName,
    exists: d.exists,
    changed: d.changed,
    plan: d.plan ? planDocument(d.plan) : null,
    templateDiff: d.templateDiff ? templateDiffDocument(d.templateDiff) : null,
    directory: d.directory ? directoryPlanDocument(d.directory) : null,
    changeSetSkipped: d.changeSetSkipped
      ? { reason: d.changeSetSkipped.reason, detail: d.changeSetSkipped.detail }
      : null,
  };
}

export const DIFF_SCHEMA = document(
  'sftpgw diff --output json',
  'What a deploy would change. exists false: the stack would be created (plan, no templateDiff); changed false: nothing to do (plan and templateDiff null).',
  object({
    stackName: string(),
    exists: boolean('the stack exists (and is not an empty REVIEW_IN_PROGRESS shell)'),
    changed: boolean('a deploy would change something'),
    plan: nullable(PLAN_SCHEMA, 'resource by resource, with the guard’s refusals'),
    templateDiff: nullable(TEMPLATE_DIFF_SCHEMA, 'deployed → new, value by value'),
    directory: nullable(
      DIRECTORY_PLAN_SCHEMA,
      'a lambda gateway (server.identityProvider.type: lambda): its directory against the deployed object; null for service-managed',
    ),
    changeSetSkipped: nullable(
      object({
        reason: stringEnum(
          ['template-unchanged'],
          'template-unchanged: the template, its parameters and tags are the deployed ones (a lambda gateway)',
        ),
        detail: string('what was compared, and the stack’s status'),
      }),
      'the stack exists and no change set was made, and why; null when CloudFormation was asked (a change set made, or none possible: no stack yet)',
    ),
  }),
);
