// Loads sftpgw.yaml: parse (keeping line numbers), validate against the
// schema reporting every problem at once, select the environment, apply
// SFTPGW_* variables and flags, fill defaults.
//
// Precedence: flags > SFTPGW_* environment variables > environments.<env> >
// top level > the defaults tree (config/defaults.ts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isScalar, type Document, type Node } from 'yaml';
import { GATEWAY_TAG } from '../../../shared/gateway-names.js';
import validateConfig from '../../generated/config-validate.js';
import { invalidInput, SftpgwError, usageError, type Problem } from '../errors.js';
import type { Reporter } from '../reporter.js';
import { displayPath } from '../paths.js';
import { DEFAULT_SECURITY_POLICY, isCurrentSecurityPolicy } from '../security-policy.js';
import { configDefaults, withDefaults } from './defaults.js';
import { resolveDownstream } from './downstream.js';
import { checkMalwareScan } from './malware-scan.js';
import { resolveKeepGenerated } from './gateway-bucket.js';
import { resolveEndpoint, type EndpointPlace } from './endpoint.js';
import { resolveHostKeys } from './host-keys.js';
import { unknownKeyHint } from './key-hints.js';
import { DEFAULT_CONFIG_FILE, locateConfig } from './locate.js';
import { HOSTED_ZONE_HINT, hostedZoneId } from './hosted-zone.js';
import { suggestName } from '../suggest.js';
import { TODAY_VARIABLE } from '../clock.js';
import type {
  AlarmRecipients,
  ConfigWaiver,
  IdentityProviderType,
  RawConfig,
  ResolvedConfig,
  Settings,
  Waiver,
} from './types.js';
import { privateKeyProblems } from './private-keys.js';
import { unresolvedAliasProblem, yamlSyntaxProblems } from './yaml-errors.js';

export interface ConfigOptions {
  /** --config; default ./sftpgw.yaml */
  configFile?: string;
  /** --env */
  env?: string;
  /** --users (relative to the working directory) */
  usersDir?: string;
  /** --out (relative to the working directory) */
  outDir?: string;
  /** Working directory; flags and SFTPGW_* paths resolve against it. */
  cwd?: string;
  /** Environment variables (process.env by default). */
  environment?: Record<string, string | undefined>;
  /** --today: the UTC date to build as (YYYY-MM-DD; ../clock.ts); else SFTPGW_TODAY, else the real date. */
  today?: string;
}

/** SFTPGW_* variables and the setting each one overrides. */
export const ENVIRONMENT_VARIABLES: Record<string, keyof Settings | 'env' | 'config'> = {
  SFTPGW_CONFIG: 'config',
  SFTPGW_ENV: 'env',
  SFTPGW_STACK_NAME: 'stackName',
  SFTPGW_REGION: 'region',
  SFTPGW_USERS_DIR: 'usersDir',
  SFTPGW_OUT_DIR: 'outDir',
};

/** SFTPGW_* variables that are not settings (SFTPGW_CFN_LINT: the cfn-lint to run, cli/adapters/cfn-lint.ts; SFTPGW_TODAY: the build's date, ../clock.ts). */
const OTHER_VARIABLES = ['SFTPGW_CFN_LINT', TODAY_VARIABLE];

export { DEFAULT_CONFIG_FILE };

/** What named the environment: precedence says --env wins over SFTPGW_ENV. */
export type EnvSource = '--env' | 'SFTPGW_ENV';

/**
 * The config as read: resolved, or its problems (an invalid-input error) and
 * where the user files are all the same, so one run reports the problems of
 * both (synthesize.ts); `users.unknown` says why they cannot be located.
 */
export type ConfigRead =
  | { config: ResolvedConfig; error?: undefined; users?: undefined }
  | { config?: undefined; error: SftpgwError; users: UsersWhileBroken };

export type UsersWhileBroken =
  | {
      dir: string;
      /** The folder relative imports and jpath start from (the config's). */
      projectDir: string;
      /** The endpoint type, when the broken config still tells it (user files' networks depend on it). */
      endpoint?: 'public' | 'vpc';
      /** The identity provider, when the broken config still tells it (so do the networks). */
      identityProvider?: IdentityProviderType;
      unknown?: undefined;
    }
  | { unknown: string; dir?: undefined };

