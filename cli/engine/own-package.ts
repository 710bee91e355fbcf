// What this copy of sftpgw is: its package name, version, the Node.js versions
// it supports and the cfn-lint version its resource schemas came from, read
// from its own package.json (never from npm_package_* variables, which name
// the project that runs it), and whether it was installed as a package.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';

export interface OwnPackage {
  name: string;
  version: string;
  /** cfn-lint release the bundled registry schemas were extracted from (package.json config.cfnLintVersion). */
  cfnLintVersion: string;
  /** package.json engines.node (">=20"); undefined when not set. */
  nodeEngine?: string;
}

let own: OwnPackage | undefined;

export function ownPackage(): OwnPackage {
  if (!own) {
    const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      config?: { cfnLintVersion?: string };
      engines?: { node?: string };
    };
    const cfnLintVersion = pkg.config?.cfnLintVersion;
    if (!cfnLintVersion)
      throw new Error(`${path.join(packageRoot, 'package.json')} has no config.cfnLintVersion`);
    own = { name: pkg.name, version: pkg.version, cfnLintVersion, nodeEngine: pkg.engines?.node };
  }
  return own;
}

/**
 * Whether this sftpgw was installed as a package (npm install, npm exec, a
 * global install) rather than run from a source checkout. Every npm install —
 * local, global, the npx cache, pnpm's store and yarn's node_modules linker —
 * puts the package inside a folder named node_modules; a git clone or an
 * unpacked tarball is not inside one. A checkout linked into a project (npm
 * link, a file: directory dependency) counts as a checkout: Node.js resolves
 * the symlink to the checkout's own path, and its version may never have been
 * published.
 */
export function installedAsPackage(root: string = packageRoot): boolean {
  return path.resolve(root).split(path.sep).includes('node_modules');
}
