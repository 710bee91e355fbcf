// sftpgw init DIR: a new gateway repository that builds at once.
//   sftpgw.yaml (commented), users/example-partner.libsonnet, .gitlab-ci.yml,
//   package.json (sftpgw as a dev dependency from --package, with the install
//   settings sftpgw needs), .gitignore, README.md, and .npmrc with --registry.
// The repository consumes sftpgw as an npm package: the shipped libsonnet and
// templates are used from node_modules; a templates/gateway.jsonnet of its own
// (returning the patched gateway object) replaces the shipped one, and its own
// libsonnet/ is searched first by its templates (see sftpgw's docs/customizing.md).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_TAG } from '../../shared/gateway-names.js';
import { SftpgwError, usageError } from './errors.js';
import { installedAsPackage, ownPackage } from './own-package.js';
import { packageSource, scopeOf, type PackageSource } from './package-spec.js';
import { displayPath, packageRoot } from './paths.js';
import { userFileText } from './users/manage.js';
import { ed25519PublicKey } from './users/keys.js';

export interface InitOptions {
  /**
   * npm spec of sftpgw for the new repository (see package-spec.ts); default:
   * the package this sftpgw was installed as (its name and version). A source
   * checkout has no such package: init then needs the flag.
   */
  package?: string;
  /** Registry URL the package's scope is mapped to in .npmrc. */
  registry?: string;
  /** Folder relative file: specs are resolved against. */
  cwd?: string;
}

export interface InitResult {
  dir: string;
  files: string[];
  source: PackageSource;
}

function stackNameFor(dir: string): string {
  const base = path
    .basename(path.resolve(dir))
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^[^A-Za-z]+/, '')
    .replace(/-+$/, '');
  return (base || 'sftp-gateway').slice(0, 100);
}

