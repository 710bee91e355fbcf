// The one place that knows jsonnet import paths and which files render a
// gateway. A gateway repository that depends on sftpgw may have its own
// libsonnet/ (searched first, so it can override a shipped file) and its own
// templates/gateway.jsonnet (used instead of the shipped one): the gateway
// object every template of the build is rendered from.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';

export interface TemplateSources {
  jpath: string[];
  /** templates/gateway.jsonnet: the repository's own, else the shipped one. */
  gateway: string;
  /** The engine's entry point (always the shipped one: it is the engine's contract, not a template). */
  render: string;
  /** A templates/users.jsonnet of the repository, which sftpgw no longer reads (refused with a hint). */
  retiredUsersTemplate?: string;
}

export function templateSources(projectDir: string): TemplateSources {
  const shippedLib = path.join(packageRoot, 'libsonnet');
  const projectLib = path.join(projectDir, 'libsonnet');
  const jpath =
    path.resolve(projectLib) !== path.resolve(shippedLib) && existsSync(projectLib)
      ? [projectLib, shippedLib]
      : [shippedLib];
  const own = (name: string) => path.join(projectDir, 'templates', name);
  const usersTemplate = own('users.jsonnet');
  return {
    jpath,
    gateway: existsSync(own('gateway.jsonnet'))
      ? own('gateway.jsonnet')
      : path.join(packageRoot, 'templates', 'gateway.jsonnet'),
    render: path.join(shippedLib, 'render.libsonnet'),
    retiredUsersTemplate: existsSync(usersTemplate) ? usersTemplate : undefined,
  };
}
