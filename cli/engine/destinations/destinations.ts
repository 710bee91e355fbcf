// sftpgw destinations put | test | list. The secret is checked with the push
// function's own parser (shared/destination/parse-secret.ts) before it is
// written, and the test connects with the function's own connect
// (shared/sftp/connect.ts: pinned host key, timeouts).
// No value of a secret is ever printed.
import { randomBytes } from 'node:crypto';
import type { PhaseSink } from '../phase.js';
import { Readable } from 'node:stream';
import type { Deletion, SecretInfo, SecretStoreApi } from '../../adapters/aws/secrets.js';
import {
  DestinationError,
  parseDestination,
  type Destination,
} from '../../../shared/destination/parse-secret.js';
import type { DestinationSecret } from '../../../shared/destination/secret-schema.js';
import { fingerprint } from '../../../shared/ssh/host-keys.js';
import {
  daysLeft,
  pinExpired,
  pinState,
  type PinState,
} from '../../../shared/destination/pin-expiry.js';
import {
  algorithmsOf,
  HOST_KEY_FAMILIES,
  keyTypeOf,
  REFUSED_ALGORITHMS,
  rsaOnlyWithSha1,
} from '../../../shared/ssh/host-key-algorithms.js';
import { probeHostKey } from '../../../shared/ssh/host-key-probe.js';
import {
  closeQuietly,
  connectSftp,
  type HostKeyUsed,
  type SftpConnection,
  type SftpTarget,
} from '../../../shared/sftp/connect.js';
import { DEFAULT_TUNING, push } from '../../../shared/sftp/push.js';
import { openExtraChannels } from '../../../shared/sftp/parallel-write.js';
import { DESTINATION_KEY_PATTERN } from '../../../shared/destination/staging-key.js';
import { destinationSecretName, GATEWAY_TAG } from '../../../shared/gateway-names.js';
import { invalidInput, SftpgwError, usageError } from '../errors.js';

export function checkKey(key: string): void {
  if (!DESTINATION_KEY_PATTERN.test(key)) {
    throw usageError(
      `"${key}" is not a destination key`,
      `use ${DESTINATION_KEY_PATTERN.source}: it is the first folder of staged files (<key>/<file>)`,
    );
  }
}

/** Parses with the handler's rules; problems name fields, never values. */
export function checkedDestination(name: string, secret: DestinationSecret): Destination {
  try {
    return parseDestination(name, JSON.stringify(secret));
  } catch (err) {
    if (err instanceof DestinationError) {
      throw invalidInput(
        `the destination ${name} is not valid`,
        err.problems.map((p) => {
          const [field, ...rest] = p.split(': ');
          return rest.length ? { field: flagOf(field), message: rest.join(': ') } : { message: p };
        }),
      );
    }
    throw err;
  }
}

/** Secret keys as the put command's flags, so messages say what to pass. */
function flagOf(field: string): string {
  const flags: Record<string, string> = {
    Host: '--host',
    Port: '--port',
    Username: '--username',
    PrivateKey: '--private-key-file',
    Passphrase: '--passphrase-file',
    Password: '--password-stdin',
    RemoteDirectory: '--remote-dir',
    FilePattern: '--pattern',
    Overwrite: '--overwrite',
  };
  const m = /^TrustedHostKeys(?:\/(\d+)(\/Key|\/Expires)?)?$/.exec(field);
  if (m) {
    if (m[1] === undefined) return '--trusted-host-key';
    const key = `--trusted-host-key #${Number(m[1]) + 1}`;
    return m[2] === '/Expires' ? `--pin-expires of ${key}` : key;
  }
  return flags[field] ?? field;
}

export interface PutResult {
  name: string;
  created: boolean;
}

export async function putDestination(
  store: SecretStoreApi,
  opts: {
    prefix: string;
    key: string;
    gateway: string;
    secret: DestinationSecret;
    kmsKeyId?: string;
  },
  phase: PhaseSink = () => {},
): Promise<PutResult> {
  checkKey(opts.key);
  const name = destinationSecretName(opts.prefix, opts.key);
  checkedDestination(name, opts.secret);
  const value = JSON.stringify(opts.secret);
  const existing = await store.describe(name);
  if (!existing) {
    phase({ kind: 'secret', secretName: name, action: 'create' });
    await store.create(name, value, { [GATEWAY_TAG]: opts.gateway }, opts.kmsKeyId);
    return { name, created: true };
  }
  if (existing.tags[GATEWAY_TAG] !== undefined && existing.tags[GATEWAY_TAG] !== opts.gateway) {
    throw new SftpgwError(
      'invalid-input',
      `secret ${name} belongs to gateway ${existing.tags[GATEWAY_TAG]}, not ${opts.gateway}`,
      { hint: 'use another key or another secret prefix (outbound.secretPrefix)' },
    );
  }
  phase({ kind: 'secret', secretName: name, action: 'update' });
  await store.putValue(name, value);
  // The function may read only secrets with this tag.
  if (existing.tags[GATEWAY_TAG] !== opts.gateway)
    await store.tag(name, { [GATEWAY_TAG]: opts.gateway });
  return { name, created: false };
}

