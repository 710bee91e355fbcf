// The local view of a change: what differs between the deployed and the new
// template, resource by resource, down to the values. Objects are compared
// key by key; lists by their elements (what left, what came: order rarely
// matters in a template, and an element that moved is not news); policy
// documents — IAM policies and the users' session policies, JSON text inside
// an Fn::Sub — by their statements, so a reviewer sees the statements that
// differ rather than two long strings.
import { isDeepStrictEqual } from 'node:util';
import type { CfnTemplate } from '../template/types.js';

/** One value that differs. `before`/`after` absent: the key is absent on that side. */
export interface ValueChange {
  /** Where, from the resource: `Properties.BucketName`, `Properties.Tags`, `DependsOn`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

/** A list (or a policy's statements) whose elements differ: those only in the old, those only in the new. */
export interface ListChange {
  path: string;
  /** 'statements' when the list is a policy document's. */
  items: 'elements' | 'statements';
  removed: unknown[];
  added: unknown[];
}

export type Difference = ValueChange | ListChange;

export interface TemplateDifference {
  logicalId: string;
  kind: 'added' | 'removed' | 'changed';
  type: string;
  /** Transfer users: the SFTP user name. */
  userName?: string;
  /** Changed top-level keys of the resource (Properties.X, DependsOn, …). */
  paths: string[];
  /** What changed, old and new (for 'changed'). */
  changes: Difference[];
}

export function isListChange(d: Difference): d is ListChange {
  return 'items' in d;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Ref and Fn::* are values, not objects to walk into: `{"Ref":"A"} → {"Ref":"B"}` reads better than `.Ref: "A" → "B"`. */
function isIntrinsic(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return (
    keys.length === 1 &&
    (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'))
  );
}

interface PolicyParts {
  statements: unknown[];
  /** Everything else (Version, Id, the Fn::Sub variables), compared as one value. */
  rest: unknown;
}

function documentParts(
  doc: unknown,
): { statements: unknown[]; rest: Record<string, unknown> } | undefined {
  if (!isObject(doc) || !('Statement' in doc)) return undefined;
  const { Statement, ...rest } = doc;
  return { statements: Array.isArray(Statement) ? Statement : [Statement], rest };
}

/**
 * A policy document's statements: an object with Statement, JSON text of one
 * (a session policy), or either inside Fn::Sub (`${Bucket}` sits inside JSON
 * strings, so the text parses as it is).
 */
function policyParts(v: unknown): PolicyParts | undefined {
  if (typeof v === 'string') {
    if (!v.includes('Statement')) return undefined;
    try {
      return documentParts(JSON.parse(v));
    } catch {
      return undefined;
    }
  }
  if (isObject(v) && Object.keys(v).length === 1 && 'Fn::Sub' in v) {
    const sub = v['Fn::Sub'];
    const [text, vars] = Array.isArray(sub) ? sub : [sub, undefined];
    const parts = policyParts(text);
    return (
      parts && {
        statements: parts.statements,
        rest: { ...(parts.rest as object), 'Fn::Sub variables': vars },
      }
    );
  }
  return documentParts(v);
}

/** Keys that name a list's elements: Tags' Key, a role's PolicyName. */
const IDENTITY_KEYS = ['Key', 'PolicyName', 'Id', 'Name'];

/** The key every element of both lists has, unique within each list, if any. */
function identityKey(a: unknown[], b: unknown[]): string | undefined {
  const unique = (xs: unknown[], k: string) =>
    new Set(xs.map((x) => (x as Record<string, unknown>)[k])).size === xs.length;
  return IDENTITY_KEYS.find(
    (k) =>
      [...a, ...b].every((x) => isObject(x) && typeof x[k] === 'string') &&
      unique(a, k) &&
      unique(b, k),
  );
}

/** Elements of `a` not matched by one in `b` (each match used once). */
function missingFrom(a: unknown[], b: unknown[]): unknown[] {
  const left = [...b];
  return a.filter((x) => {
    const i = left.findIndex((y) => isDeepStrictEqual(x, y));
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/** The differences between two values at `path`, as fine as reads well. */
export function valueDifferences(path: string, before: unknown, after: unknown): Difference[] {
  if (isDeepStrictEqual(before, after)) return [];
  const pa = policyParts(before);
  const pb = policyParts(after);
  if (pa && pb) {
    const out: Difference[] = [];
    const removed = missingFrom(pa.statements, pb.statements);
    const added = missingFrom(pb.statements, pa.statements);
    if (removed.length > 0 || added.length > 0)
      out.push({ path, items: 'statements', removed, added });
    if (!isDeepStrictEqual(pa.rest, pb.rest))
      out.push(...valueDifferences(`${path} (besides the statements)`, pa.rest, pb.rest));
    // Same statements in another order: still a change CloudFormation makes.
    return out.length > 0 ? out : [{ path, before, after }];
  }
  if (isObject(before) && isObject(after) && !isIntrinsic(before) && !isIntrinsic(after)) {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .sort()
      .flatMap((k) => valueDifferences(`${path}.${k}`, before[k], after[k]));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = identityKey(before, after);
    if (key) {
      // Named elements (tags, inline policies): matched by name, then compared inside.
      const id = (x: unknown) => (x as Record<string, string>)[key];
      const inAfter = new Map(after.map((x) => [id(x), x]));
      const inBefore = new Set(before.map(id));
      const removed = before.filter((x) => !inAfter.has(id(x)));
      const added = after.filter((x) => !inBefore.has(id(x)));
      const out: Difference[] =
        removed.length > 0 || added.length > 0 ? [{ path, items: 'elements', removed, added }] : [];
      for (const x of before)
        if (inAfter.has(id(x)))
          out.push(...valueDifferences(`${path}[${key}=${id(x)}]`, x, inAfter.get(id(x))));
      return out.length > 0 ? out : [{ path, before, after }];
    }
    const removed = missingFrom(before, after);
    const added = missingFrom(after, before);
    return removed.length > 0 || added.length > 0
      ? [{ path, items: 'elements', removed, added }]
      : [{ path, before, after }];
  }
  return [
    {
      path,
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
    },
  ];
}

function userName(r: { Type?: string; Properties?: unknown } | undefined): string | undefined {
  const n = (r?.Properties as { UserName?: unknown } | undefined)?.UserName;
  return r?.Type === 'AWS::Transfer::User' && typeof n === 'string' ? n : undefined;
}

/** What differs between the deployed and the new template, resource by resource. */
export function templateDiff(
  deployed: CfnTemplate | undefined,
  next: CfnTemplate,
): TemplateDifference[] {
  const before = deployed?.Resources ?? {};
  const out: TemplateDifference[] = [];
  for (const id of [...new Set([...Object.keys(before), ...Object.keys(next.Resources)])].sort()) {
    const a = before[id] as Record<string, unknown> | undefined;
    const b = next.Resources[id] as Record<string, unknown> | undefined;
    const r = (b ?? a)!;
    const base = {
      logicalId: id,
      type: String(r.Type ?? ''),
      ...(userName(b ?? a) ? { userName: userName(b ?? a) } : {}),
    };
    if (!a) out.push({ ...base, kind: 'added', paths: [], changes: [] });
    else if (!b) out.push({ ...base, kind: 'removed', paths: [], changes: [] });
    else if (!isDeepStrictEqual(a, b)) {
      const paths: string[] = [];
      const changes: Difference[] = [];
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (k === 'Properties') {
          const pa = (a.Properties ?? {}) as Record<string, unknown>;
          const pb = (b.Properties ?? {}) as Record<string, unknown>;
          for (const p of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
            if (isDeepStrictEqual(pa[p], pb[p])) continue;
            paths.push(`Properties.${p}`);
            changes.push(...valueDifferences(`Properties.${p}`, pa[p], pb[p]));
          }
        } else if (!isDeepStrictEqual(a[k], b[k])) {
          paths.push(k);
          changes.push(...valueDifferences(k, a[k], b[k]));
        }
      }
      out.push({ ...base, kind: 'changed', paths, changes });
    }
  }
  return out;
}
