// Building blocks for the JSON Schemas of `--output json` (draft-07, plain
// JSON Schema: any validator reads them, not only ajv). Every object lists
// all its keys as required and allows no others: a value that is not known
// is null, never a missing key, so a script can read any field of any
// document without first asking whether it is there.
// The documents' TypeScript types (Complete<T> below) make the compiler
// insist on the same: a field added to an engine result and not to its
// document is a type error, not a key silently left out.

export type Schema = Record<string, unknown>;

/** T with every optional member required, `undefined` turned into `null`. */
export type Complete<T> = {
  [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K];
};

/** undefined → null: an optional engine value as a document field. */
export function orNull<T>(v: T | undefined): T | null {
  return v === undefined ? null : v;
}

export const string = (description?: string): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
});
export const integer = (description?: string): Schema => ({
  type: 'integer',
  minimum: 0,
  ...(description ? { description } : {}),
});
export const boolean = (description?: string): Schema => ({
  type: 'boolean',
  ...(description ? { description } : {}),
});
export const stringEnum = (values: readonly string[], description?: string): Schema => ({
  type: 'string',
  enum: [...values],
  ...(description ? { description } : {}),
});
export const array = (items: Schema, description?: string): Schema => ({
  type: 'array',
  items,
  ...(description ? { description } : {}),
});
/** Any JSON value (a template's value before or after a change). */
export const anyValue = (description: string): Schema => ({ description });

/** A value, or null when it is not known or does not apply. */
export function nullable(s: Schema, description?: string): Schema {
  const { description: inner, ...rest } = s;
  const why = description ?? (inner as string | undefined);
  return { anyOf: [rest, { type: 'null' }], ...(why ? { description: why } : {}) };
}

/** An object with exactly these keys, every one required. */
export function object(properties: Record<string, Schema>, description?: string): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
    ...(description ? { description } : {}),
  };
}

/** The top of a schema file: its dialect, title and what it describes. */
export function document(title: string, description: string, body: Schema): Schema {
  return { $schema: 'http://json-schema.org/draft-07/schema#', title, description, ...body };
}

/**
 * ajv's `nullable: true` (an OpenAPI keyword, used by schemas typed with
 * ajv's JSONSchemaType) as plain JSON Schema: anyOf the value or null.
 */
export function standardNullable(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(standardNullable);
  if (s === null || typeof s !== 'object') return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s))
    if (k !== 'nullable') out[k] = k === 'enum' || k === 'required' ? v : standardNullable(v);
  if ((s as { nullable?: unknown }).nullable !== true) return out;
  const { description, ...rest } = out;
  return { anyOf: [rest, { type: 'null' }], ...(description ? { description } : {}) };
}
