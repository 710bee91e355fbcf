// Transfer Family security policies: the oldest the baseline accepts, and how
// to read the date in a policy's name (config checks and the baseline rule).

export const DEFAULT_SECURITY_POLICY = 'TransferSecurityPolicy-2024-01';
export const MIN_SECURITY_POLICY = '2024-01';

/** `TransferSecurityPolicy-…-YYYY-MM…` -> "YYYY-MM", or undefined. */
export function securityPolicyDate(name: string): string | undefined {
  const m = /^TransferSecurityPolicy-(?:[A-Za-z0-9]+-)*?(\d{4})-(\d{2})(?:-[A-Za-z0-9-]+)?$/.exec(
    name,
  );
  return m ? `${m[1]}-${m[2]}` : undefined;
}

export function isCurrentSecurityPolicy(name: string): boolean {
  const date = securityPolicyDate(name);
  return date !== undefined && date >= MIN_SECURITY_POLICY;
}
