// The cfn-lint version sftpgw is made for. It is written in one place, the
// package's package.json `"config": { "cfnLintVersion": … }`: the committed
// registry schemas came from it (npm run schemas:refresh), and CI, the
// scaffolded pipeline and the tests that run cfn-lint use it. Another minor
// release may have other rules and schemas, so its findings may differ.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';

/** package.json `config.cfnLintVersion` under root (undefined when it is not set). */
export function pinnedCfnLint(root: string = packageRoot): string | undefined {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    config?: { cfnLintVersion?: unknown };
  };
  const v = pkg.config?.cfnLintVersion;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The releases a pin stands for: its patch releases ("1.51.0" -> "1.51.x"). */
export function supportedRange(pinned: string): string {
  return `${pinned.split('.').slice(0, 2).join('.')}.x`;
}

/** Whether an installed cfn-lint is in the pin's range (same major and minor). */
export function inSupportedRange(installed: string, pinned: string): boolean {
  const minor = (v: string) => v.trim().split('.').slice(0, 2).join('.');
  return minor(installed) === minor(pinned);
}

/** pip's spelling of the range ("~=1.51.0": 1.51.0 or a later 1.51 patch). */
export function pipRequirement(pinned: string): string {
  return `cfn-lint~=${pinned}`;
}
