// What a baseline rule sees, and the helpers rules share. A rule is a named
// check of one protection of the template baseline (docs/validation.md); a gateway can waive a rule for
// one resource with a written reason (config or the resource's Metadata).
import type { CfnResource, CfnTemplate } from '../../template/types.js';
import { pointerOf, type Finding } from '../finding.js';
import {
  statementsOf,
  strings,
  type PolicyDoc,
  type PolicyKind,
  type Statement,
} from './iam/policies.js';
import { isObj, type Obj } from '../values.js';
import type { LocatedString } from './template/references.js';
import type { UserHome } from './transfer/user-home.js';

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
  /** iam.permissionsBoundary from the config, when set. */
  permissionsBoundary?: string;
  /** Values the config supplies (ARNs of a boundary, of alarm topics): settings, not hard-coded locations. */
  configuredValues: ReadonlySet<string>;
  /** Every user home of the gateway when its users span several templates (child stacks); else this template's are used. */
  userHomes?: readonly UserHome[];
}

/** What the config adds to the baseline's view of a template. */
export interface BaselineSettings {
  sharedTags?: Record<string, string>;
  permissionsBoundary?: string;
  configuredValues?: readonly string[];
  userHomes?: readonly UserHome[];
}

export interface BaselineRule {
  id: string;
  /** One line: the protection the rule keeps. */
  description: string;
  check(ctx: BaselineContext): Finding[];
}

export function makeContext(
  template: CfnTemplate,
  docs: PolicyDoc[],
  settings: BaselineSettings = {},
  arnStrings: LocatedString[] = [],
): BaselineContext {
  const byType = new Map<string, [string, CfnResource][]>();
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (!isObj(r) || typeof r.Type !== 'string') continue;
    let list = byType.get(r.Type);
    if (!list) byType.set(r.Type, (list = []));
    list.push([id, r]);
  }
  const resources = template.Resources ?? {};
  return {
    template,
    docs,
    arnStrings,
    sharedTags: settings.sharedTags ?? {},
    permissionsBoundary: settings.permissionsBoundary,
    configuredValues: new Set(settings.configuredValues ?? []),
    userHomes: settings.userHomes,
    ofType: (t) => byType.get(t) ?? [],
    resource: (id) =>
      Object.hasOwn(resources, id) && isObj(resources[id]) ? resources[id] : undefined,
  };
}

/** A finding of a baseline rule on one resource. */
export function violation(
  rule: BaselineRule,
  id: string,
  r: CfnResource,
  at: (string | number)[],
  message: string,
  hint: string,
): Finding {
  return {
    severity: 'error',
    rule: rule.id,
    layer: 'baseline',
    logicalId: id,
    resourceType: r.Type,
    pointer: pointerOf('Resources', id, ...at),
    message,
    hint,
  };
}

/** A resource's Properties (empty when absent). */
export function props(r: CfnResource): Obj {
  return isObj(r.Properties) ? r.Properties : {};
}

/** Like violation(), for a rule whose findings are warnings (something to look at, not a broken protection). */
export function warning(
  rule: BaselineRule,
  id: string,
  r: CfnResource,
  at: (string | number)[],
  message: string,
  hint: string,
): Finding {
  return { ...violation(rule, id, r, at, message, hint), severity: 'warning' };
}

/** A statement's condition values under one key, whatever the operator (StringEquals, ArnLike, …). */
export function conditionValues(statement: Obj, key: string): unknown[] {
  const out: unknown[] = [];
  const cond = statement.Condition;
  if (!isObj(cond)) return out;
  for (const op of Object.values(cond)) {
    if (!isObj(op)) continue;
    for (const [k, v] of Object.entries(op))
      if (k.toLowerCase() === key.toLowerCase()) out.push(...(Array.isArray(v) ? v : [v]));
  }
  return out;
}

/** Every literal statement of the template's policy documents of one kind, with the resource holding it. */
export function* statementsOfKind(
  ctx: BaselineContext,
  kind: PolicyKind,
): Generator<{ doc: PolicyDoc; st: Statement; r: CfnResource }> {
  for (const doc of ctx.docs) {
    const r = doc.kind === kind ? ctx.resource(doc.logicalId) : undefined;
    if (r) for (const st of statementsOf(doc)) yield { doc, st, r };
  }
}

/** A finding of a rule on one statement of a policy document. */
export function statementViolation(
  rule: BaselineRule,
  doc: PolicyDoc,
  r: CfnResource,
  st: Statement,
  message: string,
  hint: string,
): Finding {
  return { ...violation(rule, doc.logicalId, r, [], message, hint), pointer: st.pointer };
}

/** A resource policy statement that denies everyone every action of a service when aws:SecureTransport is false. */
export function deniesInsecureTransport(s: Obj, service: string): boolean {
  const secure = dig(s, 'Condition', 'Bool', 'aws:SecureTransport');
  const everyone = s.Principal === '*' || strings(dig(s, 'Principal', 'AWS')).includes('*');
  return (
    s.Effect === 'Deny' &&
    everyone &&
    (secure === false || secure === 'false') &&
    strings(s.Action).some((a) => a === `${service}:*` || a === '*')
  );
}

/** A condition value that matches more than it names: a "*" outside ${…} substitutions, or a value computed at deploy time. */
export function isWildcardValue(v: unknown): boolean {
  const t = textOf(v);
  return t === undefined || t.replace(/\$\{[^}]*\}/g, '').includes('*');
}

/** The text of a literal or Fn::Sub string value (its ${…} left as written); undefined when computed otherwise. */
export function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const sub = isObj(v) ? v['Fn::Sub'] : undefined;
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  return undefined;
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