export const RECOVERY_DAYS = { min: 7, max: 30, default: 7 } as const;

export interface RemoveResult {
  name: string;
  /** When Secrets Manager deletes it (restorable until then); with force, now. */
  deletionDate?: Date;
  force: boolean;
}

/**
 * Deletes destination `key`: only a secret that carries this gateway's tag
 * (what put creates), so a secret another gateway or team keeps under the
 * same prefix is never touched. `confirm` is asked once the secret is known
 * to be this gateway's, before anything is deleted.
 */
export async function removeDestination(
  store: SecretStoreApi,
  opts: { prefix: string; key: string; gateway: string; how: Deletion },
  confirm: (question: string) => Promise<boolean>,
  phase: PhaseSink = () => {},
): Promise<RemoveResult | 'declined'> {
  checkKey(opts.key);
  const name = destinationSecretName(opts.prefix, opts.key);
  const existing = await store.describe(name);
  if (!existing) {
    throw new SftpgwError('failed', `destination ${opts.key} does not exist (no secret ${name})`, {
      hint: 'sftpgw destinations list shows the destinations of this gateway',
    });
  }
  if (existing.deletedDate) {
    throw new SftpgwError(
      'failed',
      `destination ${opts.key} is already scheduled for deletion (secret ${name}; deleted date ${existing.deletedDate.toISOString()})`,
      { hint: `to keep it, restore it: aws secretsmanager restore-secret --secret-id ${name}` },
    );
  }
  const owner = existing.tags[GATEWAY_TAG];
  if (owner !== opts.gateway) {
    throw new SftpgwError(
      'failed',
      `secret ${name} is not this gateway's: ${owner === undefined ? `it has no ${GATEWAY_TAG} tag` : `its ${GATEWAY_TAG} tag says ${owner}`}, not ${opts.gateway}; nothing was deleted`,
      {
        hint: 'sftpgw deletes only the destination secrets it tags; if it must go, delete it with the AWS console or CLI',
      },
    );
  }
  const what =
    'force' in opts.how
      ? 'at once, without recovery'
      : `after a ${opts.how.recoveryDays}-day recovery window`;
  if (!(await confirm(`Delete destination ${opts.key} (secret ${name}) ${what}?`)))
    return 'declined';
  phase({ kind: 'secret', secretName: name, action: 'delete' });
  const deletionDate = await store.remove(name, opts.how);
  return { name, deletionDate, force: 'force' in opts.how };
}

export interface DestinationListing extends SecretInfo {
  key: string;
  /** The push function can read it: it carries this gateway's tag. */
  tagged: boolean;
  /** With pins asked for: every pinned host key, in TrustedHostKeys order. */
  pins?: PinListing[];
  /** With pins asked for: why they could not be read (names fields, never values). */
  pinsProblem?: string;
}

export interface PinListing {
  /** Key type when pinned as a key line; absent for a bare SHA256 fingerprint. */
  type?: string;
  fingerprint: string;
  /** Last trusted UTC date; absent: never expires. */
  expires?: string;
  state: PinState;
  /** Days from today to expires (0: today is its last trusted day; negative: expired). */
  daysLeft?: number;
}

/** How `destinations list --pins` judges pins: today's UTC date and the warning window. */
export interface PinWindow {
  today: string;
  withinDays: number;
}

/**
 * The destinations under `prefix`: names and tags only (ListSecrets), or with
 * `pins` also every pin's expiry, which needs each secret's value
 * (GetSecretValue, as destinations test does). Values are parsed with the
 * function's parser and dropped; only key types, fingerprints and dates leave.
 */
export async function listDestinations(
  store: SecretStoreApi,
  prefix: string,
  gateway: string,
  pins?: PinWindow,
): Promise<DestinationListing[]> {
  const p = `${prefix.replace(/\/+$/, '')}/`;
  const list = (await store.list(p)).map((s) => ({
    ...s,
    key: s.name.slice(p.length),
    tagged: s.tags[GATEWAY_TAG] === gateway,
  }));
  if (!pins) return list;
  const out: DestinationListing[] = [];
  for (const d of list) out.push({ ...d, ...(await pinsOf(store, d.name, pins)) });
  return out;
}

