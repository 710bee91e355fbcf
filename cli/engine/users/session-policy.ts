// Transfer Family limits a user's session policy to 2,048 characters after
// CloudFormation substitutes its variables. The policy names the home folder
// three times, so a long homeDirectory can break the limit at deploy time;
// check the worst case here instead: the longest partition, a 63-character
// bucket name and the longest key ARN the variables can stand for.

export const MAX_SESSION_POLICY = 2048;

const WORST_CASE: Record<string, string> = {
  'AWS::Partition': 'aws-iso-b',
  'AWS::Region': 'us-isob-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'sc2s.sgov.gov',
};
const LONGEST_KEY_ARN = 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-' + '0'.repeat(32);
const LONGEST_BUCKET = 'b'.repeat(63);

/** Worst-case length of a Policy value after Fn::Sub, or undefined when it is not a string or Fn::Sub. */
export function worstCaseLength(policy: unknown): number | undefined {
  if (typeof policy === 'string') return policy.length;
  const sub = (policy as { 'Fn::Sub'?: unknown } | null)?.['Fn::Sub'];
  const [text, vars] =
    typeof sub === 'string'
      ? [sub, {}]
      : Array.isArray(sub)
        ? [sub[0], sub[1] ?? {}]
        : [undefined, {}];
  if (typeof text !== 'string') return undefined;
  return text.replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
    if (name in WORST_CASE) return WORST_CASE[name];
    const v = (vars as Record<string, unknown>)[name];
    if (typeof v === 'string') return v;
    return /key/i.test(name) || /Arn$/.test(name) ? LONGEST_KEY_ARN : LONGEST_BUCKET;
  }).length;
}
