// RFC 6902 add/remove/replace on a JSON value, for fixtures that break a
// known-good template one protection at a time.
export interface PatchOp {
  op: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

export function applyPatch<T>(doc: T, ops: readonly PatchOp[]): T {
  const out = structuredClone(doc);
  for (const op of ops) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let parent: unknown = out;
    for (const p of parts) {
      parent = (parent as Record<string, unknown>)[p];
      if (parent === undefined) throw new Error(`patch ${op.op} ${op.path}: ${p} does not exist`);
    }
    const container = parent as Record<string, unknown> & unknown[];
    if (op.op !== 'add' && !(last in container))
      throw new Error(`patch ${op.op} ${op.path}: nothing there`);
    if (op.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (Array.isArray(container) && op.op === 'add') {
      container.splice(last === '-' ? container.length : Number(last), 0, op.value);
    } else {
      container[last] = structuredClone(op.value);
    }
  }
  return out;
}
