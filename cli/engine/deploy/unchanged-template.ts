// Whether a lambda gateway's deploy (or diff) may go without a change set:
// the change set it would create carries nothing the stack does not already
// have, so CloudFormation could only answer "no changes" — after several
// seconds to tens of seconds of creating and waiting for it on AWS. A user or
// key change on a lambda gateway is exactly that case (the users live in the
// directory object, not the template: docs/identity-provider.md), and is to
// apply "in seconds". The decision is pure (this file); deploy.ts asks it
// after readyStack and the pending-change-set gate, with the stack's
// DescribeStacks answer and its GetTemplate (TemplateStage Original) text.
//
// What CreateChangeSet carries (deploy.ts createChangeSet) and how each is
// judged, per the CreateChangeSet API reference
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html):
// - TemplateBody / TemplateURL: the packaged root, compared with the
//   deployed Original template as parsed JSON, keys sorted (CloudFormation's
//   answer need not keep the submitted whitespace or key order). A code or
//   child-template change changes the root (content-addressed S3 keys).
// - Parameters: sftpgw never sends UsePreviousValue, so every declared
//   parameter is the value sent or else the template's Default ("If you don't
//   specify a key and value for a particular parameter, CloudFormation uses
//   the default value that's specified in your template",
//   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html);
//   each must equal the stack's. NoEcho values (masked) and Systems Manager
//   parameter types (resolved again on an update) cannot be compared: a
//   change set decides.
// - Tags: sent every time; they must equal the stack's, as a set.
// - RoleARN: when sent it must be the stack's (unsent, CloudFormation keeps
//   the stack's role).
// - Capabilities: an acknowledgement checked when the change set is created,
//   not stack state; they must acknowledge what the template needs (IAM
//   resources: CAPABILITY_IAM or CAPABILITY_NAMED_IAM; named ones:
//   CAPABILITY_NAMED_IAM), else the change set path lets CloudFormation
//   refuse it as it does today.
// - NotificationARNs: sftpgw sends none, and unsent they stay as they are;
//   nothing to compare. Description and ClientToken are the change set's own.
// Dynamic references ({{resolve:…}}, the imported host keys) are not
// re-read by an update whose template does not change them ("Updating a
// secret in Secrets Manager doesn't automatically update the secret in
// CloudFormation",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html),
// so a change set would find nothing either.
//
// Only a stable, successful stack qualifies (CREATE_COMPLETE,
// UPDATE_COMPLETE, IMPORT_COMPLETE): a rolled-back or failed one goes
// through the change set path, which handles it. A template with child
// stacks (AWS::CloudFormation::Stack) or a Transform never qualifies: a
// change set re-reads child templates and re-runs macros, which the root's
// text does not show.
import { isDeepStrictEqual } from 'node:util';
import type { StackInfo } from '../../adapters/aws/cloudformation.js';
import { deployBody } from '../template/deploy-body.js';
import type { CfnTemplate } from '../template/types.js';
import { NAMED_IAM, namedIamResources } from './capabilities.js';

/** Why no change set was made for an existing stack: what deploy and diff report. */
export interface ChangeSetSkipped {
  reason: 'template-unchanged';
  /** In words: what was compared, and the stack's status. */
  detail: string;
}

export interface UnchangedInput {
  /** The packaged root template the change set would carry. */
  template: CfnTemplate;
  /** GetTemplate of the stack, TemplateStage Original; undefined: none. */
  deployedText: string | undefined;
  /** DescribeStacks of the stack. */
  stack: StackInfo;
  /** The parameters, tags, capabilities and role the change set would carry. */
  parameters: Record<string, string>;
  tags: Record<string, string>;
  capabilities: readonly string[];
  roleArn?: string;
}

export type UnchangedDecision =
  | { unchanged: true; skipped: ChangeSetSkipped }
  | { unchanged: false; why: string };

/** The stable, successful states: nothing runs, nothing was rolled back. */
const STABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

const SSM_PARAMETER_TYPE = /^(List<)?AWS::SSM::Parameter::/;

