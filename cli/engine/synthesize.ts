// A project's templates in memory: config + user files + templates/gateway.jsonnet
// -> the root template and the child stacks of users, not yet validated nor
// written. Used by build (which validates and writes them: build.ts), validate,
// diff and deploy. Here: read and check the user files, place users; the
// jsonnet runs in template/evaluate-gateway.ts, the users are put into their stacks
// by template/merge-users.ts.
import path from 'node:path';
import type { JsonnetEngine } from '../adapters/jsonnet.js';
import { readConfig, type ConfigOptions, type UsersWhileBroken } from './config/load.js';
import { templateConfig, type ResolvedConfig } from './config/types.js';
import { handlerArtifact, identityArtifact } from './handler-artifact.js';
import type { Directory } from '../../shared/identity/directory.js';
import { directoryFromUsers } from './identity/directory-from-users.js';
import { invalidInput, type Problem, type SftpgwError } from './errors.js';
import { displayPath, packageRoot } from './paths.js';
import type { Reporter } from './reporter.js';
import { checkDownstreamUsers } from './downstream/users.js';
import { vpcEndpointTemplate } from './endpoint/vpc-endpoint.js';
import { evaluateGateway, type RenderUser, type UserChunk } from './template/evaluate-gateway.js';
import {
  gatewayUserHomes,
  nestedHomes,
  type UserHome,
} from './validate/rules/transfer/user-homes.js';
import { mergeUsers, type ChildTemplate, type Placement } from './template/merge-users.js';
import {
  MAX_ROOT_RESOURCES,
  MAX_USERS_PER_STACK,
  userStack,
  userStackIndex,
} from './users/placement.js';
import { templateSources } from './template/sources.js';
import type { CfnResource, CfnTemplate } from './template/types.js';
import { discoverUsers, type UserOverlay } from './users/discover.js';
import { evaluateUserFiles } from './users/evaluate.js';
import { checkKeys, checkShapes, placeOnLines, userFileProblems } from './users/check-files.js';
import { preloadValidators } from './validate/resource-types.js';
import { configFieldLine } from './validate/config-field-line.js';
import { definitionSites } from './validate/definition-sites.js';
import { synthesizedLocator, type SourceLocator } from './validate/finding-locator.js';
import { count } from './plural.js';
import { today as clockToday } from './clock.js';
import { keysOf, withLiveKeys } from './users/key-lifetimes.js';
import { fieldLine, keyEntryLine } from './users/field-line.js';
import type { Finding } from './validate/finding.js';
import { keyLifetimeFindings, type UserPlace } from './validate/rules/users/key-lifetimes.js';
import { sharedKeyFindings } from './validate/rules/users/shared-keys.js';
import { userQuotaFindings } from './validate/rules/users/user-quota.js';
import {
  passwordHashFindings,
  passwordSettingFindings,
} from './validate/rules/users/password-hash.js';

export interface SynthesizeDeps {
  jsonnet: JsonnetEngine;
  reporter: Reporter;
}

export interface SynthesizeOptions extends ConfigOptions {
  /** Format the templates will be written in (names the child template files). */
  format?: 'json' | 'yaml';
  /** A user file as it is about to be written (users add checks it before writing). */
  overlay?: UserOverlay;
  /** Every user rendered by libjsonnet, none from shapes (template/user-shapes.ts): the equivalence tests. */
  renderEachUser?: boolean;
  /**
   * With server.identityProvider.type lambda: the forward switch's staging
   * template (docs/identity-provider.md#service-managed--lambda): the
   * directory bucket and the identity function (role, log group, permission)
   * exist, while the server stays SERVICE_MANAGED and the users stay
   * resources, placed as a service-managed build places them. Ignored for a
   * service-managed config.
   */
  identityStage?: boolean;
}

