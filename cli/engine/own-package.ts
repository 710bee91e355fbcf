// What this copy of sftpgw is: its package name, version and the cfn-lint
// version its resource schemas came from, read from its own package.json
// (never from npm_package_* variables, which name the project that runs it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';

export interface OwnPackage {
  name: string;
  version: string;
  /** cfn-lint release the bundled registry schemas were extracted from (package.json config.cfnLintVersion). */
  cfnLintVersion: string;
}

let own: OwnPackage | undefined;

export function ownPackage(): OwnPackage {
  if (!own) {
    const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      config?: { cfnLintVersion?: string };
    };
    const cfnLintVersion = pkg.config?.cfnLintVersion;
    if (!cfnLintVersion)
      throw new Error(`${path.join(packageRoot, 'package.json')} has no config.cfnLintVersion`);
    own = { name: pkg.name, version: pkg.version, cfnLintVersion };
  }
  return own;
}
