// The users as the identity function's directory (format v1,
// shared/identity/directory.ts): each user's session policy and LOGICAL home
// from the SAME jsonnet render that makes service-managed users (the
// AWS::Transfer::User resource the gateway's user constructor returns: its
// Policy's and HomeDirectoryMappings Targets' Fn::Sub strings, placeholders
// left for the function to fill), and keys with expiry, networks, password
// hash and read-only from the checked user files. The function never runs
// jsonnet: a gateway that patches its user constructor changes the directory
// exactly as it changes the template.
//
// The Fn::Sub strings may name only ${Bucket}, ${KeyArn} and
// ${AWS::Partition}: what the function substitutes from its environment
// (BUCKET_NAME, KEY_ARN, AWS_PARTITION). Anything else is refused here, at
// build time, rather than reaching a login as an unresolved placeholder.
import {
  checkDirectory,
  DirectoryError,
  DIRECTORY_FORMAT,
  type Directory,
  type DirectoryUser,
  type HomeMapping,
} from '../../../shared/identity/directory.js';
import { invalidInput, SftpgwError, type Problem } from '../errors.js';
import type { RenderUser } from '../template/evaluate-gateway.js';
import type { CfnResource } from '../template/types.js';

/** The placeholders the function fills (docs: the directory contract). */
export const DIRECTORY_PLACEHOLDERS = ['Bucket', 'KeyArn', 'AWS::Partition'] as const;

export interface DirectoryInput {
  /** The gateway's stack name. */
  gateway: string;
  /** server.identityProvider.passwords (false until the wiring round sets it). */
  passwords: boolean;
  /** The checked users (synthesize's: spec.keys holds every key with its expiry). */
  users: readonly RenderUser[];
  /**
   * The resources the user constructor rendered: the build's templates'
   * Resources maps, or the render's chunks' fragments. Found by UserName.
   */
  resources: Iterable<Readonly<Record<string, CfnResource>>>;
  /** Each user's file as shown, for messages (default: the username). */
  shownByName?: ReadonlyMap<string, string>;
}

export interface DirectoryOutput {
  directory: Directory;
  /** The document as written: compact JSON, users in name order. */
  text: string;
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The Fn::Sub string of a rendered property (or a plain string), or why not. */
function subText(value: unknown): { text: string } | { problem: string } {
  if (typeof value === 'string') return checkPlaceholders(value);
  const sub = (value as { 'Fn::Sub'?: unknown } | null)?.['Fn::Sub'];
  const text = Array.isArray(sub) ? sub[0] : sub;
  if (typeof text !== 'string' || Object.keys(value as object).length !== 1)
    return { problem: 'is neither a string nor an Fn::Sub of one' };
  return checkPlaceholders(text);
}

function checkPlaceholders(text: string): { text: string } | { problem: string } {
  for (const m of text.matchAll(PLACEHOLDER))
    if (!(DIRECTORY_PLACEHOLDERS as readonly string[]).includes(m[1]))
      return {
        problem: `names \${${m[1]}}, which the identity function cannot fill (it fills ${DIRECTORY_PLACEHOLDERS.map((p) => `\${${p}}`).join(', ')})`,
      };
  return { text };
}

/** Each user's AWS::Transfer::User resource, by UserName. */
function transferUsers(
  resources: DirectoryInput['resources'],
): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const map of resources)
    for (const r of Object.values(map)) {
      if (r.Type !== 'AWS::Transfer::User') continue;
      const name = r.Properties?.UserName;
      if (typeof name === 'string') out.set(name, r.Properties!);
    }
  return out;
}

export function directoryFromUsers(input: DirectoryInput): DirectoryOutput {
  const rendered = transferUsers(input.resources);
  const problems: Problem[] = [];
  const users: Record<string, DirectoryUser> = {};
  const sortedUsers = [...input.users].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const u of sortedUsers) {
    const file = input.shownByName?.get(u.name) ?? u.name;
    const at = (field: string, message: string) =>
      problems.push({
        file,
        field,
        message,
        hint: "the gateway's user constructor (templates/gateway.jsonnet) must render it as the shipped one does; the identity function reads it from the directory",
      });
    const p = rendered.get(u.name);
    if (!p) {
      at('(rendered user)', `has no AWS::Transfer::User resource with UserName ${u.name}`);
      continue;
    }
    const policy = subText(p.Policy);
    if ('problem' in policy) at('Policy', `of the rendered user ${policy.problem}`);
    const mappings = p.HomeDirectoryMappings;
    const home: HomeMapping[] = [];
    if (p.HomeDirectoryType !== 'LOGICAL' || !Array.isArray(mappings) || mappings.length === 0)
      at('HomeDirectoryMappings', 'of the rendered user is not a LOGICAL home with mappings');
    else
      mappings.forEach((m: unknown, i) => {
        const entry = (m as { Entry?: unknown }).Entry;
        const target = subText((m as { Target?: unknown }).Target);
        if (typeof entry !== 'string') at(`HomeDirectoryMappings[${i}].Entry`, 'is not a string');
        else if ('problem' in target)
          at(`HomeDirectoryMappings[${i}].Target`, `of the rendered user ${target.problem}`);
        else home.push({ Entry: entry, Target: target.text });
      });
    if ('problem' in policy) continue;
    const spec = u.spec;
    users[u.name] = {
      policy: policy.text,
      home,
      keys: spec.keys.map((k) => ({ key: k.line, expires: k.expires ?? null })),
      // Absent: any address the endpoint admits (the contract's "null or absent").
      ...(spec.allowedSourceCidrs.length > 0 ? { cidrs: [...spec.allowedSourceCidrs] } : {}),
      ...(spec.passwordHash !== undefined ? { passwordHash: spec.passwordHash } : {}),
      readOnly: spec.readOnly,
    };
  }
  if (problems.length > 0)
    throw invalidInput(
      `the users cannot be written as the identity provider's directory (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      problems,
    );
  const directory: Directory = {
    format: DIRECTORY_FORMAT,
    gateway: input.gateway,
    passwords: input.passwords,
    users,
  };
  // What the function will accept: checked here too (a fault is sftpgw's own, not the operator's).
  try {
    checkDirectory(directory);
  } catch (err) {
    if (err instanceof DirectoryError)
      throw new SftpgwError(
        'failed',
        `the directory made from the users fails its own check: ${err.message}`,
      );
    throw err;
  }
  return { directory, text: JSON.stringify(directory) };
}
