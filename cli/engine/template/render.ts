// Renders the gateway template: the root stack from templates/gateway.jsonnet
// and the user resources from templates/users.jsonnet in chunks evaluated
// concurrently (one evaluation of 10,000 users takes ~4.5 s; four chunks on
// the libuv pool ~1.9 s on 2 cores). The engine merges the chunks.
import path from 'node:path';
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import type { TemplateConfig } from '../config/types.js';
import { invalidInput, type Problem } from '../errors.js';
import { parseJsonnetError } from '../jsonnet-errors.js';
import { bundleFile, BundleError, evaluateBundle, type Bundle } from '../jsonnet-bundle.js';
import { displayPath } from '../paths.js';
import type { UserSpec } from '../users/spec.js';
import { chunkCount } from '../users/evaluate.js';
import { applyPermissionsBoundary } from './permissions-boundary.js';
import type { TemplateSources } from './sources.js';
import type { CfnResource, CfnTemplate } from './types.js';

export interface RenderUser {
  name: string;
  id: string;
  spec: UserSpec;
}

/** A child stack of users (userStacks in sftpgw.yaml). */
export interface ChildTemplate {
  /** Logical id of its AWS::CloudFormation::Stack in the root. */
  id: string;
  /** File name beside the root template (its TemplateURL before packaging). */
  file: string;
  template: CfnTemplate;
}

export interface Rendered {
  template: CfnTemplate;
  children: ChildTemplate[];
}

/** Which child stack each user goes to; undefined when users stay in the root. */
export type Placement = Map<string, { id: string; file: string }>;

export async function renderTemplate(
  config: TemplateConfig,
  users: RenderUser[],
  sources: TemplateSources,
  jsonnet: JsonnetEngine,
  placement?: Placement,
): Promise<Rendered> {
  const configCode = JSON.stringify(config);
  const opts = { jpath: sources.jpath, tlaCode: { config: configCode } };
  // Bundled once, evaluated by every chunk: see jsonnet-bundle.ts for why.
  let gatewayBundle: Bundle;
  let usersBundle: Bundle;
  try {
    gatewayBundle = bundleFile(sources.gateway, { jpath: sources.jpath });
    usersBundle = bundleFile(sources.users, { jpath: sources.jpath });
  } catch (err) {
    if (err instanceof BundleError) {
      throw invalidInput('the gateway template could not be rendered', [{ file: displayPath(err.file), line: err.line || undefined, message: err.message }]);
    }
    throw err;
  }
  const n = users.length === 0 ? 0 : chunkCount(users.length);
  const size = Math.ceil(users.length / Math.max(n, 1));
  const chunkJobs: Promise<string>[] = [];
  // users.jsonnet returns one fragment per user, in std.objectFields order
  // (sorted; usernames are ASCII): chunkNames[i][j] made fragment j of chunk i.
  const chunkNames: string[][] = [];
  for (let i = 0; i < n; i++) {
    const part: Record<string, { id: string; spec: UserSpec }> = {};
    for (const u of users.slice(i * size, (i + 1) * size)) part[u.name] = { id: u.id, spec: u.spec };
    chunkNames.push(Object.keys(part).sort());
    chunkJobs.push(evaluateBundle(jsonnet, usersBundle, { ...opts, tlaString: { users: JSON.stringify(part), placement: placement ? 'child' : 'root' } }));
  }
  const [root, ...chunks] = await Promise.allSettled([evaluateBundle(jsonnet, gatewayBundle, opts), ...chunkJobs]);
  const failed = [root, ...chunks].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    // Chunks share the same code, so the same library error repeats: report it once.
    const seen = new Set<string>();
    const problems: Problem[] = [];
    for (const f of failed) {
      const text = String((f.reason as Error)?.message ?? f.reason);
      if (seen.has(text)) continue;
      seen.add(text);
      const parsed = parseJsonnetError(text);
      const loc = parsed.locations[0];
      problems.push({ file: loc && displayPath(path.resolve(loc.file)), line: loc?.line, column: loc?.column, message: parsed.message,
        hint: 'the error is in the gateway templates or libsonnet; the trace is shown with --debug' });
    }
    throw invalidInput('the gateway template could not be rendered', problems);
  }
  const template = JSON.parse((root as PromiseFulfilledResult<string>).value) as CfnTemplate;
  const resources: Record<string, CfnResource> = placement ? {} : { ...template.Resources };
  const taken = (id: string) => id in resources || (placement !== undefined && id in template.Resources);
  // Which user each resource belongs to (a user constructor may make more than one).
  const ownerOf = new Map<string, string>();
  for (const [i, c] of chunks.entries()) {
    const fragments = JSON.parse((c as PromiseFulfilledResult<string>).value) as Record<string, CfnResource>[];
    if (!Array.isArray(fragments) || fragments.length !== chunkNames[i].length) {
      throw invalidInput('the users template returned something else than one resource map per user', [{ file: displayPath(sources.users), message: `expected a list of ${chunkNames[i].length} resource maps, in the order of std.objectFields(users)`, hint: 'keep the shape of the shipped templates/users.jsonnet' }]);
    }
    for (const [j, fragment] of fragments.entries()) {
      for (const [id, r] of Object.entries(fragment)) {
        ownerOf.set(id, chunkNames[i][j]);
        if (taken(id)) throw invalidInput('user resources clash with the gateway template', [{ field: `Resources.${id}`, message: 'logical id is used twice', hint: 'rename the user or the resource' }]);
        resources[id] = r;
      }
    }
  }
  const boundary = config.iam?.permissionsBoundary ?? null;
  applyPermissionsBoundary(template.Resources, boundary);
  applyPermissionsBoundary(resources, boundary);
  if (!placement) {
    // Sorted, so output is canonical whatever the chunking (jsonnet already sorts the fields inside).
    template.Resources = sortedResources(resources);
    return { template, children: [] };
  }
  // Users into their child stacks; each child gets the shared resources as parameters.
  const byStack = new Map<string, { file: string; resources: Record<string, CfnResource> }>();
  for (const [id, r] of Object.entries(resources)) {
    const stack = placement.get(ownerOf.get(id) ?? '');
    if (!stack) throw new Error(`internal: resource ${id} belongs to no user`);
    const entry = byStack.get(stack.id) ?? { file: stack.file, resources: {} };
    entry.resources[id] = r;
    byStack.set(stack.id, entry);
  }
  const children = [...byStack.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, e]) => ({
    id,
    file: e.file,
    template: {
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `${config.description} (SFTP users: ${id})`.slice(0, 1024),
      Parameters: CHILD_PARAMETERS,
      Resources: sortedResources(e.resources),
    } as CfnTemplate,
  }));
  return { template, children };
}

/** The parameters of a child stack of users: what childUserRefs in gateway.libsonnet refers to. */
const CHILD_PARAMETERS = {
  BucketName: { Type: 'String', Description: 'gateway bucket' },
  KeyArn: { Type: 'String', Description: 'gateway KMS key' },
  RoleArn: { Type: 'String', Description: 'role the SFTP users assume' },
  ServerId: { Type: 'String', Description: 'Transfer server id (from the root stack)' },
};

function sortedResources(resources: Record<string, CfnResource>): Record<string, CfnResource> {
  return Object.fromEntries(Object.keys(resources).sort().map((k) => [k, resources[k]]));
}