export async function loadConfig(opts: ConfigOptions, reporter: Reporter): Promise<ResolvedConfig> {
  const read = await readConfig(opts, reporter);
  if (read.error) throw read.error;
  return read.config;
}

/** loadConfig that returns the config's problems instead of throwing them (usage errors still throw). */
export async function readConfig(opts: ConfigOptions, reporter: Reporter): Promise<ConfigRead> {
  const cwd = opts.cwd ?? process.cwd();
  const environment = opts.environment ?? process.env;
  for (const name of Object.keys(environment)) {
    if (
      name.startsWith('SFTPGW_') &&
      !(name in ENVIRONMENT_VARIABLES) &&
      !OTHER_VARIABLES.includes(name)
    ) {
      reporter.warn(
        `ignoring unknown environment variable ${name} (known: ${[...Object.keys(ENVIRONMENT_VARIABLES), ...OTHER_VARIABLES].join(', ')})`,
      );
    }
  }
  const location = locateConfig({ configFile: opts.configFile, cwd, environment });
  const file = location.file;
  const shown = displayPath(file, cwd);
  if (location.above) reporter.debug(`config ${file}: found above the working directory ${cwd}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw usageError(
        `config file ${shown} not found (named by ${location.source === 'SFTPGW_CONFIG' ? 'the SFTPGW_CONFIG variable' : '--config'})`,
        "pass the path of the gateway's sftpgw.yaml, leave it out to use the nearest sftpgw.yaml in this folder or above, or create a gateway repository with `sftpgw init DIR`",
      );
    }
    throw new SftpgwError('failed', `cannot read config file ${shown}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const envName = opts.env ?? (environment.SFTPGW_ENV || undefined);
  const envSource: EnvSource = opts.env !== undefined ? '--env' : 'SFTPGW_ENV';
  const ctx: ResolveContext = {
    file,
    shown,
    projectDir: path.dirname(file),
    envName,
    envSource,
    cwd,
    environment,
    flags: opts,
  };
  const parsed = readConfigText(text, shown);
  if (parsed.error)
    return { error: parsed.error, users: usersWhileBroken(parsed.value, parsed.error, ctx) };
  const { raw, lineOf } = parsed;
  let resolved: ResolvedConfig;
  try {
    resolved = resolveConfig(raw, { ...ctx, lineOf });
  } catch (err) {
    if (err instanceof SftpgwError && err.kind === 'invalid-input')
      return { error: err, users: usersWhileBroken(raw, err, ctx) };
    throw err;
  }
  if (resolved.server.allowedSourceCidrs.includes('0.0.0.0/0'))
    reporter.warn(
      `${shown}: server.allowedSourceCidrs holds 0.0.0.0/0: the server is open to the whole internet (validate reports it as baseline/security-group-open-ingress)`,
    );
  for (const where of deprecatedAlarmEmail(raw)) {
    reporter.warn(
      `${shown}: ${where} is deprecated (it is still subscribed): move the address to alarms.emails`,
    );
  }
  const zone = raw.environments?.[envName ?? '']?.dns?.hostedZoneId ?? raw.dns?.hostedZoneId;
  if (resolved.dns && zone !== resolved.dns.hostedZoneId)
    reporter.progress(
      `${shown}: dns.hostedZoneId ${zone} read as ${resolved.dns.hostedZoneId} (the id without the /hostedzone/ the AWS CLI prints)`,
    );
  return { config: resolved };
}

/**
 * Where the user files are when the config has problems: --users or
 * SFTPGW_USERS_DIR (which need no config), else usersDir as written, unless
 * the file does not parse, the environment is not in it, or usersDir itself
 * is what is wrong.
 */
function usersWhileBroken(
  value: unknown,
  error: SftpgwError,
  ctx: ResolveContext,
): UsersWhileBroken {
  const projectDir = ctx.projectDir;
  const known = (dir: string, settings?: Settings): UsersWhileBroken => {
    const type = settings?.server?.endpoint?.type;
    return {
      dir,
      projectDir,
      endpoint: type === 'public' || type === 'vpc' ? type : undefined,
      identityProvider: identityProviderWhileBroken(settings),
    };
  };
  const raw =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as RawConfig)
      : undefined;
  let settings: Settings | undefined = raw;
  if (raw && ctx.envName !== undefined) {
    const section = raw.environments?.[ctx.envName];
    settings =
      section !== null && typeof section === 'object' && !Array.isArray(section)
        ? merge<Settings>(raw, section)
        : undefined;
  }
  if (ctx.flags.usersDir !== undefined)
    return known(path.resolve(ctx.cwd, ctx.flags.usersDir), settings);
  if (ctx.environment.SFTPGW_USERS_DIR)
    return known(path.resolve(ctx.cwd, ctx.environment.SFTPGW_USERS_DIR), settings);
  if (!raw)
    return {
      unknown: `${ctx.shown} ${value === undefined ? 'does not parse' : 'is not a map of keys'}, so its usersDir cannot be read`,
    };
  if (!settings) {
    const guess = suggestName(ctx.envName ?? '', Object.keys(raw.environments ?? {}));
    return {
      unknown: `environment "${ctx.envName}" (from ${envSourceText(ctx.envSource)}) is not defined in ${ctx.shown}${guess ? ` (did you mean ${guess}?)` : ''}`,
    };
  }
  const usersDirFields = ['usersDir', `environments.${ctx.envName}.usersDir`];
  const dir = settings.usersDir ?? configDefaults({ stackName: '' }).usersDir;
  if (
    typeof dir !== 'string' ||
    dir === '' ||
    error.problems.some((p) => usersDirFields.includes(p.field ?? ''))
  )
    return { unknown: `usersDir in ${ctx.shown} is itself invalid` };
  return known(path.resolve(projectDir, dir), settings);
}

