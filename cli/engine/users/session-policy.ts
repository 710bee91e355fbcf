// Transfer Family limits a user's session policy to 2,048 characters after
// CloudFormation substitutes its variables. The policy names the home folder
// three times, so a long homeDirectory can break the limit at deploy time;
// check the worst case here instead: every variable at the longest value it
// can take (template/worst-case.ts: the longest partition and region, a
// 63-character bucket name, the longest key ARN).
import { worstCaseSub, type WorstCaseOptions } from '../template/worst-case.js';

export const MAX_SESSION_POLICY = 2048;

/** Worst-case length of a Policy value after Fn::Sub, or undefined when it is not a string or Fn::Sub. */
export function worstCaseLength(policy: unknown, opts: WorstCaseOptions = {}): number | undefined {
  if (typeof policy === 'string') return policy.length;
  const sub = (policy as { 'Fn::Sub'?: unknown } | null)?.['Fn::Sub'];
  const [text, vars] =
    typeof sub === 'string'
      ? [sub, {}]
      : Array.isArray(sub)
        ? [sub[0], sub[1] ?? {}]
        : [undefined, {}];
  if (typeof text !== 'string') return undefined;
  return worstCaseSub(text, vars as Record<string, unknown>, opts).length;
}
