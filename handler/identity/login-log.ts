// One JSON line per login, and error lines about the directory, on stdout
// (Lambda forwards each line to the function's log group). A line names the
// outcome, the user, the reason code, protocol, source address, server and
// time taken; it never carries a password, a password hash or a key body:
// the event's password is registered as a secret with the shared Logger
// (handler/log.ts, which also redacts private-key blocks), and anything that
// looks like a scrypt hash or a public key's base64 body is cut out of every
// string before the line is written (an error message from a bad directory
// could quote one).
import { Logger, type Write } from '../log.js';
import type { Decision } from './decide.js';
import type { LoginEvent } from './event.js';

const HASH = /\$scrypt\$[^\s"'\\]*/g;
// A public key's body: base64 of the key blob, which always starts with the
// length of its type name (AAAA…), far longer than any word.
const KEY_BODY = /AAAA[0-9A-Za-z+/]{16,}={0,3}/g;

export function scrub(text: string): string {
  return text.replace(HASH, '[password hash]').replace(KEY_BODY, '[key body]');
}

function scrubbed(value: unknown): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map(scrubbed);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [scrub(k), scrubbed(v)] as const),
    );
  return value;
}

export class LoginLog {
  private readonly logger: Logger;

  constructor(write: Write, base: Record<string, unknown>) {
    this.logger = new Logger(write, { function: 'identity', ...base });
  }

  /** The login's password (if any) is never written, whatever field it turns up in. */
  forget(password: string | undefined): void {
    if (password) this.logger.addSecrets([password]);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.logger.log('error', scrub(message), scrubbed(fields) as Record<string, unknown>);
  }

  /** The one line of a decided login. */
  login(
    event: LoginEvent,
    decision: Decision | { allow: false; reason: string; method: 'key' | 'password' },
    ms: number,
    extra: Record<string, unknown> = {},
  ): void {
    const fields = {
      outcome: decision.allow ? 'allowed' : 'denied',
      user: event.username,
      reason: decision.allow ? decision.method : decision.reason,
      method: decision.method,
      protocol: event.protocol,
      sourceIp: event.sourceIp,
      serverId: event.serverId,
      keys: decision.allow && 'keys' in decision ? decision.keys : undefined,
      ms,
      ...extra,
    };
    const level = extra.problem !== undefined ? 'error' : 'info';
    this.logger.log(level, 'login', scrubbed(fields) as Record<string, unknown>);
  }

  /** An event that is not a Transfer Family login: denied; its values are not logged. */
  invalid(problem: string, ms: number): void {
    this.logger.log('warn', 'login', {
      outcome: 'denied',
      reason: 'invalid-event',
      problem,
      ms,
    });
  }
}
