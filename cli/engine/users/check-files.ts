// The checks of user files that need no config beyond where the files are:
// the shape of each file's value, logical ids that collide, the keys. The
// build (synthesize.ts) runs them before rendering; when sftpgw.yaml has
// problems they still run (userFileProblems), so one run reports the
// config's problems and the user files' together instead of one after the
// other.
import type { JsonnetEngine } from '../../adapters/jsonnet.js';
import { SftpgwError, type Problem } from '../errors.js';
import type { RenderUser } from '../template/evaluate-gateway.js';
import { discoverUsers, type UserFile, type UserOverlay } from './discover.js';
import { evaluateUserFiles } from './evaluate.js';
import { fieldLine, keyFieldLine } from './field-line.js';
import { checkKeyList, type CheckedKey } from './keys.js';
import { userLogicalId } from './logical-id.js';
import { checkUserShape, type NetworkEnforcement } from './spec.js';

export interface ShapeChecked {
  users: RenderUser[];
  /** Each user's key list, checked later (checkKeys: the expensive part). */
  keysToCheck: { name: string; keys: unknown[] }[];
  problems: Problem[];
}

/** Shape and logical-id checks of evaluated user files (cheap: before rendering). */
export function checkShapes(
  files: UserFile[],
  values: Map<string, unknown>,
  /** The server's endpoint and identity provider: whether users' networks can be enforced. */
  server: NetworkEnforcement,
): ShapeChecked {
  const problems: Problem[] = [];
  const users: RenderUser[] = [];
  const keysToCheck: ShapeChecked['keysToCheck'] = [];
  const shownByName = new Map(files.map((f) => [f.name, f.shown]));
  const idOwner = new Map<string, string>();
  for (const f of files) {
    const { spec, keys, problems: p } = checkUserShape(f.name, values.get(f.name), f.shown, server);
    problems.push(...p);
    if (keys) keysToCheck.push({ name: f.name, keys });
    if (!spec) continue;
    const id = userLogicalId(f.name);
    const other = idOwner.get(id);
    if (other) {
      problems.push({
        file: f.shown,
        message: `username maps to the same CloudFormation logical id (${id}) as ${shownByName.get(other)}`,
        hint: 'rename one of the two users',
      });
      continue;
    }
    idOwner.set(id, f.name);
    users.push({ name: f.name, id, spec });
  }
  return { users, keysToCheck, problems };
}

/**
 * The problems of the users' key lists, each naming its user file, and each
 * user's good keys (type, fingerprint: what the findings on keys read).
 */
export function checkKeys(
  files: UserFile[],
  keysToCheck: ShapeChecked['keysToCheck'],
): { problems: Problem[]; checked: Map<string, CheckedKey[]> } {
  const shownByName = new Map(files.map((f) => [f.name, f.shown]));
  const problems: Problem[] = [];
  const checked = new Map<string, CheckedKey[]>();
  for (const u of keysToCheck) {
    const r = checkKeyList(u.keys);
    problems.push(...r.problems.map((p) => ({ file: shownByName.get(u.name), ...p })));
    checked.set(u.name, r.keys);
  }
  return { problems, checked };
}

/**
 * Gives problems in user files without a line the line of their field (of a
 * key: the line its text is on, found through the evaluated `values`).
 */
export function placeOnLines(
  problems: Problem[],
  files: UserFile[],
  texts: Map<string, string>,
  values?: Map<string, unknown>,
): void {
  const nameByShown = new Map(files.map((f) => [f.shown, f.name]));
  for (const p of problems) {
    if (p.line !== undefined || !p.field || !p.file) continue;
    const name = nameByShown.get(p.file) ?? '';
    p.line = values
      ? keyFieldLine(texts.get(name), values.get(name), p.field)
      : fieldLine(texts.get(name), p.field);
  }
}

/**
 * Every problem of the user files in `dir`, as far as they can be checked
 * without a working config: discovery, jsonnet evaluation, shape, keys.
 * A stop in one stage (a folder that is missing, a file that does not
 * evaluate) is reported as that stage's problems.
 */
export async function userFileProblems(
  dir: string,
  opts: {
    cwd: string;
    jpath: string[];
    jsonnet: JsonnetEngine;
    /** What the broken config still tells of the endpoint and the identity provider. */
    server?: NetworkEnforcement;
    overlay?: UserOverlay;
  },
): Promise<Problem[]> {
  try {
    const files = await discoverUsers(dir, opts.cwd, opts.overlay);
    const { values, texts } = await evaluateUserFiles(files, dir, opts.jsonnet, opts.jpath);
    const checked = checkShapes(files, values, opts.server ?? {});
    const problems = [...checked.problems, ...checkKeys(files, checked.keysToCheck).problems];
    placeOnLines(problems, files, texts, values);
    return problems;
  } catch (err) {
    if (!(err instanceof SftpgwError) || err.kind === 'failed') throw err;
    return err.problems.length > 0
      ? err.problems
      : [{ file: undefined, message: err.message, hint: err.hint }];
  }
}
