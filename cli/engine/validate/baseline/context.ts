// What a baseline rule sees, and the helpers rules share. A rule is a named
// check of one protection from DESIGN.md §4; a gateway can waive a rule for
// one resource with a written reason (config or the resource's Metadata).
import type { CfnResource, CfnTemplate } from '../../template/types.js';
import { pointerOf, type Finding } from '../finding.js';
import type { PolicyDoc } from '../policies.js';
import { isObj, type Obj } from '../values.js';
import type { LocatedString } from '../semantic/references.js';
import type { UserHome } from './user-homes.js';

export interface BaselineContext {
  template: CfnTemplate;
  /** Policy documents of the template (parsed once for all rules). */
  docs: PolicyDoc[];
  /** Tags every taggable resource must carry (from the config; empty when validating a bare template). */
  sharedTags: Record<string, string>;
  /** Resources of one type, as [logical id, resource]. */
  ofType(type: string): [string, CfnResource][];
  /** Strings in resource properties that hold an ARN or an AWS endpoint. */
  arnStrings: LocatedString[];
  /** A resource by logical id. */
  resource(id: string): CfnResource | undefined;
  /** Every user home of the gateway when its users span several templates (child stacks); else this template's are used. */
  userHomes?: readonly UserHome[];
}

export interface BaselineRule {
  id: string;
  /** One line: the protection the rule keeps. */
  description: string;
  check(ctx: BaselineContext): Finding[];
}

export function makeContext(template: CfnTemplate, docs: PolicyDoc[], sharedTags: Record<string, string>, arnStrings: LocatedString[] = [], userHomes?: readonly UserHome[]): BaselineContext {
  const byType = new Map<string, [string, CfnResource][]>();
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (!isObj(r) || typeof r.Type !== 'string') continue;
    let list = byType.get(r.Type);
    if (!list) byType.set(r.Type, (list = []));
    list.push([id, r]);
  }
  const resources = template.Resources ?? {};
  return { template, docs, sharedTags, arnStrings, userHomes, ofType: (t) => byType.get(t) ?? [], resource: (id) => (Object.hasOwn(resources, id) && isObj(resources[id]) ? resources[id] : undefined) };
}

/** A finding of a baseline rule on one resource. */
export function violation(rule: BaselineRule, id: string, r: CfnResource, at: (string | number)[], message: string, hint: string): Finding {
  return { severity: 'error', rule: rule.id, layer: 'baseline', logicalId: id, resourceType: r.Type, pointer: pointerOf('Resources', id, ...at), message, hint };
}

/** A resource's Properties (empty when absent). */
export function props(r: CfnResource): Obj {
  return isObj(r.Properties) ? r.Properties : {};
}

/** Follow a path of keys / indexes through plain values; undefined when any step is missing. */
export function dig(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const step of path) {
    if (typeof step === 'number') cur = Array.isArray(cur) ? cur[step] : undefined;
    else cur = isObj(cur) ? cur[step] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** The resource a value points at: Ref X, Fn::GetAtt [X, …], "X.Attr", or Fn::Sub "${X…}" alone. */
export function target(v: unknown): string | undefined {
  if (!isObj(v)) return undefined;
  if (typeof v.Ref === 'string') return v.Ref;
  const ga = v['Fn::GetAtt'];
  if (Array.isArray(ga) && typeof ga[0] === 'string') return ga[0];
  if (typeof ga === 'string') return ga.split('.')[0];
  const sub = v['Fn::Sub'];
  if (typeof sub === 'string') {
    const m = /^\$\{([A-Za-z0-9]+)(\.[^}]*)?\}/.exec(sub);
    if (m) return m[1];
  }
  return undefined;
}

/** True for the literal true and CloudFormation's string forms of it. */
export function isTrue(v: unknown): boolean {
  return v === true || v === 'true' || v === 'True';
}

/** A Retain-style DeletionPolicy / UpdateReplacePolicy. */
export function retains(v: unknown): boolean {
  return v === 'Retain' || v === 'RetainExceptOnCreate';
}

/** Waiver hint appended to every baseline finding's advice. */
export function waiverHint(ruleId: string, id: string): string {
  return `or waive it for this resource with a reason: validation.waivers [{ rule: ${ruleId}, resource: ${id}, reason: … }] in sftpgw.yaml`;
}