/**
 * server.identityProvider.type of a config with problems: absent is the
 * default; a value that is not a type is unknown (undefined), and then no
 * user's networks are refused for it.
 */
function identityProviderWhileBroken(
  settings: Settings | undefined,
): IdentityProviderType | undefined {
  const ip: unknown = settings?.server?.identityProvider;
  if (ip === undefined || ip === null)
    return configDefaults({ stackName: '' }).server.identityProvider.type;
  if (typeof ip !== 'object' || Array.isArray(ip)) return undefined;
  const type = (ip as { type?: unknown }).type;
  if (type === undefined) return configDefaults({ stackName: '' }).server.identityProvider.type;
  return type === 'service-managed' || type === 'lambda' ? type : undefined;
}

function envSourceText(source: EnvSource | undefined): string {
  return source === 'SFTPGW_ENV' ? 'the SFTPGW_ENV variable' : '--env';
}

/** Where the deprecated outbound.alarmEmail is set to an address. */
function deprecatedAlarmEmail(raw: RawConfig): string[] {
  const at = [['outbound.alarmEmail', raw.outbound?.alarmEmail]];
  for (const [name, env] of Object.entries(raw.environments ?? {}))
    at.push([`environments.${name}.outbound.alarmEmail`, env.outbound?.alarmEmail]);
  return at.filter(([, v]) => typeof v === 'string').map(([where]) => where as string);
}

export interface ParsedConfig {
  raw: RawConfig;
  /** The line a key path is written on (e.g. validation.waivers.0). */
  lineOf: (path: readonly (string | number)[]) => number | undefined;
}

/** Parses and schema-checks the config text; every problem is reported at once. */
export function parseConfig(text: string, shown: string): ParsedConfig {
  const parsed = readConfigText(text, shown);
  if (parsed.error) throw parsed.error;
  return parsed;
}

/**
 * parseConfig returning its problems: `value` is what parsed (undefined when
 * the YAML does not), for finding the user files all the same.
 */
