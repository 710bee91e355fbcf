// The project config as written (RawConfig: the type config/schema.ts
// accepts, derived from it) and as the engine uses it (ResolvedConfig: one
// environment selected, every default of config/defaults.ts filled in).
import type { FromSchema } from './from-schema.js';
import type { settingsSchema } from './schema.js';

/** A section of sftpgw.yaml as written (the top level, or an environment): the schema's type. */
export type Settings = FromSchema<typeof settingsSchema>;

type Written<K extends keyof Settings> = NonNullable<Settings[K]>;

/** The push function and its staging bucket, all defaults filled. */
export interface OutboundSettings {
  secretPrefix: string;
  reservedConcurrency: number;
  memorySize: number;
  timeoutSeconds: number;
  maxRetryAttempts: number;
  maxEventAgeSeconds: number;
  stagingExpirationDays: number;
  /** Who the alarms notify: the gateway's recipients (ResolvedConfig.alarms), the same lists. */
  alarms: AlarmRecipients;
  vpc: Written<'outbound'>['vpc'] | null;
}

/** Who the stack's alarms notify: e-mail subscriptions of its alarm topic, and existing topics. */
export type AlarmRecipients = { [K in keyof Written<'alarms'>]-?: Written<'alarms'>[K] };

/** Where the server listens (server.endpoint in sftpgw.yaml, docs/endpoint.md). */
export type EndpointSettings =
  | { type: 'public' }
  | {
      type: 'vpc';
      vpcId: string;
      /** 1–3 subnets, one per Availability Zone. */
      subnetIds: string[];
      /** Existing Elastic IPs, one per subnet; null: the stack allocates one per subnet. */
      addressAllocationIds: string[] | null;
    };

/** downstream in sftpgw.yaml, defaults filled (docs/downstream.md). */
export interface DownstreamSettings {
  /** The bucket's object events go to EventBridge. */
  events: boolean;
  /** Completed uploads go to quarantine/, GuardDuty scans them, clean ones reach ingest/. */
  malwareScan: boolean;
  snowflake: {
    /**
     * null until the storage integration exists (the first step): the
     * gateway is then built without the Snowflake role (pending).
     */
    iamUserArn: string | null;
    /** Who may sns:Subscribe to the ingest topic: subscriberArn, else iamUserArn; null: nobody yet. */
    subscriberArn: string | null;
    externalId: string;
    /** The users Snowflake loads; null: every user. */
    users: string[] | null;
  } | null;
}

/** users in sftpgw.yaml, defaults filled. */
export interface UserKeySettings {
  /** A key expiring at most this many days after the build's date warns. */
  keyExpiryWarningDays: number;
  /** The same public key in two user files: a warning, or an error. */
  sharedKeys: 'warn' | 'error';
}

/**
 * One of the server's own host keys (server.hostKeys): the Secrets Manager
 * secret whose SecretString is the private key, by name or ARN. The key
 * itself never passes through sftpgw: the template holds a dynamic reference.
 */
export interface HostKeySetting {
  secret: string;
  description?: string;
}

/** Who decides at login (server.identityProvider.type; docs/identity-provider.md). */
export type IdentityProviderType = 'service-managed' | 'lambda';

/** server.identityProvider, defaults filled. */
export interface IdentityProviderSettings {
  type: IdentityProviderType;
  /** lambda: password logins for users with a passwordHash (SftpAuthenticationMethods PUBLIC_KEY_OR_PASSWORD). */
  passwords: boolean;
  /** lambda: DIRECTORY_CACHE_SECONDS, how often a warm function re-checks the directory. */
  cacheSeconds: number;
}

/** A baseline rule waived for one resource. */
export type Waiver = NonNullable<Written<'validation'>['waivers']>[number];

/** A waiver from sftpgw.yaml, with where it is written. */
export interface ConfigWaiver extends Waiver {
  /** Its key path, e.g. validation.waivers.0 or environments.prod.validation.waivers.1. */
  field?: string;
  line?: number;
}

/**
 * The whole file. An environment section is checked by the same schema
 * without its `required` keys (config/schema.ts partial()); it is read as a
 * Settings, whose required keys (dns.domain …) are checked again after the merge.
 */
export type RawConfig = Settings & { environments?: Record<string, Settings> };

