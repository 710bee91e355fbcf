// server.hostKeys after the schema: each secret once. The schema already
// holds each entry to a secret name or ARN; two entries naming one secret
// would import one key twice (Transfer Family refuses a duplicate key).
import type { Problem } from '../errors.js';
import type { EndpointPlace } from './endpoint.js';
import type { HostKeySetting } from './types.js';

/** The secret's name as a dynamic reference compares it: an ARN's name part (without the 6-character suffix). */
function secretName(secret: string): string {
  const m = /:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(secret);
  return m ? m[1] : secret;
}

export function resolveHostKeys(
  written: readonly HostKeySetting[] | undefined,
  at: EndpointPlace,
  problems: Problem[],
): HostKeySetting[] {
  const keys = (written ?? []).map((k) => ({
    secret: k.secret,
    ...(k.description !== undefined ? { description: k.description } : {}),
  }));
  const first = new Map<string, number>();
  keys.forEach((k, i) => {
    const name = secretName(k.secret);
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, i);
      return;
    }
    problems.push({
      file: at.file,
      field: `server.hostKeys.${i}.secret`,
      line: at.lineOf(['server', 'hostKeys', i, 'secret']),
      message: `names the secret ${name} again (server.hostKeys.${earlier} names it already)`,
      hint: 'list each host key once: one secret per key, in the order the keys were made (the first is the oldest)',
    });
  });
  return keys;
}
