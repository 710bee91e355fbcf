// Where a gateway repository gets sftpgw from: `sftpgw init --package SPEC`.
// The spec is anything npm can install (parsed by npm's own npm-package-arg):
// a registry version (`@acme/sftpgw@^0.2.0`), a git URL with a tag, a tarball
// URL or a `file:` path. It becomes one devDependencies entry of the new
// repository's package.json.
import path from 'node:path';
import npa from 'npm-package-arg';
import { usageError } from './errors.js';

export interface PackageSource {
  /** The devDependencies key (the package's name in node_modules). */
  name: string;
  /** The devDependencies value. */
  spec: string;
  kind: 'registry' | 'git' | 'tarball-url' | 'file';
  /** Said to the operator after init: what this choice means and what to change. */
  notes: string[];
}

const HOW =
  'a registry version (@acme/sftpgw@^0.2.0), a git URL with a tag (git+https://gitlab.example.com/platform/sftpgw.git#v0.2.0), a tarball URL, or a file: path';

/**
 * @param raw what the operator passed to --package (undefined: the default)
 * @param self the package this sftpgw was installed as: its name and version
 * @param cwd folder relative file: paths are resolved against
 */
export function packageSource(
  raw: string | undefined,
  self: { name: string; version: string },
  cwd: string,
): PackageSource {
  if (raw === undefined) {
    return {
      name: self.name,
      spec: `^${self.version}`,
      kind: 'registry',
      notes: [
        `sftpgw comes from ${self.name}@^${self.version}, the package this sftpgw was installed as, on the registry npm uses for ${scopeOf(self.name) ? `the ${scopeOf(self.name)} scope (.npmrc; --registry writes one)` : 'unscoped names'}.`,
        `If your organisation publishes sftpgw elsewhere, run init again with --package (${HOW}) or change devDependencies in package.json.`,
      ],
    };
  }
  let parsed: ReturnType<typeof npa>;
  try {
    parsed = npa(raw.trim(), cwd);
  } catch (err) {
    throw usageError(
      `--package ${JSON.stringify(raw)} is not a package npm can install: ${(err as Error).message}`,
      `give ${HOW}`,
    );
  }
  switch (parsed.type) {
    case 'version':
    case 'range':
    case 'tag': {
      const name = parsed.name!;
      const spec =
        parsed.type === 'range' && parsed.fetchSpec === '*' && !/@\*$/.test(raw.trim())
          ? `^${self.version}`
          : parsed.fetchSpec!;
      const notes: string[] = [];
      if (!scopeOf(name)) {
        notes.push(
          `warning: ${name} is not a scoped name: npm resolves it from the default registry, where anybody may publish a package of that name. ` +
            `Publish sftpgw under your organisation's scope (@acme/sftpgw) and map that scope to your registry in .npmrc.`,
        );
      }
      if (parsed.type === 'tag')
        notes.push(
          `warning: the dist-tag "${spec}" moves; package-lock.json pins what was installed, but a range (^x.y.z) says what you accept.`,
        );
      return { name, spec, kind: 'registry', notes };
    }
    case 'git':
      if (!parsed.gitCommittish && !parsed.gitRange) {
        throw usageError(
          `--package ${raw} names no tag or commit`,
          'add #<tag> (e.g. #v0.2.0): a branch head changes under the pipeline',
        );
      }
      return {
        name: parsed.name ?? self.name,
        spec: parsed.saveSpec ?? raw,
        kind: 'git',
        notes: [
          'npm builds sftpgw from the git tag on install (its prepare script): the install needs git and the build tools libjsonnet needs (cmake, g++).',
        ],
      };
    case 'remote':
      return {
        name: parsed.name ?? self.name,
        spec: parsed.fetchSpec ?? raw,
        kind: 'tarball-url',
        notes: [],
      };
    case 'file':
    case 'directory': {
      const abs = path.resolve(cwd, parsed.fetchSpec ?? raw);
      return {
        name: parsed.name ?? self.name,
        spec: `file:${abs}`,
        kind: 'file',
        notes: [
          `file:${abs} exists on this machine only: in GitLab, use a registry version, a git tag or a tarball URL (--package).`,
        ],
      };
    }
    default:
      throw usageError(
        `--package ${raw} is a ${parsed.type} spec, which sftpgw init does not write`,
        `give ${HOW}`,
      );
  }
}

/** `@acme` of `@acme/sftpgw`; undefined for an unscoped name. */
export function scopeOf(name: string): string | undefined {
  return name.startsWith('@') ? name.split('/')[0] : undefined;
}
