// The one place that knows jsonnet import paths and which templates render a
// gateway. A gateway repository that depends on sftpgw may have its own
// libsonnet/ (searched first, so it can override a shipped file) and its own
// templates/ (used instead of the shipped ones, file by file).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';

export interface TemplateSources {
  jpath: string[];
  gateway: string;
  users: string;
}

export function templateSources(projectDir: string): TemplateSources {
  const shippedLib = path.join(packageRoot, 'libsonnet');
  const projectLib = path.join(projectDir, 'libsonnet');
  const jpath = path.resolve(projectLib) !== path.resolve(shippedLib) && existsSync(projectLib) ? [projectLib, shippedLib] : [shippedLib];
  const pick = (name: string) => {
    const own = path.join(projectDir, 'templates', name);
    return existsSync(own) ? own : path.join(packageRoot, 'templates', name);
  };
  return { jpath, gateway: pick('gateway.jsonnet'), users: pick('users.jsonnet') };
}
