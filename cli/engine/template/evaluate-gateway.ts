// Runs the jsonnet of one build: the root template (with the child stacks'
// templates) and the user resources, all rendered from the ONE gateway object
// the repository's templates/gateway.jsonnet returns (libsonnet/
// render.libsonnet asks it for each part).
//
// One bundle, several evaluations started together: the root, and the users
// in chunks (one evaluation of 10,000 users takes ~4.5 s; four chunks on the
// libuv pool ~1.9 s on 2 cores). The child stacks' templates come with the
// root, in the same evaluation: 32 evaluations of their own would pay ~25 ms
// of standard library each.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import type { TemplateConfig } from '../config/types.js';
import { invalidInput, type Problem } from '../errors.js';
import { parseJsonnetError } from '../jsonnet-errors.js';
import { bundle, BundleError, evaluateBundle, type Bundle } from '../jsonnet-bundle.js';
import { displayPath, packageRoot } from '../paths.js';
import type { UserSpec } from '../users/spec.js';
import { chunkCount } from '../users/evaluate.js';
import type { TemplateSources } from './sources.js';
import type { CfnResource, CfnTemplate } from './types.js';
import { constructorPatched } from './user-constructor.js';
import { instantiate, shapeable, type UserShapes } from './user-shapes.js';

export interface RenderUser {
  name: string;
  id: string;
  spec: UserSpec;
}

/**
 * A user's spec as jsonnet gets it: without the keys' dates (it renders
 * sshPublicKeys, already filtered), and without the password hash (only the
 * identity provider's directory holds it: no template ever does).
 */
function renderedSpec({
  keys: _dates,
  passwordHash: _hash,
  ...spec
}: UserSpec): Omit<UserSpec, 'keys' | 'passwordHash'> {
  return spec;
}

/** The users of one evaluation and the resource map each got, in the same order. */
export interface UserChunk {
  names: string[];
  fragments: Record<string, CfnResource>[];
  /**
   * Made from the stock constructor's shapes (user-shapes.ts): each user is
   * one of two shapes with its name, id, home and keys put in, the rest the same.
   */
  fromShapes?: boolean;
}

export interface EvaluatedGateway {
  template: CfnTemplate;
  /** Each child stack of users by logical id, without its users. */
  userStacks: Record<string, CfnTemplate>;
  /** The repository's templates/gateway.jsonnet returned a root template, not the gateway object. */
  legacy: boolean;
  /** Older forms the gateway used that still build, each a warning ('components-array': `components+:: [...]`). */
  deprecated: string[];
  chunks: UserChunk[];
  /** Every jsonnet file the gateway was rendered from (imports resolved): where findings look for a resource's definition. */
  files: string[];
}

/** The program every evaluation of a build runs: the engine's entry applied to the repository's gateway. */
export function renderProgram(sources: TemplateSources): { code: string; filename: string } {
  return {
    code: [
      `local gateway = import ${JSON.stringify(sources.gateway)};`,
      `local render = import ${JSON.stringify(sources.render)};`,
      "function(config, part, users='{}', placement='root', shapes='no') render.run(gateway, config, part, users, placement, shapes)",
      '',
    ].join('\n'),
    // Beside the gateway template, so an error in the program itself names that folder.
    filename: path.join(path.dirname(sources.gateway), '.sftpgw-render.jsonnet'),
  };
}

/** placement: where the users go ('child': their stack's parameters are their refs). */
export async function evaluateGateway(
  config: TemplateConfig,
  users: RenderUser[],
  sources: TemplateSources,
  jsonnet: JsonnetEngine,
  placement: 'root' | 'child',
  /** Render every user with libjsonnet, never from shapes (the equivalence tests compare the two). */
  { renderEachUser = false }: { renderEachUser?: boolean } = {},
): Promise<EvaluatedGateway> {
  if (sources.retiredUsersTemplate) {
    throw invalidInput('the gateway template could not be rendered', [
      {
        file: displayPath(sources.retiredUsersTemplate),
        message:
          'is no longer read: users are rendered from the gateway object templates/gateway.jsonnet returns',
        hint: "move its change into a patch of the gateway's user constructor in templates/gateway.jsonnet (see docs/customizing.md in the sftpgw package), then delete the file",
      },
    ]);
  }
  // Bundled once, evaluated by every part: see jsonnet-bundle.ts for why.
  let program: Bundle;
  try {
    const { code, filename } = renderProgram(sources);
    program = bundle(code, filename, { jpath: sources.jpath });
  } catch (err) {
    if (err instanceof BundleError) {
      throw invalidInput('the gateway template could not be rendered', [
        { file: displayPath(err.file), line: err.line || undefined, message: err.message },
      ]);
    }
    throw err;
  }
  const configJson = JSON.stringify(config);
  const opts = { jpath: sources.jpath, tlaCode: { config: configJson } };
  // Users without tags of their own (and with printable ASCII keys: shapeable)
  // are instantiated from shapes when the gateway's user constructor is the
  // shipped one (user-shapes.ts); the rest,
  // and every user of a gateway that may patch it, are rendered one by one.
  const shaped =
    !renderEachUser && shapesAllowed(program, sources, configJson) ? users.filter(shapeable) : [];
  const byJsonnet = shaped.length === 0 ? users : users.filter((u) => !shapeable(u));
  const samples = sampleUsers(shaped);
  const chunkJobs = renderChunks(byJsonnet, jsonnet, program, opts, placement);
  const rootArgs: Record<string, string> = {
    part: 'root',
    ...(shaped.length > 0 && { shapes: 'yes', users: usersJson(samples), placement }),
  };
  const rootJob = evaluateBundle(jsonnet, program, { ...opts, tlaString: rootArgs }).catch(
    (err: unknown) =>
      retryWithComponentsArray(err, config, jsonnet, program, sources.jpath, rootArgs),
  );
  const [root, ...chunks] = await Promise.allSettled([rootJob, ...chunkJobs.map((c) => c.job)]);
  const failed = [root, ...chunks].filter(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failed.length > 0) throw renderFailed(failed);
  const { userShapes, ...rendered } = JSON.parse(
    (root as PromiseFulfilledResult<string>).value,
  ) as Omit<EvaluatedGateway, 'chunks' | 'files'> & { userShapes?: UserShapes };
  const userChunks: UserChunk[] = chunks.map((c, i) => ({
    names: chunkJobs[i].names,
    fragments: JSON.parse((c as PromiseFulfilledResult<string>).value) as Record<
      string,
      CfnResource
    >[],
  }));
  if (shaped.length > 0) {
    const fromShapes = userShapes && instantiate(userShapes, shaped, samples);
    if (fromShapes) userChunks.push({ ...fromShapes, fromShapes: true });
    else {
      // The shapes do not reproduce what libjsonnet makes: every such user is rendered by it.
      const late = renderChunks(shaped, jsonnet, program, opts, placement);
      const results = await Promise.allSettled(late.map((c) => c.job));
      const lateFailed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (lateFailed.length > 0) throw renderFailed(lateFailed);
      results.forEach((r, i) =>
        userChunks.push({
          names: late[i].names,
          fragments: JSON.parse((r as PromiseFulfilledResult<string>).value),
        }),
      );
    }
  }
  return { ...rendered, files: program.files, chunks: userChunks };
}

