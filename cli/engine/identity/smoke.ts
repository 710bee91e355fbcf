// The forward switch's check before the server points at the function
// (docs/identity-provider.md#service-managed--lambda): invoke the staged
// function directly, as Transfer Family would, with a key login of one user
// in the directory and one of a user who is not there. The first must answer
// with a Role and that user's unexpired keys, the second must deny (an answer
// without a Role: "a response with a non-blank Role authenticates, an empty one
// denies", https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html).
// Anything else stops the switch before the server changes. The event is the
// guide's for a key login: no `password` field.
import { type Directory, liveKeys } from '../../../shared/identity/directory.js';

/** Lambda's synchronous Invoke, as the engine needs it (adapter: cli/adapters/aws/lambda-invoke.ts). */
export interface FunctionInvoker {
  invoke(functionName: string, event: unknown): Promise<InvokeAnswer>;
}

export interface InvokeAnswer {
  /** The function's JSON answer (parsed), or its error payload. */
  payload: unknown;
  /** Lambda's X-Amz-Function-Error (Unhandled, Handled): the function threw. */
  functionError?: string;
}

export interface SmokeCheck {
  case: 'known user' | 'unknown user';
  username: string;
  ok: boolean;
  /** What was expected and what came, in words (never a key body or a policy). */
  detail: string;
}

export interface SmokeResult {
  ok: boolean;
  checks: SmokeCheck[];
  /** Why the known-user check could not run (no user with an unexpired key). */
  skipped?: string;
}

/** An address inside the user's first network (or any, when the user has none). */
export function sourceIpFor(cidrs: readonly string[] | null | undefined): string {
  const first = cidrs?.[0];
  if (!first) return '198.51.100.10';
  const [ip, bits] = first.split('/');
  const prefix = Number(bits);
  const n = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const host = prefix >= 31 ? n : n + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(host / 2 ** s) % 256).join('.');
}

/** A username that is surely not in the directory. */
export function unknownUser(directory: Directory): string {
  let name = 'sftpgw-smoke-unknown';
  while (name in directory.users) name += '-x';
  return name;
}

/** The first user (by name) with a key trusted today: the known-user check's subject. */
export function smokeSubject(directory: Directory, now: Date): string | undefined {
  return Object.keys(directory.users)
    .sort()
    .find((n) => liveKeys(directory.users[n], now).length > 0);
}

const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function keyLoginEvent(username: string, serverId: string, sourceIp: string) {
  return { username, protocol: 'SFTP', serverId, sourceIp };
}

/** Invokes the function twice and judges the answers. Never throws for a wrong answer: the result says. */
export async function smokeInvoke(
  invoker: FunctionInvoker,
  input: { functionName: string; serverId: string; directory: Directory; now: Date },
): Promise<SmokeResult> {
  const { functionName, serverId, directory, now } = input;
  const checks: SmokeCheck[] = [];
  const subject = smokeSubject(directory, now);
  let skipped: string | undefined;
  if (subject) {
    const user = directory.users[subject];
    const answer = await invoker.invoke(
      functionName,
      keyLoginEvent(subject, serverId, sourceIpFor(user.cidrs)),
    );
    const p = asObject(answer.payload);
    const expected = liveKeys(user, now);
    const got = Array.isArray(p.PublicKeys) ? (p.PublicKeys as unknown[]) : undefined;
    let detail: string;
    if (answer.functionError)
      detail = `the function failed (${answer.functionError}): ${String(p.errorMessage ?? p.errorType ?? 'no message')}`;
    else if (typeof p.Role !== 'string' || p.Role.trim() === '')
      detail = 'expected an answer with a Role (allowed), got one without (denied)';
    else if (!got || got.length !== expected.length || !expected.every((k) => got.includes(k)))
      detail = `expected the user's ${expected.length} unexpired key${expected.length === 1 ? '' : 's'} in PublicKeys, got ${got ? got.length : 'no PublicKeys'}`;
    else detail = `allowed with ${expected.length} key${expected.length === 1 ? '' : 's'}`;
    checks.push({
      case: 'known user',
      username: subject,
      ok: detail.startsWith('allowed'),
      detail,
    });
  } else skipped = 'no user in the directory has an unexpired key';
  const stranger = unknownUser(directory);
  const denied = await invoker.invoke(
    functionName,
    keyLoginEvent(stranger, serverId, sourceIpFor(null)),
  );
  const d = asObject(denied.payload);
  const deniedOk = !denied.functionError && (typeof d.Role !== 'string' || d.Role.trim() === '');
  checks.push({
    case: 'unknown user',
    username: stranger,
    ok: deniedOk,
    detail: denied.functionError
      ? `the function failed (${denied.functionError}): ${String(d.errorMessage ?? d.errorType ?? 'no message')}`
      : deniedOk
        ? 'denied'
        : 'expected a denial (no Role), got an answer with a Role',
  });
  return { ok: checks.every((c) => c.ok), checks, ...(skipped ? { skipped } : {}) };
}