export interface Synthesized {
  config: ResolvedConfig;
  template: CfnTemplate;
  /** Child stacks of users (userStacks in sftpgw.yaml); empty when users are in the root. */
  children: ChildTemplate[];
  /** The users as rendered: each spec's sshPublicKeys holds the keys not expired on `today`. */
  users: RenderUser[];
  /** Maps a validation finding back to the user or libsonnet file it came from. */
  locate: SourceLocator;
  /** The UTC date the build ran as (YYYY-MM-DD: --today, SFTPGW_TODAY, or the real date). */
  today: string;
  /** Findings on the user files' keys (expiry, shared keys: validate/rules/users/). */
  userFindings: Finding[];
  /**
   * The identity function's directory (lambda mode and the staging template
   * only): made from the same render of the users as their template
   * resources would be (identity/directory-from-users.ts).
   */
  directory?: Directory;
  /** The exact bytes deploy uploads as directory.json (canonical JSON, users sorted by name). */
  directoryText?: string;
  /**
   * The lambda template only: the root's resources and every user's
   * resources as the directory was made from them, the template a
   * service-managed build of the same users would check. Validation runs
   * the user rules on it (session policy length, homes, IAM grammar …) and
   * keeps only the users' findings; it is never written nor deployed.
   */
  directoryUsers?: {
    template: CfnTemplate;
    userIds: ReadonlySet<string>;
    /** Every user's home (all users, not only those in `template`): baseline/user-home-nested compares them. */
    userHomes: readonly UserHome[];
    /** Every user's resources (not only those in `template`): what a waiver may name. */
    everyUser: Readonly<Record<string, CfnResource>>;
  };
}

/** Types the shipped libsonnet emits: their validators load while jsonnet evaluates. */
const SHIPPED_TYPES = [
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
  'AWS::Transfer::Server',
  'AWS::Transfer::User',
  'AWS::Route53::RecordSet',
];
/** And with a VPC endpoint (server.endpoint.type: vpc). */
const VPC_ENDPOINT_TYPES = ['AWS::EC2::EIP', 'AWS::EC2::SecurityGroup'];
/** And with downstream on (docs/downstream.md). */
const DOWNSTREAM_TYPES = [
  'AWS::Transfer::Workflow',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::IAM::Policy',
  'AWS::Lambda::Function',
  'AWS::CloudWatch::Alarm',
];

