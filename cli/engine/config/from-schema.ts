// The TypeScript type of a value a JSON schema accepts, read from the schema
// literal itself (`as const`), so the config types cannot drift from the
// schema that checks the file. Covers the keywords config/schema.ts uses:
// type (one or a list), enum, properties with required, additionalProperties
// as a schema (a map), items. Keywords that only narrow a value (pattern,
// minimum, maxItems …) do not change its type and are ignored.

type Primitive = {
  string: string;
  integer: number;
  number: number;
  boolean: boolean;
  null: null;
};

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** An object schema's properties: optional unless listed in `required`. */
type ObjectOf<S> = S extends { properties: infer P }
  ? Simplify<
      {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: FromSchema<P[K]>;
      } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: FromSchema<P[K]>;
      }
    >
  : S extends { additionalProperties: infer A extends object }
    ? Record<string, FromSchema<A>>
    : Record<string, unknown>;

type RequiredKeys<S> = S extends { required: readonly (infer R)[] } ? R : never;

type OfType<S, T> = T extends 'object'
  ? ObjectOf<S>
  : T extends 'array'
    ? S extends { items: infer I }
      ? FromSchema<I>[]
      : unknown[]
    : T extends keyof Primitive
      ? Primitive[T]
      : never;

export type FromSchema<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: readonly (infer T)[] }
    ? OfType<S, T>
    : S extends { type: infer T }
      ? OfType<S, T>
      : unknown;
