// sftpgw init DIR: a new gateway repository that builds at once.
//   sftpgw.yaml (commented), users/example-partner.libsonnet, .gitlab-ci.yml,
//   package.json (sftpgw as a dev dependency), .gitignore, README.md.
// The repository consumes sftpgw as an npm package: the shipped libsonnet and
// templates are used from node_modules; a templates/gateway.jsonnet or
// templates/users.jsonnet of its own replaces the shipped one, and its own
// libsonnet/ is searched first by its templates (see the sftpgw README).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SftpgwError, usageError } from './errors.js';
import { packageRoot } from './paths.js';
import { userFileText } from './users/manage.js';
import { ed25519PublicKey } from './users/keys.js';

export interface InitResult {
  dir: string;
  files: string[];
}

function stackNameFor(dir: string): string {
  const base = path.basename(path.resolve(dir)).replace(/[^A-Za-z0-9-]+/g, '-').replace(/^[^A-Za-z]+/, '').replace(/-+$/, '');
  return (base || 'sftp-gateway').slice(0, 100);
}

function configText(stackName: string): string {
  return `# sftpgw gateway configuration. Every key: the sftpgw README ("Config file").
# Environments override the top level; flags and SFTPGW_* variables override both.

stackName: ${stackName}
description: SFTP gateway ${stackName}
usersDir: users

# On every taggable resource (sftpgw adds sftpgw:gateway: <stackName>).
tags:
  team: platform

# A vanity host name (Route 53 CNAME to the Transfer endpoint):
# dns:
#   domain: example.com
#   hostname: sftp
#   hostedZoneId: Z0123456789ABCDEFGHIJ

server:
  securityPolicy: TransferSecurityPolicy-2024-01

logs:
  retentionDays: 365

# Files dropped in the staging bucket at <destination>/<file> are pushed to the
# SFTP server of destination secret sftpgw/<stackName>/<destination>
# (sftpgw destinations put). enabled: false for an inbound-only gateway.
outbound:
  enabled: true
  alarmEmail: null        # e.g. sftp-ops@example.com

# Where sftpgw package/deploy upload the push function and large templates:
# an existing bucket in the target account.
# artifacts:
#   bucket: my-artifact-bucket

# Over ~400 users: users in child stacks, fixed once set (README "Many users").
# userStacks: 32

environments:
  staging:
    stackName: ${stackName}-staging
    logs:
      retentionDays: 30
    tags:
      environment: staging
  production:
    stackName: ${stackName}-production
    tags:
      environment: production
`;
}

function readmeText(stackName: string): string {
  return `# ${stackName}

An SFTP gateway on AWS, operated with [sftpgw](https://www.npmjs.com/package/sftpgw):
Transfer Family in front of a KMS-encrypted bucket (one file per SFTP user in
\`users/\`), and outbound pushes to partner SFTP servers.

\`\`\`sh
npm install                                   # sftpgw, from package.json
npx sftpgw build                              # → dist/gateway/default/template.json
npx sftpgw users add acme --key acme.pub      # a new SFTP user (a merge request)
npx sftpgw destinations put acme …            # a new outbound destination
npx sftpgw diff --env production              # what a deploy would change
\`\`\`

Merge requests run validate (Code Quality and JUnit in the MR) and diff;
main deploys staging and prepares production, which a person applies with the
manual \`deploy-production\` job (\`.gitlab-ci.yml\`). Set \`artifacts.bucket\` in
\`sftpgw.yaml\` and give the pipeline AWS credentials (a GitLab OIDC role)
first. \`users/example-partner.libsonnet\` is an example: replace its key or
remove it.
`;
}

export function initRepository(dir: string): InitResult {
  const root = path.resolve(dir);
  if (existsSync(root) && readdirSync(root).some((f) => !f.startsWith('.git'))) {
    throw usageError(`${dir} is not empty`, 'init a new, empty folder (a fresh git clone is fine)');
  }
  const stackName = stackNameFor(root);
  const ownPackage = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const files: Record<string, string> = {
    'sftpgw.yaml': configText(stackName),
    'users/example-partner.libsonnet': userFileText('example-partner', { sshPublicKeys: [ed25519PublicKey('example@replace-me')], homeDirectory: 'example-partner' }),
    '.gitlab-ci.yml': readFileSync(path.join(packageRoot, 'templates', 'init', 'gitlab-ci.yml'), 'utf8'),
    'package.json': JSON.stringify({
      name: stackName.toLowerCase(),
      private: true,
      description: `SFTP gateway ${stackName} (sftpgw)`,
      scripts: { build: 'sftpgw build', validate: 'sftpgw validate', diff: 'sftpgw diff' },
      // Point this at wherever your organisation publishes sftpgw.
      devDependencies: { sftpgw: `^${ownPackage.version}` },
    }, null, 2) + '\n',
    '.gitignore': 'node_modules/\ndist/\n',
    'README.md': readmeText(stackName),
  };
  try {
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(root, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text, { flag: 'wx' });
    }
  } catch (err) {
    throw new SftpgwError('failed', `cannot write into ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return { dir: root, files: Object.keys(files) };
}
