// Connects to a destination exactly as deliveries do — pinned host key, bounded
// time, keepalive, cipher order, TCP_NODELAY — for push() and for
// `sftpgw destinations test`. No trust on first use: a session never starts
// unless the server proves it holds a pinned key.
//
// Host keys (see host-key-algorithms.ts): each connection attempt offers only
// the algorithms of pinned key types. When the server answers with a key that
// is not pinned, its family is dropped and the next attempt offers the rest,
// so every key the server holds can be checked against the pins — at most one
// attempt per family, and one when the first answer matches (the usual case).
//
// Expiring pins (TrustedHostKeys { Key, Expires }, shared/destination/pin-expiry.ts):
// a pin is trusted through its Expires date (UTC) and never after. Families
// with a pin still trusted are offered first, so a server holding the old key
// (expired pin) and the new one (live pin) answers with the new one in one
// attempt. An expired pin's family is still offered after them: when the
// server shows only keys whose pins expired, the failure names the key and
// its date instead of a bare "does not match".
import SftpClient from 'ssh2-sftp-client';
import type { SFTPWrapper } from 'ssh2';
import { fingerprint } from '../ssh/fingerprint.js';
import { pinExpired, utcDate } from '../destination/pin-expiry.js';
import {
  algorithmsOf,
  candidateFamilies,
  describePins,
  HOST_KEY_FAMILIES,
  keyTypeOf,
  REFUSED_ALGORITHMS,
  rsaOnlyWithSha1,
  type HostKeyFamily,
  type PinnedKeys,
} from '../ssh/host-key-algorithms.js';
import { probeHostKey } from '../ssh/host-key-probe.js';
import { errorText, PushError } from './push-error.js';

/** What an existing file under the final name gets: replaced, or never touched (see remote-publish.ts). */
export type OverwritePolicy = 'replace' | 'never';

export interface SftpTarget {
  host: string;
  port: number;
  username: string;
  privateKey?: string;
  passphrase?: string;
  password?: string;
  /** SHA256 fingerprints of the pinned host keys. */
  hostKeyPins: ReadonlySet<string>;
  /** Key type of each pin given as a key line (fingerprint → type); absent or missing entries: type unknown. */
  hostKeyTypes?: ReadonlyMap<string, string>;
  /** Last trusted UTC date (YYYY-MM-DD) of each pin that has one (fingerprint → date); others never expire. */
  hostKeyExpires?: ReadonlyMap<string, string>;
  remoteDirectory: string;
  /** Default "replace". */
  overwrite?: OverwritePolicy;
  /** MaxConnections: SFTP channels at most for one file's parallel ranges (1: one channel). */
  maxConnections?: number;
}

export interface ConnectTuning {
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Cipher preference, best first. */
  ciphers: string[];
}

export interface SftpConnection {
  client: SftpClient;
  sftp: SFTPWrapper;
  /** The pinned host key the server proved it holds (public: type and fingerprint). */
  hostKey: HostKeyUsed;
}

export interface HostKeyUsed {
  type: string;
  fingerprint: string;
  /** Its pin's last trusted UTC date, when it has one. */
  expires?: string;
}

/** A client whose late 'error'/'close' events after we are done do not print or throw. */
export function quietClient(): SftpClient {
  return new SftpClient('sftpgw', { error: () => {}, end: () => {}, close: () => {} });
}

/**
 * The authentication methods to offer, in ssh2's own order, without its
 * leading "none": that probe only asks the server which methods it takes,
 * and costs a round trip before every login (50 ms to a partner 50 ms away).
 */
export function authMethods(target: Pick<SftpTarget, 'password' | 'privateKey'>): string[] {
  return [
    ...(target.password !== undefined ? ['password'] : []),
    ...(target.privateKey !== undefined ? ['publickey'] : []),
  ];
}

export interface ConnectHooks {
  /** Called when the key exchange is done, with the time since the TCP connect began (at least two round trips). */
  onHandshake?(elapsedMs: number): void;
  /**
   * Called once the server has accepted the credentials, before the SFTP
   * channel is asked for: more channels opened here travel in the same round
   * trips as the first (push.ts opens its parallel channels so).
   */
  onAuthenticated?(client: SftpClient): void;
}

