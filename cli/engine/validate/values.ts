// Shapes of template values every check needs to tell apart.

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value CloudFormation computes at deploy time: one key, Ref or Fn::*. */
export function isIntrinsic(v: unknown): boolean {
  if (!isObj(v)) return false;
  let n = 0;
  for (const k in v) if (++n > 1 || !(k === 'Ref' || k.startsWith('Fn::'))) return false;
  return n === 1;
}
