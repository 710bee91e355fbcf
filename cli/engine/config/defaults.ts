// What sftpgw.yaml means where it leaves a key out: one tree, the bottom
// layer of the merge top level → environments.<env> → SFTPGW_* → flags
// (config/load.ts). docs/configuration.md's key table shows it (npm run
// docs:config), and test/config/config-defaults.unit.test.ts checks that the libsonnet
// constructors' own defaults agree with it where both exist.
import path from 'node:path';
import { defaultSecretPrefix } from '../../../shared/gateway-names.js';
import { DEFAULT_SECURITY_POLICY } from '../security-policy.js';
import type { IdentityProviderType } from './types.js';

/** What some defaults are made of; the docs show them as <stackName> and <env>. */
export interface DefaultsContext {
  stackName: string;
  /** The environment selected; undefined for the top level alone. */
  env?: string;
}

/**
 * The defaults tree. A key left out of the file takes the value here; a key
 * not here (stackName, region, dns.domain …) has none. null: unset, as the
 * schema's description says what that means (e.g. a generated bucket name).
 * Objects in OFF_UNLESS_WRITTEN are null unless the file writes them; their
 * keys' defaults here apply once it does.
 */
export function configDefaults({ stackName, env }: DefaultsContext) {
  const recipients = () => ({ emails: [] as string[], topicArns: [] as string[] });
  return {
    description: `sftpgw gateway ${stackName}: Transfer Family SFTP server, KMS-encrypted S3 bucket, users`,
    usersDir: 'users',
    userStacks: null,
    outDir: path.join('dist', 'gateway', env ?? 'default'),
    tags: {} as Record<string, string>,
    users: { keyExpiryWarningDays: 30, sharedKeys: 'warn' as 'warn' | 'error' },
    dns: { hostname: 'sftp', ttl: 300 },
    server: {
      securityPolicy: DEFAULT_SECURITY_POLICY,
      endpoint: { type: 'public' as 'public' | 'vpc' },
      allowedSourceCidrs: [] as string[],
      hostKeys: [] as Array<{ secret: string; description?: string }>,
      // The function's cache time matches handler/identity/settings.ts DEFAULT_CACHE_SECONDS.
      identityProvider: {
        type: 'service-managed' as IdentityProviderType,
        passwords: false,
        cacheSeconds: 30,
      },
    },
    buckets: {
      gateway: null,
      accessLogs: null,
      staging: null,
      keepGeneratedGatewayName: null,
      noncurrentVersionDays: 90,
      accessLogExpirationDays: 365,
    },
    logs: { retentionDays: 365 },
    alarms: recipients(),
    outbound: {
      enabled: true,
      secretPrefix: defaultSecretPrefix(stackName),
      reservedConcurrency: 5,
      // One vCPU: Lambda's CPU follows memory, and at 512 MB (0.29 vCPU) a
      // delivery is CPU-bound near 27 MiB/s (docs/benchmarks.md#cpu-per-memory-size).
      memorySize: 1769,
      timeoutSeconds: 300,
      maxRetryAttempts: 2,
      maxEventAgeSeconds: 3600,
      stagingExpirationDays: 30,
      alarms: recipients(),
      alarmEmail: null,
      vpc: null,
    },
    iam: { permissionsBoundary: null },
    downstream: { events: false, malwareScan: false, snowflake: null },
    artifacts: { bucket: null, prefix: `sftpgw/${stackName}` },
    deploy: {
      roleArn: null,
      terminationProtection: false,
      capabilities: ['CAPABILITY_IAM'] as string[],
      parameters: {} as Record<string, string>,
    },
    validation: { waivers: [] as unknown[] },
  };
}

export type ConfigDefaults = ReturnType<typeof configDefaults>;

/** Objects that are off (null) unless written: `dns: null` in an environment turns one off again. */
export const OFF_UNLESS_WRITTEN = [
  'dns',
  'server.endpoint',
  'outbound.vpc',
  'downstream.snowflake',
];

/** The defaults as the docs show them: <stackName> and <env> for what they depend on. */
export const SHOWN_DEFAULTS = configDefaults({ stackName: '<stackName>', env: '<env>' });

/**
 * `settings` (already merged: top level, environment, SFTPGW_*, flags) over
 * the defaults: a key left out (undefined) takes the default, objects fill
 * key by key, a written value (null included) stays. Keys the tree does not
 * know are kept as written.
 */
export function withDefaults<T extends object>(
  settings: T,
  ctx: DefaultsContext,
): Filled<T, ConfigDefaults> {
  return fill(configDefaults(ctx), settings, '') as Filled<T, ConfigDefaults>;
}

/** The type of `S` with the defaults `D` filled in: what withDefaults returns. */
export type Filled<S, D> = [D] extends [null]
  ? Exclude<S, undefined> | null
  : D extends readonly unknown[]
    ? Exclude<S, undefined>
    : D extends object
      ? FilledObject<Exclude<S, undefined | null>, D> | (null extends S ? null : never)
      : Exclude<S, undefined>;

type FilledObject<O, D> = O extends object
  ? {
      [K in keyof O as K extends keyof D ? K : never]-?: Filled<O[K], D[K & keyof D]>;
    } & { [K in keyof O as K extends keyof D ? never : K]: O[K] }
  : O;

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fill(defaults: unknown, value: unknown, at: string): unknown {
  if (!isMap(defaults)) return value === undefined ? defaults : value;
  if (OFF_UNLESS_WRITTEN.includes(at) && (value === undefined || value === null)) return null;
  if (value !== undefined && !isMap(value)) return value;
  const out: Record<string, unknown> = { ...(value ?? {}) };
  for (const [k, d] of Object.entries(defaults)) out[k] = fill(d, out[k], at ? `${at}.${k}` : k);
  return out;
}