function readConfigText(
  text: string,
  shown: string,
): (ParsedConfig & { error?: undefined }) | { error: SftpgwError; value: unknown } {
  // First of all: key material is refused before the parser, the schema or a
  // suggestion could quote it (config/private-keys.ts).
  const secrets = privateKeyProblems(text, shown);
  if (secrets.length > 0)
    return {
      error: invalidInput(
        `${shown} holds private key material (not shown); nothing else in it was read`,
        secrets,
      ),
      value: undefined,
    };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      error: notYaml(shown, yamlSyntaxProblems(text, doc, lineCounter, shown)),
      value: undefined,
    };
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (err) {
    const alias = unresolvedAliasProblem(text, doc, lineCounter, shown);
    if (alias) return { error: notYaml(shown, [alias]), value: undefined };
    throw err;
  }
  if (!validateConfig(value)) {
    const problems = (validateConfig.errors ?? [])
      .map((e) => schemaProblem(e, doc, lineCounter, shown))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return {
      error: invalidInput(
        `${shown} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
        problems,
      ),
      value,
    };
  }
  const lineOf = (keys: readonly (string | number)[]) => {
    const offset = (doc.getIn(keys, true) as Node | undefined)?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  return { raw: value as RawConfig, lineOf };
}

function notYaml(shown: string, problems: Problem[]): SftpgwError {
  return invalidInput(
    `${shown} is not valid YAML`,
    problems,
    'fix the line shown; the other checks of the file run once it parses',
  );
}

function schemaProblem(e: ErrorObject, doc: Document, lines: LineCounter, file: string): Problem {
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = (segments.length === 0 ? doc.contents : doc.getIn(segments, true)) as
    | Node
    | null
    | undefined;
  let field = segments.join('.');
  let message = e.message ?? 'is invalid';
  let hint: string | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      field = field ? `${field}.${key}` : key;
      message = 'unknown key';
      hint = unknownKeyHint(
        key,
        segments,
        Object.keys((e.parentSchema as { properties?: object }).properties ?? {}),
      );
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        if (pair && isScalar(pair.key)) node = pair.key as Node;
      }
      break;
    }
    case 'enum': {
      const allowed = e.params.allowedValues as unknown[];
      message = `must be one of ${allowed.join(', ')}`;
      // A misspelt word (`lamda`): name the value it most likely meant.
      const guess =
        typeof e.data === 'string'
          ? suggestName(
              e.data,
              allowed.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      if (guess !== undefined) hint = `did you mean ${guess}?`;
      break;
    }
    case 'pattern':
      message = `does not match ${e.params.pattern}`;
      if (segments.at(-1) === 'hostedZoneId') hint = HOSTED_ZONE_HINT;
      break;
    case 'required':
      message = `missing required key ${e.params.missingProperty}`;
      break;
    case 'propertyNames':
      message = `has an invalid key name ${JSON.stringify(e.params.propertyName)}`;
      break;
  }
  const offset = node?.range?.[0];
  const pos = offset === undefined ? undefined : lines.linePos(offset);
  return { file, line: pos?.line, column: pos?.col, field: field || '(top level)', message, hint };
}

type FilledSettings = ReturnType<typeof withDefaults<Settings>>;

interface ResolveContext {
  file: string;
  shown: string;
  projectDir: string;
  envName?: string;
  /** What named envName (the unknown-environment message says). */
  envSource?: EnvSource;
  cwd: string;
  environment: Record<string, string | undefined>;
  flags: ConfigOptions;
  /** Lines of key paths in the config file (where waivers are written). */
  lineOf?: ParsedConfig['lineOf'];
}

/** Merges objects recursively; arrays and scalars in `over` replace; null in `over` clears. */
function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (
    over === null ||
    typeof over !== 'object' ||
    Array.isArray(over) ||
    base === null ||
    typeof base !== 'object' ||
    Array.isArray(base)
  ) {
    return over as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out as T;
}

/**
 * The gateway's alarm recipients: top-level alarms, then outbound.alarms and
 * the deprecated outbound.alarmEmail (read also when outbound is disabled:
 * they name who the ingest alarms reach too). E-mails compare
 * case-insensitively and appear once; the deprecated address comes first.
 */
function alarmRecipients(settings: FilledSettings): AlarmRecipients {
  const emails: string[] = [];
  const outbound = settings.outbound;
  for (const e of [outbound.alarmEmail, ...settings.alarms.emails, ...outbound.alarms.emails]) {
    if (typeof e === 'string' && !emails.some((x) => x.toLowerCase() === e.toLowerCase()))
      emails.push(e);
  }
  const topicArns = [...new Set([...settings.alarms.topicArns, ...outbound.alarms.topicArns])];
  return { emails, topicArns };
}

export function resolveConfig(raw: RawConfig, ctx: ResolveContext): ResolvedConfig {
  const { environments, ...top } = raw;
  let settings: Settings = top;
  if (ctx.envName !== undefined) {
    const names = Object.keys(environments ?? {});
    const section = environments?.[ctx.envName];
    if (!section) {
      const guess = suggestName(ctx.envName, names);
      const unset =
        ctx.envSource === 'SFTPGW_ENV' ? ' (or unset SFTPGW_ENV for the top level alone)' : '';
      throw usageError(
        `environment "${ctx.envName}" (from ${envSourceText(ctx.envSource)}) is not defined in ${ctx.shown}`,
        guess
          ? `did you mean ${guess}? (environments: ${names.join(', ')})${unset}`
          : names.length
            ? `use one of: ${names.join(', ')}${unset}`
            : `add it under environments: in ${ctx.shown}${unset}`,
      );
    }
    settings = merge(settings, section);
  }
  const fromEnv: Settings = {};
  for (const [name, key] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const v = ctx.environment[name];
    if (v === undefined || v === '' || key === 'env' || key === 'config') continue;
    (fromEnv as Record<string, string>)[key] =
      key === 'usersDir' || key === 'outDir' ? path.resolve(ctx.cwd, v) : v;
  }
  settings = merge(settings, fromEnv);
  // Paths in flags (and in SFTPGW_* above) resolve against the working directory.
  const fromFlags: Settings = {};
  if (ctx.flags.usersDir !== undefined)
    fromFlags.usersDir = path.resolve(ctx.cwd, ctx.flags.usersDir);
  if (ctx.flags.outDir !== undefined) fromFlags.outDir = path.resolve(ctx.cwd, ctx.flags.outDir);
  settings = merge(settings, fromFlags);
  // The bottom layer: what a key left out means (its stack name-dependent
  // defaults are used only once the stack name is known to be set).
  const d = withDefaults(settings, { stackName: settings.stackName ?? '', env: ctx.envName });

  const problems: Problem[] = [];
  if (!settings.stackName) {
    problems.push({
      file: ctx.shown,
      field: 'stackName',
      message: 'no stack name is set',
      hint: `add stackName: to ${ctx.shown}${ctx.envName ? ` (top level or environments.${ctx.envName})` : ''}, or set SFTPGW_STACK_NAME`,
    });
  }
  if (settings.dns) {
    for (const key of ['domain', 'hostedZoneId'] as const) {
      if (!settings.dns[key]) {
        problems.push({
          file: ctx.shown,
          field: `dns.${key}`,
          message: `is not set${ctx.envName ? ` for environment ${ctx.envName}` : ''}`,
          hint: 'set it at the top level or in the environment, or set dns: null to go without a vanity host name',
        });
      }
    }
  }
  const securityPolicy = d.server.securityPolicy;
  if (!isCurrentSecurityPolicy(securityPolicy)) {
    problems.push({
      file: ctx.shown,
      field: 'server.securityPolicy',
      message: `${securityPolicy} is older than the baseline or has no date`,
      hint: `use ${DEFAULT_SECURITY_POLICY} or a newer TransferSecurityPolicy-YYYY-MM`,
    });
  }
  const place: EndpointPlace = {
    file: ctx.shown,
    lineOf: (keys) =>
      (ctx.envName !== undefined
        ? ctx.lineOf?.(['environments', ctx.envName, ...keys])
        : undefined) ?? ctx.lineOf?.(keys),
  };
  const { endpoint, allowedSourceCidrs } = resolveEndpoint(settings.server, place, problems);
  const hostKeys = resolveHostKeys(d.server.hostKeys, place, problems);
  const downstream = resolveDownstream(settings.downstream, settings.stackName, place, problems);
  checkMalwareScan(settings, downstream, place, problems);
  const alarms = alarmRecipients(d);
  // An alarm has at most 5 actions, one of them the stack's topic.
  if (alarms.topicArns.length > 4)
    problems.push({
      file: place.file,
      field: 'alarms.topicArns',
      line:
        place.lineOf(['alarms', 'topicArns']) ?? place.lineOf(['outbound', 'alarms', 'topicArns']),
      message: `alarms.topicArns and outbound.alarms.topicArns together name ${alarms.topicArns.length} topics (at most 4: an alarm has 5 actions, one is the stack's topic)`,
      hint: 'keep at most 4 existing topics, in alarms.topicArns',
    });
  const keepGeneratedGatewayName = resolveKeepGenerated(settings.buckets, place, problems);
  if (problems.length > 0)
    throw invalidInput(
      `${ctx.shown} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems,
    );

  const stackName = settings.stackName!;
  // usersDir and outDir: absolute already when a flag or SFTPGW_* set them.
  const fromProject = (p: string) => path.resolve(ctx.projectDir, p);

  return {
    file: ctx.file,
    projectDir: ctx.projectDir,
    env: ctx.envName,
    description: d.description,
    stackName,
    region: settings.region,
    usersDir: fromProject(d.usersDir),
    userStacks: d.userStacks,
    outDir: fromProject(d.outDir),
    users: {
      keyExpiryWarningDays: d.users.keyExpiryWarningDays,
      sharedKeys: d.users.sharedKeys,
    },
    // The gateway tag comes first so a config tag of the same name cannot drop it silently.
    tags: { ...d.tags, [GATEWAY_TAG]: stackName },
    dns: d.dns && {
      domain: d.dns.domain,
      hostname: d.dns.hostname,
      hostedZoneId: hostedZoneId(d.dns.hostedZoneId),
      ttl: d.dns.ttl,
    },
    server: {
      securityPolicy,
      endpoint,
      allowedSourceCidrs,
      hostKeys,
      identityProvider: {
        type: d.server.identityProvider.type,
        passwords: d.server.identityProvider.passwords,
        cacheSeconds: d.server.identityProvider.cacheSeconds,
      },
    },
    buckets: {
      gateway: d.buckets.gateway,
      accessLogs: d.buckets.accessLogs,
      staging: d.buckets.staging,
      keepGeneratedGatewayName,
      noncurrentVersionDays: d.buckets.noncurrentVersionDays,
      accessLogExpirationDays: d.buckets.accessLogExpirationDays,
    },
    logs: { retentionDays: d.logs.retentionDays },
    alarms,
    artifacts: { bucket: d.artifacts.bucket, prefix: d.artifacts.prefix },
    deploy: {
      roleArn: d.deploy.roleArn,
      terminationProtection: d.deploy.terminationProtection,
      capabilities: d.deploy.capabilities,
      parameters: d.deploy.parameters,
    },
    iam: { permissionsBoundary: d.iam.permissionsBoundary },
    downstream,
    outbound: !d.outbound.enabled
      ? null
      : {
          secretPrefix: d.outbound.secretPrefix,
          reservedConcurrency: d.outbound.reservedConcurrency,
          memorySize: d.outbound.memorySize,
          timeoutSeconds: d.outbound.timeoutSeconds,
          maxRetryAttempts: d.outbound.maxRetryAttempts,
          maxEventAgeSeconds: d.outbound.maxEventAgeSeconds,
          stagingExpirationDays: d.outbound.stagingExpirationDays,
          alarms,
          vpc: d.outbound.vpc,
        },
    lineOf: place.lineOf,
    waivers: [
      ...placedWaivers(top.validation?.waivers, ['validation', 'waivers'], ctx),
      ...(ctx.envName !== undefined
        ? placedWaivers(
            environments?.[ctx.envName]?.validation?.waivers,
            ['environments', ctx.envName, 'validation', 'waivers'],
            ctx,
          )
        : []),
    ],
  };
}

/** Waivers with where they are written, so a report can point at the waiver itself. */
function placedWaivers(
  list: Waiver[] | undefined,
  keys: string[],
  ctx: ResolveContext,
): ConfigWaiver[] {
  return (list ?? []).map((w, i) => {
    const line = ctx.lineOf?.([...keys, i]);
    return { ...w, field: [...keys, i].join('.'), ...(line !== undefined ? { line } : {}) };
  });
}
