// `sftpgw diff --output json`: one document on every path (no stack yet, no
// changes, changes), with the same keys each time.
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
import { boolean, document, nullable, object, string } from './schema-kit.js';

export interface DiffDocument {
  stackName: string;
  exists: boolean;
  changed: boolean;
  plan: PlanDocument | null;
  templateDiff: TemplateDifferenceDocument[] | null;
  directory: DirectoryPlanDocument | null;
}

export function diffDocument(d: {
  stackName: string;
  exists: boolean;
  changed: boolean;
  plan?: Plan;
  templateDiff?: TemplateDifference[];
  directory?: DirectoryPlan;
}): DiffDocument {
  return {
    stackName: d.stackName,
    exists: d.exists,
    changed: d.changed,
    plan: d.plan ? planDocument(d.plan) : null,
    templateDiff: d.templateDiff ? templateDiffDocument(d.templateDiff) : null,
    directory: d.directory ? directoryPlanDocument(d.directory) : null,
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
  }),
);