export interface ResolvedConfig {
  /** Absolute path of the config file; relative paths in it resolve against its folder. */
  file: string;
  projectDir: string;
  /** Selected environment, or undefined for the top-level settings alone. */
  env?: string;
  description: string;
  stackName: string;
  region?: string;
  usersDir: string;
  /** Number of child stacks for users; null keeps users in the root stack. */
  userStacks: number | null;
  outDir: string;
  /** What the build does with the users' keys (docs/keys.md). */
  users: UserKeySettings;
  tags: Record<string, string>;
  dns: { domain: string; hostname: string; hostedZoneId: string; ttl: number } | null;
  server: {
    securityPolicy: string;
    endpoint: EndpointSettings;
    /** Networks admitted for every user (IPv4 CIDRs, checked); empty for none. */
    allowedSourceCidrs: string[];
    /** The server's host keys in age order (oldest first); empty: only the one Transfer Family generates. */
    hostKeys: HostKeySetting[];
    /** Who decides at login: service-managed users (the default) or the identity function. */
    identityProvider: IdentityProviderSettings;
  };
  buckets: {
    gateway: string | null;
    accessLogs: string | null;
    staging: string | null;
    /**
     * A deployed gateway's bucket keeps CloudFormation's generated name:
     * true, or that name (then the topic policy names it); null: unset.
     */
    keepGeneratedGatewayName: true | string | null;
    noncurrentVersionDays: number;
    accessLogExpirationDays: number;
  };
  logs: { retentionDays: number };
  /**
   * Who every alarm of the stack notifies (outbound's and the ingest
   * function's): top-level alarms with outbound.alarms and the deprecated
   * outbound.alarmEmail merged in, also when outbound is disabled.
   */
  alarms: AlarmRecipients;
  /** null when outbound.enabled is false. */
  outbound: OutboundSettings | null;
  /** permissionsBoundary: set on every IAM role the templates create; null for none. */
  iam: { permissionsBoundary: string | null };
  /** null when neither events nor snowflake is on: the templates are as before. */
  downstream: DownstreamSettings | null;
  artifacts: { bucket: string | null; prefix: string };
  deploy: {
    roleArn: string | null;
    terminationProtection: boolean;
    capabilities: string[];
    parameters: Record<string, string>;
  };
  /** Top-level waivers, then the environment's. */
  waivers: ConfigWaiver[];
  /** The line a key path is written on (the environment's first), for findings that name a key. */
  lineOf?: (keys: readonly (string | number)[]) => number | undefined;
}

/** The part of the resolved config the jsonnet templates receive. */
export interface TemplateConfig {
  description: string;
  stackName: string;
  tags: Record<string, string>;
  dns: { hostname: string; hostedZoneId: string; ttl: number } | null;
  server: {
    securityPolicy: string;
    /** null: a public endpoint (the templates are as they were before endpoints existed). */
    endpoint: VpcEndpointTemplate | null;
    /** server.hostKeys, oldest first: one HostKey each, its logical id from its secret (libsonnet/host-keys.libsonnet idOf). */
    hostKeys: HostKeySetting[];
    /** server.identityProvider (libsonnet/identity.libsonnet): type service-managed renders as before. */
    identityProvider: IdentityTemplate;
  };
  buckets: ResolvedConfig['buckets'];
  logs: ResolvedConfig['logs'];
  alarms: AlarmRecipients;
  /** With the S3 key `sftpgw package` uploads the handler to. */
  outbound: (OutboundSettings & { codeKey: string }) | null;
  iam: ResolvedConfig['iam'];
  /**
   * null: no downstream resources (the templates are as before). codeKey: the
   * handler artifact, whose ingest.mjs the ingest function runs (also with
   * outbound disabled).
   */
  downstream: (DownstreamSettings & { codeKey: string }) | null;
  /** The child stacks that hold users (only non-empty ones), or null: users in the root. */
  userStacks: { count: number; stacks: Array<{ id: string; file: string }> } | null;
}

/** server.identityProvider as the jsonnet renders it. */
export interface IdentityTemplate extends IdentityProviderSettings {
  /**
   * The forward switch's staging template (SynthesizeOptions.identityStage):
   * the function and the directory bucket exist, the server stays service-managed.
   */
  stage: boolean;
  /** S3 key of the identity artifact (sftpgw/identity/<sha256>.zip); '' for service-managed. */
  codeKey: string;
}

/** A VPC endpoint as the jsonnet renders it: the allow-list already merged and placed. */
export interface VpcEndpointTemplate {
  vpcId: string;
  subnetIds: string[];
  addressAllocationIds: string[] | null;
  /** One entry per security group (a fixed number); each its ingress rules. */
  securityGroups: Array<Array<{ cidr: string; description: string }>>;
}

/** codeKey: content-addressed S3 key of the packaged handler (see handler-artifact.ts). */
export function templateConfig(
  c: ResolvedConfig,
  handler: { codeKey: string },
  userStacks: TemplateConfig['userStacks'] = null,
  endpoint: VpcEndpointTemplate | null = null,
  /** The identity artifact's key, and whether this is the staging template (lambda mode only). */
  identity: { codeKey: string; stage?: boolean } = { codeKey: '' },
): TemplateConfig {
  return {
    description: c.description,
    stackName: c.stackName,
    tags: c.tags,
    dns: c.dns && {
      hostname: `${c.dns.hostname}.${c.dns.domain}`,
      hostedZoneId: c.dns.hostedZoneId,
      ttl: c.dns.ttl,
    },
    server: {
      securityPolicy: c.server.securityPolicy,
      endpoint,
      hostKeys: c.server.hostKeys,
      identityProvider: {
        ...c.server.identityProvider,
        stage: identity.stage ?? false,
        codeKey: identity.codeKey,
      },
    },
    buckets: c.buckets,
    logs: c.logs,
    alarms: c.alarms,
    outbound: c.outbound && { ...c.outbound, codeKey: handler.codeKey },
    iam: c.iam,
    downstream: c.downstream && { ...c.downstream, codeKey: handler.codeKey },
    userStacks,
  };
}
