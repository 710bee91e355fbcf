// The one place that knows where things are: the package's own files, and
// how paths are shown to the user.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the sftpgw package (holds libsonnet/ and templates/). Works from cli/ and dist/cli/. */
export const packageRoot: string = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // cli/engine -> root, dist/cli/engine -> root
  const up = here.split(path.sep).includes('dist') ? ['..', '..', '..'] : ['..', '..'];
  return path.resolve(here, ...up);
})();

/** A path as the operator should see it: relative to the working directory when inside it. */
export function displayPath(p: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** The root of the git repository holding `dir` (the nearest folder with a .git entry), if any. */
export function gitRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}