export async function synthesize(
  opts: SynthesizeOptions,
  deps: SynthesizeDeps,
): Promise<Synthesized> {
  const { reporter, jsonnet } = deps;
  const t0 = performance.now();
  const since = () => `${Math.round(performance.now() - t0)} ms`;
  const cwd = opts.cwd ?? process.cwd();
  // First: a bad --today or SFTPGW_TODAY is a usage error before any work.
  const today = clockToday({ today: opts.today, environment: opts.environment });
  const read = await readConfig(opts, reporter);
  if (read.error) throw await withUserProblems(read.error, read.users, opts, deps);
  const config = read.config;
  reporter.debug(`config ${config.file}${config.env ? ` (environment ${config.env})` : ''}`);
  const sources = templateSources(config.projectDir);
  reporter.debug(`jsonnet path: ${sources.jpath.join(', ')}`);

  preloadValidators([
    ...SHIPPED_TYPES,
    ...(config.server.endpoint.type === 'vpc' ? VPC_ENDPOINT_TYPES : []),
    ...(config.downstream ? DOWNSTREAM_TYPES : []),
  ]);
  const files = await discoverUsers(config.usersDir, cwd, opts.overlay);
  if (files.length === 0)
    reporter.warn(`no user files in ${config.usersDir}: the gateway will have no SFTP users`);
  const { values, texts } = await evaluateUserFiles(files, config.usersDir, jsonnet, sources.jpath);
  reporter.progress(`evaluated ${count(files.length, 'user file')}`);
  reporter.debug(`user files evaluated at ${since()}`);

  // Shape checks are cheap: do them all before rendering.
  const shaped = checkShapes(files, values, {
    endpoint: config.server.endpoint.type,
    identityProvider: config.server.identityProvider.type,
  });
  const { keysToCheck, problems } = shaped;
  // The clock applied: jsonnet gets only the keys not expired today.
  const users = withLiveKeys(shaped.users, today);
  reporter.debug(`keys as of ${today} (UTC)`);
  const shownByName = new Map(files.map((f) => [f.name, f.shown]));
  const nameByShown = new Map(files.map((f) => [f.shown, f.name]));
  // lambda: users live in the directory only (no AWS::Transfer::User, no
  // child stacks), except in the staging template, which keeps them as
  // resources where a service-managed build puts them.
  const identity = config.server.identityProvider;
  const lambda = identity.type === 'lambda';
  const stage = lambda && opts.identityStage === true;
  const usersAsResources = !lambda || stage;
  if (lambda && !stage && config.userStacks)
    reporter.warn(
      `${displayPath(config.file, cwd)}: userStacks (${config.userStacks}) is ignored: with server.identityProvider.type lambda the users are in the directory, not in child stacks; remove userStacks once the switch is done (docs/identity-provider.md)`,
    );

  checkDownstreamUsers(
    config,
    users.map((u) => ({
      name: u.name,
      homeDirectory: u.spec.homeDirectory,
      shown: shownByName.get(u.name)!,
    })),
    displayPath(config.file, cwd),
    problems,
    (m) => reporter.warn(m),
  );
  // The security groups admit every user's networks, wherever the user's
  // stack is: they belong to the server, in the root.
  const endpoint =
    problems.length === 0
      ? vpcEndpointTemplate(config, users, displayPath(config.file, cwd), problems)
      : null;
  // Render on the libuv pool while the main thread parses every key: the two
  // overlap, so key parsing (~30 µs a key) costs no wall time at scale.
  const placement =
    problems.length === 0 && usersAsResources
      ? placeUsers(users, config, opts.format ?? 'json', problems)
      : undefined;
  const stacks =
    placement && config.userStacks
      ? { count: config.userStacks, stacks: uniqueStacks(placement) }
      : null;
  // One handler artifact for both functions: the push function (outbound)
  // and the ingest function (downstream) name the same code key. The
  // identity function has its own (handler-artifact.ts says why).
  const tconfig = templateConfig(
    config,
    config.outbound || config.downstream ? handlerArtifact() : { codeKey: '' },
    stacks,
    endpoint,
    lambda ? { codeKey: identityArtifact().codeKey, stage } : { codeKey: '' },
  );
  const rendering =
    problems.length === 0
      ? evaluateGateway(tconfig, users, sources, jsonnet, placement ? 'child' : 'root', {
          renderEachUser: opts.renderEachUser,
        })
      : undefined;
  rendering?.catch(() => undefined); // awaited below; avoid an unhandled rejection while keys are checked
  const keyCheck = checkKeys(files, keysToCheck);
  problems.push(...keyCheck.problems);
  reporter.debug(`keys checked at ${since()}`);
  if (problems.length > 0) {
    placeOnLines(problems, files, texts, values);
    const where = problems.every((p) => nameByShown.has(p.file ?? '')) ? ' in user files' : '';
    throw invalidInput(`${count(problems.length, 'problem')}${where}`, problems);
  }
  const evaluated = await rendering!;
  if (evaluated.legacy) {
    reporter.warn(
      `${displayPath(sources.gateway, cwd)} returns a template, not the gateway object: its patches do not reach the users; return the patched gateway object instead (docs/customizing.md in the sftpgw package)`,
    );
  }
  if (evaluated.deprecated.includes('components-array')) {
    reporter.warn(
      `${displayPath(sources.gateway, cwd)} extends components as an array (components+:: [...]), which is deprecated: components are named fields now; add yours by name, components+:: { auditLogs: gw.auditLogs } (docs/customizing.md in the sftpgw package)`,
    );
  }
  // The directory from the render's user resources; in the lambda template
  // they go no further (mergeUsers gets no chunks: no user resources).
  const made = lambda
    ? directoryFromUsers({
        gateway: config.stackName,
        passwords: identity.passwords,
        users,
        resources: evaluated.chunks.flatMap((c) => c.fragments),
        shownByName,
      })
    : undefined;
  const { template, children } = mergeUsers(
    usersAsResources ? evaluated : { ...evaluated, chunks: [] },
    tconfig,
    placement,
  );
  const directoryUsers = usersAsResources
    ? undefined
    : usersBesideRoot(template, evaluated.chunks, users);
  reporter.debug(`template rendered at ${since()}`);
  if (made)
    reporter.progress(
      `directory: ${count(Object.keys(made.directory.users).length, 'user')}, ${made.text.length} bytes`,
    );
  const total =
    Object.keys(template.Resources).length +
    children.reduce((n, c) => n + Object.keys(c.template.Resources).length, 0);
  reporter.progress(
    `rendered ${count(total, 'resource')}${children.length ? ` (${count(children.length, 'child stack')} of users)` : ''}`,
  );
  const rootResources = Object.keys(template.Resources).length;
  if (!config.userStacks && rootResources > MAX_ROOT_RESOURCES) {
    throw invalidInput(
      `${users.length} users do not fit in one stack: the root template has ${rootResources} resources (CloudFormation allows 500; sftpgw keeps ${MAX_ROOT_RESOURCES} for headroom)`,
      [
        {
          file: displayPath(config.file, cwd),
          field: 'userStacks',
          message: 'is not set',
          hint: 'put users in child stacks: set userStacks (e.g. 32, fixed for good) and read docs/users.md#many-users-child-stacks of sftpgw first: moving existing users takes two deploys',
        },
      ],
    );
  }
  const typeOf = new Map<string, string>();
  for (const t of [template, ...children.map((c) => c.template)])
    for (const [id, r] of Object.entries(t.Resources)) typeOf.set(id, r.Type);
  const configShown = displayPath(config.file, cwd);
  const stacksLine = children.length
    ? configFieldLine(config.file, 'userStacks', config.env)
    : undefined;
  const locate = synthesizedLocator({
    users: users.map((u) => ({
      id: u.id,
      shown: shownByName.get(u.name)!,
      text: texts.get(u.name),
    })),
    configured: new Map(
      children.map((c) => [
        c.id,
        {
          file: configShown,
          field: 'userStacks',
          ...(stacksLine !== undefined ? { line: stacksLine } : {}),
        },
      ]),
    ),
    definedAt: definitionSites(
      evaluated.files.map((file) => ({
        file,
        shown: displayPath(file, cwd),
        origin: isShipped(file) ? 'shipped' : 'repository',
      })),
    ),
    types: (id) => typeOf.get(id),
    fallback: { file: configShown },
  });
  const userFindings = [
    ...keyFindings(users, keyCheck.checked, {
      shownByName,
      texts,
      placement,
      today,
      config,
      usersAsResources,
      configShown,
    }),
    // Only AWS::Transfer::User resources count against the per-server quota:
    // a lambda gateway has none (its staging template still has them all).
    ...(usersAsResources ? userQuotaFindings(users.length, { configFile: configShown }) : []),
  ];
  return {
    config,
    template,
    children,
    users,
    locate,
    today,
    userFindings,
    ...(made ? { directory: made.directory, directoryText: made.text } : {}),
    ...(directoryUsers ? { directoryUsers } : {}),
  };
}