/** `now` decides which pins have expired (its UTC date); the function's clock is injectable. */
export async function connectSftp(
  target: SftpTarget,
  tuning: ConnectTuning,
  deadline: number,
  now: Date = new Date(),
  hooks: ConnectHooks = {},
): Promise<SftpConnection> {
  const where = `${target.host}:${target.port}`;
  const types = target.hostKeyTypes ?? new Map<string, string>();
  const pinned: PinnedKeys = { pins: target.hostKeyPins, types };
  const today = utcDate(now);
  const expired = new Map(
    [...(target.hostKeyExpires ?? [])].filter(([, d]) => pinExpired(d, today)),
  );
  const live = new Set([...target.hostKeyPins].filter((fp) => !expired.has(fp)));
  const { families, refusedTypes } = candidateFamilies(pinned);
  const liveFamilies = new Set(candidateFamilies({ pins: live, types }).families);
  let left: HostKeyFamily[] = [
    ...families.filter((f) => liveFamilies.has(f)),
    ...families.filter((f) => !liveFamilies.has(f)),
  ];
  const presented: string[] = [];
  const presentedExpired: HostKeyUsed[] = [];
  while (left.length > 0) {
    const client = quietClient();
    let presentedKey: Buffer | undefined;
    try {
      const methods = authMethods(target);
      const began = Date.now();
      const connecting = client.connect({
        ...(methods.length > 0 ? { authHandler: methods as never } : {}),
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        passphrase: target.passphrase,
        password: target.password,
        readyTimeout: Math.max(1, Math.min(tuning.connectTimeoutMs, deadline - Date.now())),
        keepaliveInterval: tuning.keepaliveIntervalMs,
        keepaliveCountMax: tuning.keepaliveCountMax,
        algorithms: { cipher: tuning.ciphers as never, serverHostKey: algorithmsOf(left) as never },
        hostVerifier: (key: Buffer) => {
          presentedKey = key;
          return live.has(fingerprint(key));
        },
      });
      // After connect() has asked for its own SFTP channel on 'ready', so the
      // first channel opened is always the one the caller gets.
      const { onAuthenticated, onHandshake } = hooks;
      if (onHandshake) sshOf(client).once('handshake', () => onHandshake(Date.now() - began));
      if (onAuthenticated) sshOf(client).once('ready', () => onAuthenticated(client));
      const sftp = await connecting;
      // Nagle + delayed ACK stall small SFTP packets (1.7 MiB/s without this).
      (client as unknown as { client: { setNoDelay(v: boolean): void } }).client.setNoDelay(true);
      const fp = fingerprint(presentedKey!);
      const expires = target.hostKeyExpires?.get(fp);
      return {
        client,
        sftp,
        hostKey: {
          type: keyTypeOf(presentedKey!),
          fingerprint: fp,
          ...(expires ? { expires } : {}),
        },
      };
    } catch (err) {
      destroy(client);
      const text = errorText(err);
      if (presentedKey !== undefined && !live.has(fingerprint(presentedKey))) {
        const type = keyTypeOf(presentedKey);
        const fp = fingerprint(presentedKey);
        const expiredOn = expired.get(fp);
        if (expiredOn !== undefined)
          presentedExpired.push({ type, fingerprint: fp, expires: expiredOn });
        else presented.push(`${type} ${fp}`);
        const rest = left.filter((f) => f.keyType !== type);
        if (rest.length === left.length) break; // a type we did not ask for: never loop
        left = rest;
        continue;
      }
      // The server holds a key of none of the families still offered.
      if (/no matching host key format/i.test(text)) break;
      if (/authentication/i.test(text)) {
        throw new PushError(
          'auth',
          `${where} refused the credentials for user ${target.username}`,
          { cause: err },
        );
      }
      throw new PushError(
        'connect',
        `cannot connect to ${where}: ${text.replace(/^getConnection: /, '')}`,
        { cause: err },
      );
    }
  }
  if (presentedExpired.length > 0) throw expiredPinFailure(where, presentedExpired, today);
  throw await hostKeyFailure(
    target,
    { pins: live, types },
    presented,
    refusedTypes,
    Math.min(tuning.connectTimeoutMs, deadline - Date.now()),
    [...expired].map(([fp, d]) => `${types.get(fp) ?? 'fingerprint'} ${fp} (Expires ${d})`),
  );
}