async function pinsOf(
  store: SecretStoreApi,
  name: string,
  window: PinWindow,
): Promise<Pick<DestinationListing, 'pins' | 'pinsProblem'>> {
  const text = await store.value(name);
  if (text === undefined) return { pinsProblem: 'the secret has no value' };
  let d: Destination;
  try {
    d = parseDestination(name, text);
  } catch (err) {
    if (err instanceof DestinationError)
      return { pinsProblem: `the secret is not valid: ${err.problems.join('; ')}` };
    throw err;
  }
  return {
    pins: [...d.hostKeyPins].map((fp) => {
      const expires = d.hostKeyExpires.get(fp);
      const type = d.hostKeyTypes?.get(fp);
      return {
        ...(type ? { type } : {}),
        fingerprint: fp,
        ...(expires ? { expires, daysLeft: daysLeft(expires, window.today) } : {}),
        state: pinState(expires, window.today, window.withinDays),
      };
    }),
  };
}

/** Pins that need someone: expired, or expiring within the window. */
export const pinsNeedingAttention = (list: readonly DestinationListing[]): number =>
  list.reduce(
    (n, d) => n + (d.pins ?? []).filter((p) => p.state !== 'ok').length + (d.pinsProblem ? 1 : 0),
    0,
  );

async function loadDestination(store: SecretStoreApi, name: string): Promise<Destination> {
  const text = await store.value(name);
  if (text === undefined)
    throw new SftpgwError('failed', `destination secret ${name} does not exist`, {
      hint: 'create it with sftpgw destinations put',
    });
  try {
    return parseDestination(name, text);
  } catch (err) {
    if (err instanceof DestinationError)
      throw invalidInput(
        `destination secret ${name} is not valid`,
        err.problems.map((message) => ({ message })),
        'fix it with sftpgw destinations put',
      );
    throw err;
  }
}

export interface TestResult {
  name: string;
  host: string;
  remoteDirectory: string;
  /** Entries in the remote directory. */
  entries: number;
  /** --write: a probe file was written, sized, renamed and removed. */
  wrote: boolean;
  /** The pinned host key the server proved it holds. */
  hostKey: HostKeyUsed;
  /** SFTP channels a large file's parallel writes would use here. */
  channels: ChannelsAllowed;
}

export interface ChannelsAllowed {
  /** What a large file asks for: the default, or MaxConnections when lower. */
  wanted: number;
  /** How many the server opened on one connection (at most wanted). */
  allowed: number;
  /** Why fewer: the server's refusal, when it refused. */
  refused?: string;
}

/** Opens as many SFTP channels as a large delivery would, on a connection that is done with otherwise, and says how many the server allowed. */
async function probeChannels(
  connection: SftpConnection,
  target: SftpTarget,
): Promise<ChannelsAllowed> {
  const wanted = Math.max(
    1,
    Math.min(DEFAULT_TUNING.channels, target.maxConnections ?? DEFAULT_TUNING.channels),
  );
  if (wanted === 1) return { wanted, allowed: 1 };
  const extra = await openExtraChannels(
    connection.client,
    wanted - 1,
    DEFAULT_TUNING.connectTimeoutMs,
  );
  for (const c of extra.channels) c.end();
  return {
    wanted,
    allowed: 1 + extra.channels.length,
    ...(extra.refused ? { refused: extra.refused } : {}),
  };
}