/**
 * The lambda template's directoryUsers: the root's resources with the users'
 * beside them, for validation. Users rendered by libjsonnet go in all; of the
 * users made from the stock constructor's two shapes (read-only and
 * read-write: identical but for the name, id, home and keys put in, each
 * already checked by checkShapes/checkKeys), the ones whose values a rule can
 * tell apart: per shape the longest home (the session policy names it three
 * times: its length), the longest name and the longest keys, and every user
 * whose home is inside or the same as another's (userHomes compares the homes
 * of all users, so baseline/user-home-nested sees the whole gateway). At
 * 10,000 users this keeps the checks at milliseconds instead of a second.
 */
function usersBesideRoot(
  root: CfnTemplate,
  chunks: readonly UserChunk[],
  users: readonly RenderUser[],
): {
  template: CfnTemplate;
  userIds: Set<string>;
  userHomes: UserHome[];
  everyUser: Record<string, CfnResource>;
} {
  const resources: Record<string, CfnResource> = { ...root.Resources };
  const userIds = new Set<string>();
  const add = (fragment: Record<string, CfnResource>) => {
    for (const [id, r] of Object.entries(fragment)) {
      resources[id] = r;
      userIds.add(id);
    }
  };
  const everyUser: Record<string, CfnResource> = {};
  for (const chunk of chunks)
    for (const fragment of chunk.fragments) Object.assign(everyUser, fragment);
  const userHomes = gatewayUserHomes([{ template: { Resources: everyUser } }]);
  const readOnly = new Map(users.map((u) => [u.name, u.spec.readOnly]));
  const nested = nestedHomes(userHomes);
  const overlapping = new Set<CfnResource>();
  for (const [inner, o] of nested) {
    overlapping.add(inner);
    for (const h of [...o.inside, ...o.same]) overlapping.add(h.resource);
  }
  // Per shape (read-only or not) and measure, the fragment with the largest value.
  const longest = new Map<string, { n: number; fragment: Record<string, CfnResource> }>();
  const measures: Record<string, (u: RenderUser['spec'], name: string) => number> = {
    home: (spec) => spec.homeDirectory.length,
    name: (_spec, name) => name.length,
    keys: (spec) => spec.sshPublicKeys.reduce((n, k) => n + k.length, 0),
  };
  const specOf = new Map(users.map((u) => [u.name, u.spec]));
  for (const chunk of chunks) {
    if (!chunk.fromShapes) {
      for (const fragment of chunk.fragments) add(fragment);
      continue;
    }
    chunk.fragments.forEach((fragment, i) => {
      const name = chunk.names[i];
      const spec = specOf.get(name);
      if (!spec || Object.values(fragment).some((r) => overlapping.has(r))) {
        add(fragment);
        return;
      }
      for (const [what, measure] of Object.entries(measures)) {
        const key = `${readOnly.get(name) ? 'ro' : 'rw'}:${what}`;
        const n = measure(spec, name);
        const best = longest.get(key);
        if (!best || n > best.n) longest.set(key, { n, fragment });
      }
    });
  }
  for (const { fragment } of longest.values()) add(fragment);
  return { template: { ...root, Resources: resources }, userIds, userHomes, everyUser };
}

