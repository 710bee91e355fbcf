// Where the shipped libraries define a logical id, found by a search of the
// library text of its own (a regular expression per line, not the lexer
// cli/engine/validate/definition-sites.ts uses): the expectations of
// test/validate/finding-locations.unit.test.ts and finding-locations.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './project.js';

export const libDir = path.join(repoRoot, 'libsonnet');
export const libFiles = readdirSync(libDir)
  .filter((f) => f.endsWith('.libsonnet'))
  .sort();
export const libLines = new Map(
  libFiles.map((f) => [f, readFileSync(path.join(libDir, f), 'utf8').split('\n')]),
);

/** A project of test/fixtures/projects. */
export const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'projects', name);

export interface Site {
  file: string;
  line: number;
}

/** Lines of the libraries (outside // comments) that spell `word` as a quoted string or a field name. */
export function spelled(word: string): Site[] {
  const re = new RegExp(`['"]${word}['"]|(^|[\\s{,])${word}\\s*\\+?::?(?!:)`);
  const out: Site[] = [];
  for (const [file, lines] of libLines)
    lines.forEach((l, i) => {
      if (re.test(l.replace(/\/\/.*$/, ''))) out.push({ file, line: i + 1 });
    });
  return out;
}

/**
 * Where the library defines an id: where it is spelled, else where the
 * longest spelled start of it is (ids made from a literal and data: AlarmEmail
 * + a hash, GatewayBucket + Policy); of several places, those in a file that
 * also spells the resource's Type; several files still: none.
 */
export function expectedSite(id: string, type: string): Site | undefined {
  let sites = spelled(id);
  for (let k = id.length - 1; sites.length === 0 && k > 1; k--) sites = spelled(id.slice(0, k));
  const typed = sites.filter((s) => libLines.get(s.file)!.some((l) => l.includes(`'${type}'`)));
  const chosen = typed.length > 0 ? typed : sites;
  return new Set(chosen.map((s) => s.file)).size === 1 ? chosen[0] : undefined;
}