function configText(stackName: string): string {
  return `# sftpgw gateway configuration. Every key: sftpgw's docs/configuration.md
# (also in node_modules/<the sftpgw package>/docs/).
# Environments override the top level; flags and SFTPGW_* variables override both.

stackName: ${stackName}
description: SFTP gateway ${stackName}
usersDir: users

# On every taggable resource (sftpgw adds ${GATEWAY_TAG}: <stackName>).
tags:
  team: platform

# A vanity host name (Route 53 CNAME to the Transfer endpoint):
# dns:
#   domain: example.com
#   hostname: sftp
#   hostedZoneId: Z0123456789ABCDEFGHIJ

server:
  securityPolicy: TransferSecurityPolicy-2024-01
  # Who decides at login (docs/identity-provider.md): service-managed users
  # (the default), or a Lambda function answering from a directory the build
  # writes (key expiry and per-user networks checked at login, optional
  # passwords, no user resources). On a deployed gateway this is a switch.
  # identityProvider:
  #   type: lambda
  #   passwords: false

logs:
  retentionDays: 365

# Files dropped in the staging bucket at <destination>/<file> are pushed to the
# SFTP server of destination secret sftpgw/<stackName>/<destination>
# (sftpgw destinations put). enabled: false for an inbound-only gateway.
outbound:
  enabled: true
  # Who the alarms (push failures, failure queue, rejected files) notify:
  # e-mail addresses (each confirms the e-mail AWS sends) and/or existing SNS
  # topics (chat, paging). Replace the address with your team's.
  alarms:
    emails: [sftp-ops@example.com]
    # topicArns: [arn:aws:sns:eu-central-1:123456789012:platform-paging]

# Enterprise accounts often require a permissions boundary on every role:
# iam:
#   permissionsBoundary: arn:aws:iam::123456789012:policy/PlatformBoundary

# Where sftpgw package/deploy upload the push function and large templates:
# an existing bucket in the target account.
# artifacts:
#   bucket: my-artifact-bucket

# Over ~400 users: users in child stacks, fixed once set (sftpgw's docs/users.md).
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

function readmeText(stackName: string, source: PackageSource): string {
  return `# ${stackName}

An SFTP gateway on AWS, operated with sftpgw: Transfer Family in front of a
KMS-encrypted bucket (one file per SFTP user in \`users/\`), and outbound
pushes to partner SFTP servers.

How this repository gets sftpgw: \`package.json\` names it
(\`"${source.name}": "${source.spec}"\`) and \`npm install\` fetches it; \`package-lock.json\`
pins the exact build. To move to another version or source, change that line (a
registry version, a git URL with a tag, or a tarball URL) and run \`npm install\`.

\`\`\`sh
npm install                                   # sftpgw and its jsonnet engine (compiles libjsonnet: cmake, g++)
npx sftpgw build                              # → dist/gateway/default/template.json
npx sftpgw users add acme --key acme.pub      # a new SFTP user (a merge request)
npx sftpgw destinations put acme …            # a new outbound destination
npx sftpgw diff --env production              # what a deploy would change
\`\`\`

Merge requests run validate (Code Quality and JUnit in the MR) and diff;
main deploys staging and prepares production, which a person applies with the
manual \`deploy-production\` job (\`.gitlab-ci.yml\`). Create a pipeline schedule
(Build → Pipeline schedules, daily on main): it runs only \`key-expiry\`, which
fails when a user key expires within 14 days or an expired key is still
deployed. The pipeline runs sftpgw from \`node_modules/.bin\` only, never by
asking a registry for "sftpgw". Set
\`artifacts.bucket\` in \`sftpgw.yaml\` and give the pipeline AWS credentials (a
GitLab OIDC role) first. \`users/example-partner.libsonnet\` is an example:
replace its key or remove it.

sftpgw's documentation comes with it, for the version installed:
\`node_modules/${source.name}/docs/\` (start with \`getting-started.md\`;
every key of \`sftpgw.yaml\` is in \`configuration.md\`).
`;
}

/** The new repository's package.json: sftpgw, and the install settings it needs. */
function packageJsonText(stackName: string, source: PackageSource): string {
  return (
    JSON.stringify(
      {
        name: stackName.toLowerCase(),
        private: true,
        description: `SFTP gateway ${stackName} (sftpgw)`,
        scripts: { build: 'sftpgw build', validate: 'sftpgw validate', diff: 'sftpgw diff' },
        devDependencies: { [source.name]: source.spec },
        // npm >= 11.16 runs a dependency's install script only when allowed here:
        // libjsonnet must compile; ssh2's optional native addons (a faster cipher
        // and CPU feature detection) are not needed and would need a compiler.
        allowScripts: {
          '@hanazuki/node-jsonnet': true,
          ssh2: false,
          'cpu-features': false,
          // sftpgw's own prepare script builds it from a git source; a registry or
          // tarball copy is built already.
          [source.name]: source.kind === 'git',
        },
      },
      null,
      2,
    ) + '\n'
  );
}

/** .gitlab-ci.yml, with the cfn-lint release the bundled schemas came from. */
export function pipelineText(): string {
  return readFileSync(
    path.join(packageRoot, 'templates', 'init', 'gitlab-ci.yml'),
    'utf8',
  ).replaceAll('{{cfnLintVersion}}', ownPackage().cfnLintVersion);
}

/** .npmrc mapping the package's scope to the organisation's registry. */
function npmrcText(source: PackageSource, registry: string): string {
  const scope = scopeOf(source.name)!;
  const url = registry.endsWith('/') ? registry : `${registry}/`;
  const host = url.replace(/^https?:/, '');
  return `# ${scope} packages come from your registry only, never from the public one.
${scope}:registry=${url}
# In GitLab CI the job token reads a GitLab package registry (the ? leaves it
# empty elsewhere); on your machine, npm login --registry=${url} adds your own.
${host}:_authToken=\${CI_JOB_TOKEN?}
`;
}

function checkRegistry(registry: string, source: PackageSource): void {
  let url: URL;
  try {
    url = new URL(registry);
  } catch {
    throw usageError(
      `--registry ${registry} is not a URL`,
      'give the npm endpoint, e.g. https://gitlab.example.com/api/v4/packages/npm/',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw usageError(`--registry ${registry} is not an http(s) URL`);
  if (source.kind !== 'registry' || !scopeOf(source.name)) {
    throw usageError(
      '--registry maps a package scope to a registry: it needs a scoped registry package (--package, or an sftpgw installed under a scope)',
      'e.g. --package @acme/sftpgw@^0.2.0 --registry https://gitlab.example.com/api/v4/packages/npm/',
    );
  }
}

/**
 * Run from a source checkout, this sftpgw's own name and version name nothing
 * a registry holds (the checkout may be unreleased, or the organisation
 * publishes it re-scoped): the new repository's npm install would fail.
 */
function fromCheckout(cwd: string | undefined): SftpgwError {
  const { name, version } = ownPackage();
  const guide = displayPath(path.join(packageRoot, 'docs', 'getting-started.md'), cwd);
  return usageError(
    `this sftpgw runs from a source checkout (${displayPath(packageRoot, cwd)}, not installed in a node_modules folder): ` +
      `its name and version (${name}@${version}) need not be on any registry, so init does not write them; nothing was written`,
    `pass --package with where your organisation publishes sftpgw, e.g. --package @acme/sftpgw@^${version} --registry https://gitlab.example.com/api/v4/packages/npm/ ` +
      `(or a git URL with a tag, a tarball URL, a file: path); how to publish it: ${guide}#how-a-gateway-repository-gets-sftpgw`,
  );
}

export function initRepository(dir: string, opts: InitOptions = {}): InitResult {
  const root = path.resolve(dir);
  if (existsSync(root) && readdirSync(root).some((f) => !f.startsWith('.git'))) {
    throw usageError(`${dir} is not empty`, 'init a new, empty folder (a fresh git clone is fine)');
  }
  const stackName = stackNameFor(root);
  if (opts.package === undefined && !installedAsPackage()) throw fromCheckout(opts.cwd);
  const source = packageSource(opts.package, ownPackage(), opts.cwd ?? process.cwd());
  if (opts.registry !== undefined) checkRegistry(opts.registry, source);
  const files: Record<string, string> = {
    'sftpgw.yaml': configText(stackName),
    'users/example-partner.libsonnet': userFileText('example-partner', {
      sshPublicKeys: [ed25519PublicKey('example@replace-me')],
      homeDirectory: 'example-partner',
    }),
    '.gitlab-ci.yml': pipelineText(),
    'package.json': packageJsonText(stackName, source),
    '.gitignore': 'node_modules/\ndist/\n.gitlab-ci-local/\n',
    'README.md': readmeText(stackName, source),
    ...(opts.registry !== undefined ? { '.npmrc': npmrcText(source, opts.registry) } : {}),
  };
  try {
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(root, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text, { flag: 'wx' });
    }
  } catch (err) {
    throw new SftpgwError('failed', `cannot write into ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { dir: root, files: Object.keys(files), source };
}
