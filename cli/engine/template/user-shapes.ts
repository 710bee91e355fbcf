// Users instantiated from shapes: the resources libjsonnet made ONCE per shape
// (read-only or read-write) from sentinel values, with each user's values put
// where the sentinels are (libsonnet/render.libsonnet `userShapes`).
//
// Why: the user constructor cost ~350 µs a user in libjsonnet (3.5 s of CPU
// at 10,000 users, most of a build's time); putting values into a copy of a
// tree costs ~1 µs. jsonnet still makes every resource and decides what is in
// it: this only repeats, for each user, what the constructor did with the
// sentinels. That is exact when the constructor places its inputs without
// looking at them (the shipped one: it joins and places strings, branches
// only on readOnly and on whether the user has tags), which is why the engine
// takes shapes only for the shipped constructor (user-constructor.ts), only
// for users without tags of their own, and compares sample users rendered by
// libjsonnet with their instantiation before using them (evaluate-gateway.ts).
import type { UserSpec } from '../users/spec.js';
import type { CfnResource } from './types.js';

/** What a shape needs of a user (evaluate-gateway.ts RenderUser). */
export interface ShapeUser {
  name: string;
  id: string;
  spec: Pick<UserSpec, 'sshPublicKeys' | 'homeDirectory' | 'readOnly' | 'tags'>;
}

/** Users and the resource map each got, in the same order (evaluate-gateway.ts UserChunk). */
export interface ShapedChunk {
  names: string[];
  fragments: Record<string, CfnResource>[];
}

export interface Sentinels {
  id: string;
  name: string;
  home: string;
  key: string;
}

/** What the root part returns under `userShapes` (render.libsonnet). */
export interface UserShapes {
  sentinels: Sentinels;
  /** The gateway's constructor made what the shipped one makes from the sentinels. */
  stock: boolean;
  readOnly: Record<string, CfnResource>;
  readWrite: Record<string, CfnResource>;
  /** The resources of the sample users, made by libjsonnet as the users part makes them. */
  samples: Record<string, CfnResource>[];
}

/**
 * Whether a user's resources may come from a shape: no tags of its own (the
 * shipped constructor merges them into the shared ones, by key), and every
 * value it places printable ASCII, which goes through JSON, libjsonnet and
 * back unchanged (the username and home are so by their checks; a key's
 * comment may hold anything: a lone surrogate, say, would not round-trip).
 */
export function shapeable(u: ShapeUser): boolean {
  return (
    Object.keys(u.spec.tags).length === 0 &&
    PRINTABLE.test(u.name) &&
    PRINTABLE.test(u.spec.homeDirectory) &&
    u.spec.sshPublicKeys.every((k) => PRINTABLE.test(k))
  );
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** The values of one user a shape takes. */
export interface ShapeInput {
  id: string;
  name: string;
  home: string;
  keys: string[];
}

type Make = (u: ShapeInput) => unknown;

export class ShapeError extends Error {}

/**
 * A function making one user's resources from a shape. Throws ShapeError for
 * a shape it cannot instantiate exactly (then the users are rendered by
 * libjsonnet): a key sentinel anywhere but as the whole key list, or a
 * sentinel in a field name of an object with other fields (the order of the
 * fields would depend on the value).
 */
export function compileShape(
  shape: unknown,
  s: Sentinels,
): (u: ShapeInput) => Record<string, CfnResource> {
  const pattern = new RegExp(`(${[s.id, s.name, s.home, s.key].map(regexpText).join('|')})`);
  const pick: Record<string, (u: ShapeInput) => string> = {
    [s.id]: (u) => u.id,
    [s.name]: (u) => u.name,
    [s.home]: (u) => u.home,
  };
  const text = (str: string, where: string): ((u: ShapeInput) => string) | string => {
    if (!pattern.test(str)) return str;
    const parts = str.split(pattern);
    const makers = parts.map((p, i) => {
      if (i % 2 === 0) return p;
      const f = pick[p];
      if (!f) throw new ShapeError(`the key sentinel is inside a string at ${where}`);
      return f;
    });
    return (u: ShapeInput) => {
      let out = '';
      for (const m of makers) out += typeof m === 'string' ? m : m(u);
      return out;
    };
  };
  const compile = (v: unknown, where: string): Make => {
    if (typeof v === 'string') {
      const t = text(v, where);
      return typeof t === 'string' ? () => t : t;
    }
    if (Array.isArray(v)) {
      if (v.length === 1 && v[0] === s.key) return (u) => [...u.keys];
      const items = v.map((x, i) => compile(x, `${where}[${i}]`));
      return (u) => items.map((m) => m(u));
    }
    if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      const fields = keys.map((k) => {
        const name = text(k, `${where} (field name)`);
        if (typeof name !== 'string' && keys.length > 1)
          throw new ShapeError(`a sentinel is in a field name beside other fields at ${where}`);
        return [name, compile((v as Record<string, unknown>)[k], `${where}.${k}`)] as const;
      });
      return (u) => {
        const o: Record<string, unknown> = {};
        for (const [name, m] of fields) o[typeof name === 'string' ? name : name(u)] = m(u);
        return o;
      };
    }
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return () => v;
    throw new ShapeError(`unexpected value at ${where}`);
  };
  const make = compile(shape, 'shape');
  return (u) => make(u) as Record<string, CfnResource>;
}

function regexpText(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Deep equality of JSON values, field order included (it decides the output text). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) =>
    sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/** The users' resources from the shapes; undefined when the shapes cannot stand for the constructor. */
export function instantiate(
  shapes: UserShapes,
  users: ShapeUser[],
  samples: ShapeUser[],
): ShapedChunk | undefined {
  if (!shapes.stock) return undefined;
  let readOnly: ReturnType<typeof compileShape>;
  let readWrite: ReturnType<typeof compileShape>;
  try {
    readOnly = compileShape(shapes.readOnly, shapes.sentinels);
    readWrite = compileShape(shapes.readWrite, shapes.sentinels);
  } catch (err) {
    if (err instanceof ShapeError) return undefined;
    throw err;
  }
  const make = (u: ShapeUser) =>
    (u.spec.readOnly ? readOnly : readWrite)({
      id: u.id,
      name: u.name,
      home: u.spec.homeDirectory,
      keys: u.spec.sshPublicKeys,
    });
  // libjsonnet rendered the samples in std.objectFields (sorted) order.
  const sorted = [...samples].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (
    shapes.samples.length !== sorted.length ||
    sorted.some((u, i) => !sameJson(make(u), shapes.samples[i]))
  )
    return undefined;
  return { names: users.map((u) => u.name), fragments: users.map(make) };
}