/** JSON text with every object's keys sorted (arrays keep their order): equal for equal values. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sortKeys(o[k])]),
  );
}

const change = (why: string): UnchangedDecision => ({ unchanged: false, why });

/** The value CloudFormation gives a declared parameter: the one sent, else the Default; undefined when it cannot be known here. */
function effectiveValue(
  declared: Record<string, unknown>,
  sent: string | undefined,
): string | undefined {
  if (sent !== undefined) return sent;
  const d = declared.Default;
  if (typeof d === 'string') return d;
  if (typeof d === 'number' || typeof d === 'boolean') return String(d);
  return undefined;
}

function parametersChange(i: UnchangedInput): string | undefined {
  const declared = (i.template.Parameters ?? {}) as Record<string, Record<string, unknown>>;
  const extra = Object.keys(i.parameters).filter((k) => !(k in declared));
  if (extra.length > 0) return `parameter ${extra[0]} is not declared by the template`;
  if (!i.stack.parameters) return "the stack's parameters are not known";
  const deployed = i.stack.parameters;
  for (const [key, p] of Object.entries(declared)) {
    if (p.NoEcho === true || p.NoEcho === 'true')
      return `parameter ${key} is NoEcho (its deployed value is masked)`;
    if (typeof p.Type === 'string' && SSM_PARAMETER_TYPE.test(p.Type))
      return `parameter ${key} is a Systems Manager parameter type (resolved again on an update)`;
    const value = effectiveValue(p, i.parameters[key]);
    if (value === undefined) return `parameter ${key} has no value to compare`;
    if (deployed[key] !== value) return `parameter ${key} changes`;
  }
  const dropped = Object.keys(deployed).filter((k) => !(k in declared));
  if (dropped.length > 0) return `parameter ${dropped[0]} is no longer declared`;
  return undefined;
}

function capabilitiesChange(i: UnchangedInput): string | undefined {
  const has = new Set(i.capabilities);
  if (namedIamResources([i.template]).length > 0 && !has.has(NAMED_IAM))
    return `the template names IAM resources and the change set would not carry ${NAMED_IAM} (CloudFormation would refuse it)`;
  const iam = Object.values(i.template.Resources ?? {}).some((r) =>
    r.Type.startsWith('AWS::IAM::'),
  );
  if (iam && !has.has('CAPABILITY_IAM') && !has.has(NAMED_IAM))
    return 'the template has IAM resources and the change set would not carry CAPABILITY_IAM (CloudFormation would refuse it)';
  return undefined;
}

/**
 * Unchanged: the change set would carry what the stack already has (see the
 * head of this file); else why a change set is needed.
 */
export function unchangedTemplate(i: UnchangedInput): UnchangedDecision {
  const status = i.stack.status;
  if (!STABLE.has(status)) return change(`the stack is ${status}`);
  const child = Object.entries(i.template.Resources ?? {}).find(
    ([, r]) => r.Type === 'AWS::CloudFormation::Stack',
  );
  if (child) return change(`the template has child stacks (${child[0]})`);
  if ((i.template as { Transform?: unknown }).Transform !== undefined)
    return change('the template has a Transform');
  if (i.deployedText === undefined) return change('the deployed template could not be read');
  let deployed: unknown;
  try {
    deployed = JSON.parse(i.deployedText);
  } catch {
    return change('the deployed template is not JSON');
  }
  if (canonicalJson(deployed) !== canonicalJson(JSON.parse(deployBody(i.template))))
    return change('the template differs from the deployed one');
  const parameters = parametersChange(i);
  if (parameters) return change(parameters);
  if (!i.stack.tags) return change("the stack's tags are not known");
  if (!isDeepStrictEqual({ ...i.stack.tags }, { ...i.tags }))
    return change('the stack tags change');
  if (i.roleArn !== undefined && i.roleArn !== i.stack.roleArn)
    return change('the stack role (RoleARN) changes');
  const capabilities = capabilitiesChange(i);
  if (capabilities) return change(capabilities);
  return {
    unchanged: true,
    skipped: {
      reason: 'template-unchanged',
      detail: `the template, parameters and tags are the deployed ones; the stack is ${status}`,
    },
  };
}