/**
 * The server proved it holds a pinned key, but that pin's date has passed.
 * Not a "changed key": the operator decided when to stop trusting it (the
 * partner announced a rotation), so the message says what to update.
 */
function expiredPinFailure(where: string, keys: HostKeyUsed[], today: string): PushError {
  const shown = keys
    .map(
      (k) =>
        `${k.type} ${k.fingerprint}, whose pin expired (Expires ${k.expires}: trusted through that UTC day)`,
    )
    .join(' and ');
  return new PushError(
    'host-key',
    `host key of ${where} is pinned in TrustedHostKeys but no longer trusted: the server presented ${shown}; today is ${today} (UTC). Not connecting. If the partner rotated its host key, pin the new one after confirming its fingerprint with the server's owner (sftpgw destinations test <destination> --scan lists the server's keys): sftpgw destinations put <destination> … --trusted-host-key "<new key>"; if the owner confirms this key stays in use, pin it again with a later --pin-expires or none`,
  );
}

/**
 * Says what was pinned, what the server presented and what it offers — and
 * never that "the key changed": a pin of a type the server does not use, or
 * of another server, fails the same way.
 */
async function hostKeyFailure(
  target: SftpTarget,
  pinned: PinnedKeys,
  presented: string[],
  refusedTypes: string[],
  timeoutMs: number,
  /** Pins no longer trusted (the server did not present them), for the message. */
  expiredPins: string[] = [],
): Promise<PushError> {
  const where = `${target.host}:${target.port}`;
  const probe =
    timeoutMs > 0
      ? await probeHostKey(
          target,
          [...algorithmsOf(HOST_KEY_FAMILIES), ...REFUSED_ALGORITHMS],
          timeoutMs,
        )
      : {};
  const offered = probe.offered
    ? `the server offers ${probe.offered.join(', ')}`
    : 'the server did not say which host-key algorithms it offers';
  const notes = [
    ...(probe.offered && rsaOnlyWithSha1(probe.offered)
      ? [
          "its RSA key signs only with SHA-1 (ssh-rsa), which sftpgw never accepts: ask the server's owner to enable rsa-sha2-256/rsa-sha2-512",
        ]
      : []),
    ...(refusedTypes.length > 0
      ? [`pinned ${refusedTypes.join(', ')} keys are never accepted (SHA-1 signatures)`]
      : []),
    ...(expiredPins.length > 0
      ? [`expired pins, no longer trusted: ${expiredPins.join(', ')}`]
      : []),
  ];
  const detail = `pinned: ${describePins(pinned)}; ${offered}${notes.map((n) => `; ${n}`).join('')}`;
  if (presented.length > 0) {
    return new PushError(
      'host-key',
      `host key of ${where} does not match TrustedHostKeys: the server presented ${presented.join(' and ')}; ${detail}. Not connecting. Compare with sftpgw destinations test <destination> --scan and confirm with the server's owner before changing TrustedHostKeys`,
    );
  }
  return new PushError(
    'host-key',
    `${where} holds no host key of a pinned type: ${detail}. Not connecting. Pin one of the server's keys after confirming it with the server's owner (sftpgw destinations test <destination> --scan lists them)`,
  );
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

/** end() raced with a timer, then the socket destroyed: never hangs. */
export async function closeQuietly(client: SftpClient, timeoutMs: number): Promise<void> {
  await Promise.race([client.end().catch(() => {}), sleep(timeoutMs)]);
  destroy(client);
}

/** ssh2's Client under ssh2-sftp-client: the connection more channels open on. */
export function sshOf(client: SftpClient): {
  once(event: 'ready' | 'close' | 'handshake', listener: () => void): unknown;
} {
  return (client as unknown as { client: { once(e: string, l: () => void): unknown } }).client;
}

export function destroy(client: SftpClient): void {
  try {
    (client as unknown as { client: { destroy(): void } }).client.destroy();
  } catch {
    // already closed
  }
}
