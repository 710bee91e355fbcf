// The AWS SDK's Node.js support warning, said by sftpgw once a day instead of
// by the SDK on every AWS command.
//
// The SDK (@aws-sdk/core, emitWarningIfUnsupportedVersion) calls
// process.emitWarning with a ten-line NodeVersionSupportWarning when a client
// is made on Node < 22, once per process, unless
// AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true — the documented way
// to silence it (https://github.com/aws/aws-sdk-js-v3/issues/7983). Node 20
// is sftpgw's documented minimum, so the fact is worth one line, not ten on
// every run: sftpgw sets the variable for its own process, and says the line
// at most once a day (a stamp file under $XDG_CACHE_HOME/sftpgw, else
// ~/.cache/sftpgw). `sftpgw doctor` says it every time: nodeSupportNote().
// A user who set the variable to true themselves has opted out: no line.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Reporter } from './engine/reporter.js';

export const SDK_WARNING_VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
/** The first Node.js major the AWS SDK supports after January 2027. */
export const SDK_NODE_MAJOR = 22;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What `sftpgw doctor` (and the daily note) says about this Node.js for the
 * AWS SDK; undefined when nothing needs saying (Node ≥ 22).
 */
export function nodeSupportNote(version: string = process.versions.node): string | undefined {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  if (!(major < SDK_NODE_MAJOR)) return undefined;
  return `Node.js ${version.replace(/^v/, '')} works, but AWS SDK releases after January 2027 need Node.js ${SDK_NODE_MAJOR} or newer: upgrade Node.js before then`;
}

/** $XDG_CACHE_HOME/sftpgw, else ~/.cache/sftpgw. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.trim() ? env.XDG_CACHE_HOME : path.join(homedir(), '.cache');
  return path.join(base, 'sftpgw');
}

const STAMP = 'node-support-note';

export interface NoteOptions {
  env?: NodeJS.ProcessEnv;
  version?: string;
  now?: number;
}

/**
 * Before the first AWS client: silences the SDK's own warning for this
 * process and says the note, once a day. Returns whether it was said.
 */
export function nodeVersionNote(reporter: Pick<Reporter, 'warn'>, opts: NoteOptions = {}): boolean {
  const env = opts.env ?? process.env;
  const optedOut = env[SDK_WARNING_VARIABLE] === 'true' && !silencedHere.has(env);
  if (env[SDK_WARNING_VARIABLE] === undefined) {
    env[SDK_WARNING_VARIABLE] = 'true';
    silencedHere.add(env);
  }
  const note = nodeSupportNote(opts.version);
  if (optedOut || !note || saidToday(env, opts.now ?? Date.now())) return false;
  reporter.warn(`${note} (said once a day; sftpgw doctor says it again)`);
  return true;
}

/** Environments this module set the variable in (not the user): the note still applies. */
const silencedHere = new WeakSet<NodeJS.ProcessEnv>();

/** True when the stamp is less than a day old; otherwise stamps now. An unwritable cache: said every time. */
function saidToday(env: NodeJS.ProcessEnv, now: number): boolean {
  const file = path.join(cacheDir(env), STAMP);
  try {
    const last = Date.parse(readFileSync(file, 'utf8').trim());
    if (Number.isFinite(last) && now - last < DAY_MS && last <= now) return true;
  } catch {
    // no stamp yet
  }
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${new Date(now).toISOString()}\n`);
  } catch {
    // read-only home: the note is one line, said each time
  }
  return false;
}
