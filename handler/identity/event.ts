// The event Transfer Family sends a custom identity provider function at each
// login ("Using AWS Lambda to integrate your identity provider",
// https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html):
//   { username, password?, protocol, serverId, sourceIp }
// `password` is there only for a password login; a key login has none (or an
// empty one), and Transfer then checks the key against the PublicKeys we answer.
// Anything else is not a login this function can decide: it is denied (and
// logged), never guessed at.

export interface LoginEvent {
  username: string;
  /** Present (non-empty) only for a password login. */
  password?: string;
  protocol: 'SFTP' | 'FTP' | 'FTPS';
  serverId: string;
  sourceIp: string;
}

export type EventCheck = { event: LoginEvent } | { invalid: string };

const PROTOCOLS = new Set(['SFTP', 'FTP', 'FTPS']);

/** The login, or what is wrong with the event (words only: no value of it, which may be a password). */
export function checkEvent(raw: unknown): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { invalid: 'the event is not an object' };
  const e = raw as Record<string, unknown>;
  for (const field of ['username', 'protocol', 'serverId', 'sourceIp'] as const)
    if (typeof e[field] !== 'string' || e[field] === '')
      return { invalid: `${field} is missing or not a non-empty string` };
  if (!PROTOCOLS.has(e.protocol as string)) return { invalid: 'protocol is not SFTP, FTP or FTPS' };
  if (e.password !== undefined && e.password !== null && typeof e.password !== 'string')
    return { invalid: 'password is not a string' };
  const password = typeof e.password === 'string' && e.password !== '' ? e.password : undefined;
  return {
    event: {
      username: e.username as string,
      password,
      protocol: e.protocol as LoginEvent['protocol'],
      serverId: e.serverId as string,
      sourceIp: e.sourceIp as string,
    },
  };
}