type RenderOptions = { jpath: string[]; tlaCode: Record<string, string> };

/** The users part, in chunks evaluated concurrently (see the top of this file). */
function renderChunks(
  users: RenderUser[],
  jsonnet: JsonnetEngine,
  program: Bundle,
  opts: RenderOptions,
  placement: 'root' | 'child',
): { names: string[]; job: Promise<string> }[] {
  const n = users.length === 0 ? 0 : chunkCount(users.length);
  const size = Math.ceil(users.length / Math.max(n, 1));
  const jobs: { names: string[]; job: Promise<string> }[] = [];
  for (let i = 0; i < n; i++) {
    const part = users.slice(i * size, (i + 1) * size);
    jobs.push({
      // The users part returns one fragment per user, in std.objectFields
      // order (sorted; usernames are ASCII).
      names: part.map((u) => u.name).sort(),
      job: evaluateBundle(jsonnet, program, {
        ...opts,
        tlaString: { part: 'users', users: usersJson(part), placement },
      }),
    });
  }
  return jobs;
}

/** The users part's `users` argument: the keys' dates stay in the engine (jsonnet renders sshPublicKeys, already filtered). */
function usersJson(users: RenderUser[]): string {
  const part: Record<string, { id: string; spec: Omit<UserSpec, 'keys' | 'passwordHash'> }> = {};
  for (const u of users) part[u.name] = { id: u.id, spec: renderedSpec(u.spec) };
  return JSON.stringify(part);
}

/** Whether shapes may stand for the constructor: see user-constructor.ts, and \u0001 (the sentinels') nowhere in the config. */
function shapesAllowed(program: Bundle, sources: TemplateSources, configJson: string): boolean {
  if (configJson.includes('\\u0001')) return false;
  return (
    constructorPatched({
      files: program.files,
      shippedDirs: [path.dirname(sources.render), path.join(packageRoot, 'templates')],
      read: (f) => {
        try {
          return readFileSync(f, 'utf8');
        } catch {
          return undefined;
        }
      },
    }) === undefined
  );
}

/** The users libjsonnet also renders, to check the shapes against: the first read-only, the first read-write, the last. */
function sampleUsers(users: RenderUser[]): RenderUser[] {
  const picked = [
    users.find((u) => u.spec.readOnly),
    users.find((u) => !u.spec.readOnly),
    users[users.length - 1],
  ];
  return [...new Set(picked.filter((u): u is RenderUser => u !== undefined))];
}

/**
 * `components` is an object of named components; a repository written for
 * the array it was (`components+:: [x]`) fails with jsonnet's "+ requires
 * matching types". Only then is the root rendered again with an array base
 * (config.componentsArray, read by gateway.libsonnet), and the root part
 * reports 'components-array' in `deprecated` for the engine to warn. Any
 * other failure, or one the array base does not cure, is the first error.
 * (Users never read `components`: their chunks need no second evaluation.)
 */
async function retryWithComponentsArray(
  err: unknown,
  config: TemplateConfig,
  jsonnet: JsonnetEngine,
  program: Bundle,
  jpath: string[],
  rootArgs: Record<string, string>,
): Promise<string> {
  if (!/requires matching types/.test(String((err as Error)?.message ?? err))) throw err;
  const asArray = JSON.stringify({ ...config, componentsArray: true });
  try {
    return await evaluateBundle(jsonnet, program, {
      jpath,
      tlaCode: { config: asArray },
      tlaString: rootArgs,
    });
  } catch {
    throw err;
  }
}

function renderFailed(failed: PromiseRejectedResult[]) {
  // Every part runs the same code, so the same library error repeats: report it once.
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const f of failed) {
    const text = String((f.reason as Error)?.message ?? f.reason);
    if (seen.has(text)) continue;
    seen.add(text);
    const parsed = parseJsonnetError(text);
    const loc = parsed.locations[0];
    problems.push({
      file: loc && displayPath(path.resolve(loc.file)),
      line: loc?.line,
      column: loc?.column,
      message: parsed.message,
      hint: 'the error is in the gateway templates or libsonnet; the trace is shown with --debug',
    });
  }
  return invalidInput('the gateway template could not be rendered', problems);
}