/** The findings of validate/rules/users/ on the users' keys, each pointing at its user file's line. */
function keyFindings(
  users: readonly RenderUser[],
  checked: ReturnType<typeof checkKeys>['checked'],
  ctx: {
    shownByName: Map<string, string>;
    texts: Map<string, string>;
    placement: Placement | undefined;
    today: string;
    config: ResolvedConfig;
    /** false in the lambda template: no user is a resource (findings name no logical id). */
    usersAsResources: boolean;
    /** sftpgw.yaml as messages show it. */
    configShown: string;
  },
): Finding[] {
  const settings = ctx.config.users;
  const identity = ctx.config.server.identityProvider;
  const rows = keysOf(
    users.map((u) => ({
      name: u.name,
      file: ctx.shownByName.get(u.name)!,
      keys: u.spec.keys,
      checked: checked.get(u.name),
    })),
    ctx.today,
    settings.keyExpiryWarningDays,
  );
  const places = new Map<string, UserPlace>(
    users.map((u) => {
      const text = ctx.texts.get(u.name);
      const stack = ctx.placement?.get(u.name);
      return [
        u.name,
        {
          logicalId: !ctx.usersAsResources ? '' : stack ? `${stack.id}/${u.id}` : u.id,
          lineOf: (field: string) => {
            const i = /^sshPublicKeys\[(\d+)\]/.exec(field)?.[1];
            const key = i !== undefined ? u.spec.keys[Number(i)] : undefined;
            return key ? keyEntryLine(text, key.line) : fieldLine(text, field);
          },
        },
      ];
    }),
  );
  return [
    ...keyLifetimeFindings(rows, places, ctx.today, settings.keyExpiryWarningDays),
    ...sharedKeyFindings(rows, places, settings.sharedKeys),
    // The password's rules depend on who checks it: nobody (service-managed), or the function.
    ...(identity.type === 'service-managed'
      ? passwordHashFindings(users, places, ctx.shownByName)
      : passwordSettingFindings(users, identity.passwords, {
          places,
          shownByName: ctx.shownByName,
          configFile: ctx.configShown,
          configLine: configFieldLine(
            ctx.config.file,
            'server.identityProvider.passwords',
            ctx.config.env,
          ),
        })),
  ];
}