/** Connects as the push function would, lists the remote directory, and with write puts and removes a probe file. */
export async function testDestination(
  store: SecretStoreApi,
  name: string,
  opts: { write: boolean; timeoutMs?: number; now?: Date },
  phase: PhaseSink = () => {},
): Promise<TestResult> {
  const d = await loadDestination(store, name);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let entries: number;
  let hostKey: HostKeyUsed;
  let channels: ChannelsAllowed;
  let connection: SftpConnection | undefined;
  try {
    connection = await connectSftp(d, DEFAULT_TUNING, deadline, opts.now);
    hostKey = connection.hostKey;
    entries = (
      await connection.client.list(d.remoteDirectory).catch((err: Error) => {
        throw new SftpgwError(
          'failed',
          `cannot list ${d.remoteDirectory} on ${d.host}:${d.port}: ${err.message.replace(/^list: /, '')}`,
        );
      })
    ).length;
    channels = await probeChannels(connection, d);
  } catch (err) {
    if (err instanceof SftpgwError) throw err;
    throw new SftpgwError('failed', (err as Error).message, { cause: err });
  } finally {
    if (connection) await closeQuietly(connection.client, DEFAULT_TUNING.endTimeoutMs);
  }
  if (!opts.write)
    return {
      name,
      host: `${d.host}:${d.port}`,
      remoteDirectory: d.remoteDirectory,
      entries,
      wrote: false,
      hostKey,
      channels,
    };

  // The real delivery path (own part file, size check, publish as the
  // destination's Overwrite says), then the probe removed. The probe's name is
  // new, so it never meets an existing file.
  const probe = `.sftpgw-probe-${randomBytes(6).toString('hex')}`;
  const body = Buffer.from(`sftpgw destinations test ${new Date().toISOString()}\n`);
  phase({
    kind: 'probe',
    host: `${d.host}:${d.port}`,
    path: `${d.remoteDirectory.replace(/\/+$/, '')}/${probe}`,
  });
  try {
    await push({
      target: d,
      fileName: probe,
      body: Readable.from([body]),
      size: body.length,
      deadline,
      deliveryId: randomBytes(8).toString('hex'),
      now: opts.now,
    });
  } catch (err) {
    throw new SftpgwError('failed', `writing a probe file failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let cleaner: SftpConnection | undefined;
  try {
    cleaner = await connectSftp(d, DEFAULT_TUNING, deadline, opts.now);
    await cleaner.client.delete(`${d.remoteDirectory.replace(/\/+$/, '')}/${probe}`);
  } catch (err) {
    throw new SftpgwError(
      'failed',
      `the probe file ${probe} was written but could not be removed: ${(err as Error).message}`,
      { hint: 'remove it by hand', cause: err },
    );
  } finally {
    if (cleaner) await closeQuietly(cleaner.client, DEFAULT_TUNING.endTimeoutMs);
  }
  return {
    name,
    host: `${d.host}:${d.port}`,
    remoteDirectory: d.remoteDirectory,
    entries,
    wrote: true,
    hostKey,
    channels,
  };
}

export interface ScannedKey {
  type: string;
  fingerprint: string;
  /** The public key line, to pin after confirming the fingerprint out of band. */
  line: string;
  /** Its fingerprint is in TrustedHostKeys. */
  pinned: boolean;
  /** Its pin's last trusted UTC date, when it has one. */
  pinExpires?: string;
  /** Pinned, but the pin's date has passed: deliveries no longer accept it. */
  expired: boolean;
  /** Deliveries would accept it when pinned (false: the server signs with it only in a way sftpgw refuses, SHA-1). */
  acceptable: boolean;
}

export interface HostKeyScan {
  /** The server's host-key algorithms as it advertises them. */
  offered: string[];
  keys: ScannedKey[];
}

/**
 * The server's host keys, one connection per key family — the same families
 * and algorithms deliveries offer (shared/ssh/host-key-algorithms.ts), so a key
 * marked pinned and acceptable is exactly one a delivery accepts. Every
 * connection is refused at the host-key step (nothing is trusted, nothing
 * authenticates). An RSA key the server signs only with SHA-1 is listed as
 * not acceptable.
 */
export async function scanHostKeys(
  target: Pick<SftpTarget, 'host' | 'port'>,
  pins: ReadonlySet<string>,
  timeoutMs = 10_000,
  expiry: { expires: ReadonlyMap<string, string>; today: string } = {
    expires: new Map(),
    today: '0000-01-01',
  },
): Promise<HostKeyScan> {
  const advertised = await probeHostKey(
    target,
    [...algorithmsOf(HOST_KEY_FAMILIES), ...REFUSED_ALGORITHMS],
    timeoutMs,
  );
  if (!advertised.offered)
    throw new SftpgwError(
      'failed',
      `cannot reach the SSH service at ${target.host}:${target.port}`,
      { hint: 'check the host, the port and that nothing blocks the connection' },
    );
  const offered = advertised.offered;
  const rounds = HOST_KEY_FAMILIES.filter((f) => f.algorithms.some((a) => offered.includes(a))).map(
    (f) => ({ algorithms: [...f.algorithms], acceptable: true }),
  );
  if (rsaOnlyWithSha1(offered)) rounds.push({ algorithms: ['ssh-rsa'], acceptable: false });
  const keys: ScannedKey[] = [];
  for (const round of rounds) {
    const { key } = await probeHostKey(target, round.algorithms, timeoutMs);
    if (!key) continue;
    const type = keyTypeOf(key);
    const fp = fingerprint(key);
    if (keys.some((k) => k.fingerprint === fp)) continue;
    const pinExpires = pins.has(fp) ? expiry.expires.get(fp) : undefined;
    keys.push({
      type,
      fingerprint: fp,
      line: `${type} ${key.toString('base64')}`,
      pinned: pins.has(fp),
      ...(pinExpires ? { pinExpires } : {}),
      expired: pinExpires !== undefined && pinExpired(pinExpires, expiry.today),
      acceptable: round.acceptable,
    });
  }
  return { offered, keys };
}

export async function scanDestination(
  store: SecretStoreApi,
  name: string,
  today: string,
): Promise<{ host: string } & HostKeyScan> {
  const d = await loadDestination(store, name);
  return {
    host: `${d.host}:${d.port}`,
    ...(await scanHostKeys(d, d.hostKeyPins, 10_000, { expires: d.hostKeyExpires, today })),
  };
}