/** A file sftpgw ships (its libsonnet, its default templates/gateway.jsonnet), not one of the repository's. */
function isShipped(file: string): boolean {
  const dir = path.dirname(file);
  return dir === path.join(packageRoot, 'libsonnet') || dir === path.join(packageRoot, 'templates');
}

/** Each user's child stack (userStacks), refusing a stack that would overflow. */
function placeUsers(
  users: RenderUser[],
  config: ResolvedConfig,
  ext: string,
  problems: Problem[],
): Placement | undefined {
  if (!config.userStacks) return undefined;
  const n = config.userStacks;
  const placement: Placement = new Map();
  const counts = new Map<string, number>();
  for (const u of users) {
    const s = userStack(userStackIndex(u.name, n), n, ext);
    placement.set(u.name, s);
    counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
  }
  for (const [id, count] of counts) {
    if (count > MAX_USERS_PER_STACK) {
      problems.push({
        file: displayPath(config.file),
        field: 'userStacks',
        message: `child stack ${id} would hold ${count} users (at most ${MAX_USERS_PER_STACK})`,
        hint: `${users.length} users need more child stacks than ${n}; changing userStacks moves users (see sftpgw's docs/users.md#many-users-child-stacks)`,
      });
    }
  }
  return placement;
}

function uniqueStacks(placement: Placement): Array<{ id: string; file: string }> {
  const byId = new Map([...placement.values()].map((s) => [s.id, { id: s.id, file: s.file }]));
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * The config's problems with the user files' problems, so one run reports
 * both; when the config is too broken to say where the user files are, its
 * error says they were not checked, and why.
 */
async function withUserProblems(
  error: SftpgwError,
  users: UsersWhileBroken,
  opts: SynthesizeOptions,
  deps: SynthesizeDeps,
): Promise<SftpgwError> {
  if (users.dir === undefined) {
    const why = `user files were not checked: ${users.unknown}`;
    return invalidInput(error.message, error.problems, error.hint ? `${error.hint}; ${why}` : why);
  }
  const cwd = opts.cwd ?? process.cwd();
  const userProblems = await userFileProblems(users.dir, {
    cwd,
    jpath: templateSources(users.projectDir).jpath,
    jsonnet: deps.jsonnet,
    server: { endpoint: users.endpoint, identityProvider: users.identityProvider },
    overlay: opts.overlay,
  });
  if (userProblems.length === 0) return error;
  const n = userProblems.length;
  return invalidInput(
    `${error.message}; the user files in ${displayPath(users.dir, cwd)} have ${n} problem${n === 1 ? '' : 's'}`,
    [...error.problems, ...userProblems],
    error.hint,
  );
}
