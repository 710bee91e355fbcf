// sftpgw doctor: is this machine ready to run sftpgw? Each check says ok, warn
// or fail (skip: not asked for) and, when not ok, what to do. What the
// machine has comes from probes the command injects (cli/adapters/probes.ts,
// cli/adapters/aws/doctor.ts), so every outcome can be tested without
// changing the machine. A failed check is one sftpgw cannot work without: the
// command then exits 1.
import { inSupportedRange, pipRequirement, supportedRange } from '../validate/lint-version.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type CheckId =
  | 'node'
  | 'node-aws-sdk'
  | 'cfn-lint'
  | 'jsonnet-addon'
  | 'build-tools'
  | 'aws-region'
  | 'aws-credentials';

export interface Check {
  id: CheckId;
  /** What is checked, for people. */
  title: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do (every check that is not ok has one). */
  fix?: string;
}

export interface DoctorReport {
  /** False when a check failed. */
  ok: boolean;
  counts: Record<CheckStatus, number>;
  checks: Check[];
}

/** An executable run with --version: not on PATH, or found (its version, or why it did not say). */
export type ToolProbe =
  | { command: string; found: false }
  | { command: string; found: true; version?: string; error?: string };

export interface AwsProbe {
  /** The region and where it came from; undefined when nothing names one. */
  region(): Promise<{ name: string; source: string } | undefined>;
  /** STS GetCallerIdentity (needs no permission); rejects with the SDK's error, or a timeout. */
  callerIdentity(): Promise<{ account: string; arn: string; endpoint?: string }>;
}

export interface DoctorProbes {
  /** process.versions.node */
  nodeVersion: string;
  /** package.json engines.node of this sftpgw (">=20"). */
  nodeEngine?: string;
  /** package.json config.cfnLintVersion of this sftpgw. */
  pinnedCfnLint: string;
  cfnLint(): Promise<ToolProbe>;
  /** Whether @hanazuki/node-jsonnet (the compiled libjsonnet addon) loads. */
  jsonnetAddon(): Promise<{ loads: true } | { loads: false; message: string }>;
  /** cmake and g++, which compile that addon when it is installed. */
  buildTool(name: 'cmake' | 'g++'): Promise<ToolProbe>;
  /** Undefined with --offline. */
  aws?: AwsProbe;
}

/**
 * The AWS SDK for JavaScript v3 supports a Node.js major for 8 months after
 * its end of life: Node.js 20 (end of life April 2026) until January 2027,
 * and the SDK itself says so at run time (NodeVersionSupportWarning).
 * https://aws.amazon.com/blogs/developer/aws-sdk-for-javascript-aligns-with-node-js-release-schedule
 */
const SDK_NEXT_NODE = 22;
const SDK_NEXT_NODE_FROM = 'January 2027';
const SDK_NODE_POLICY =
  'https://aws.amazon.com/blogs/developer/aws-sdk-for-javascript-aligns-with-node-js-release-schedule';

function versionParts(v: string): number[] {
  return v
    .replace(/^v/, '')
    .split('.')
    .map((p) => Number.parseInt(p, 10) || 0);
}

function atLeast(version: string, min: string): boolean {
  const a = versionParts(version);
  const b = versionParts(min);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

function nodeCheck(p: DoctorProbes): Check {
  const title = 'Node.js';
  const min = /^\s*>=\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(p.nodeEngine ?? '')?.[1];
  if (!min)
    return {
      id: 'node',
      title,
      status: 'warn',
      detail: `Node.js ${p.nodeVersion}; sftpgw's engines.node (${p.nodeEngine ?? 'not set'}) is not a ">=x" range doctor can check`,
      fix: "compare it with sftpgw's package.json engines.node yourself",
    };
  return atLeast(p.nodeVersion, min)
    ? {
        id: 'node',
        title,
        status: 'ok',
        detail: `Node.js ${p.nodeVersion} (sftpgw needs ${p.nodeEngine})`,
      }
    : {
        id: 'node',
        title,
        status: 'fail',
        detail: `Node.js ${p.nodeVersion} is older than sftpgw needs (${p.nodeEngine})`,
        fix: `install Node.js ${SDK_NEXT_NODE} (e.g. nvm install ${SDK_NEXT_NODE}; in CI the node:${SDK_NEXT_NODE} image)`,
      };
}

function sdkNodeCheck(p: DoctorProbes): Check {
  const major = versionParts(p.nodeVersion)[0];
  const title = 'Node.js for the AWS SDK';
  return major >= SDK_NEXT_NODE
    ? {
        id: 'node-aws-sdk',
        title,
        status: 'ok',
        detail: `Node.js ${major} is supported by the AWS SDK`,
      }
    : {
        id: 'node-aws-sdk',
        title,
        status: 'warn',
        detail: `Node.js ${major}: AWS SDK for JavaScript releases published after the first week of ${SDK_NEXT_NODE_FROM} need Node.js ${SDK_NEXT_NODE} or newer (${SDK_NODE_POLICY}); sftpgw works on Node.js ${major} until then`,
        fix: `move to Node.js ${SDK_NEXT_NODE} before ${SDK_NEXT_NODE_FROM} (nvm install ${SDK_NEXT_NODE}; in CI the node:${SDK_NEXT_NODE} image)`,
      };
}

async function cfnLintCheck(p: DoctorProbes): Promise<Check> {
  const title = 'cfn-lint';
  const probe = await p.cfnLint();
  const install = `pipx install '${pipRequirement(p.pinnedCfnLint)}' (or: pip install --user '${pipRequirement(p.pinnedCfnLint)}')`;
  if (!probe.found)
    return {
      id: 'cfn-lint',
      title,
      status: 'fail',
      detail: `${probe.command} is not on PATH: sftpgw build and validate run it (--no-lint skips it, and its checks)`,
      fix: `${install}; another executable: SFTPGW_CFN_LINT=/path/to/cfn-lint`,
    };
  if (!probe.version)
    return {
      id: 'cfn-lint',
      title,
      status: 'fail',
      detail: `${probe.command} is on PATH but \`${probe.command} --version\` failed${probe.error ? `: ${probe.error}` : ''}`,
      fix: `reinstall it: ${install}`,
    };
  return inSupportedRange(probe.version, p.pinnedCfnLint)
    ? {
        id: 'cfn-lint',
        title,
        status: 'ok',
        detail: `cfn-lint ${probe.version} (sftpgw's resource schemas came from ${p.pinnedCfnLint}: ${supportedRange(p.pinnedCfnLint)})`,
      }
    : {
        id: 'cfn-lint',
        title,
        status: 'warn',
        detail: `cfn-lint ${probe.version} is not ${supportedRange(p.pinnedCfnLint)}, the release sftpgw's resource schemas came from (${p.pinnedCfnLint}): its findings may differ from CI's`,
        fix: install,
      };
}

async function jsonnetAndToolsChecks(p: DoctorProbes): Promise<Check[]> {
  const addon = await p.jsonnetAddon();
  const tools = await Promise.all([p.buildTool('cmake'), p.buildTool('g++')]);
  const found = (t: ToolProbe) =>
    t.found ? `${t.command}${t.version ? ` ${t.version}` : ''} found` : `${t.command} not found`;
  const missing = tools.filter((t) => !t.found).map((t) => t.command);
  const installTools = `install ${missing.join(' and ')} (Debian/Ubuntu: apt-get install ${missing.join(' ')}; macOS: xcode-select --install${missing.includes('cmake') ? ', brew install cmake' : ''})`;
  if (addon.loads)
    return [
      {
        id: 'jsonnet-addon',
        title: 'jsonnet engine',
        status: 'ok',
        detail: 'the libjsonnet addon (@hanazuki/node-jsonnet) is built and loads',
      },
      {
        id: 'build-tools',
        title: 'cmake, g++',
        status: 'ok',
        detail: `not needed now: they only compile the libjsonnet addon when an install builds it (npm ci on a new machine, another Node.js major) (${tools.map(found).join(', ')})`,
      },
    ];
  return [
    {
      id: 'jsonnet-addon',
      title: 'jsonnet engine',
      status: 'fail',
      detail: `the libjsonnet addon (@hanazuki/node-jsonnet) does not load (${addon.message}): it is compiled when installed, and this install did not build it (install scripts off, or cmake/g++ missing then)`,
      fix: 'npm rebuild @hanazuki/node-jsonnet in the repository that installs sftpgw (compiles libjsonnet: cmake and g++, about 35 s)',
    },
    missing.length > 0
      ? {
          id: 'build-tools',
          title: 'cmake, g++',
          status: 'fail',
          detail: `needed now, to compile the libjsonnet addon: ${tools.map(found).join(', ')}`,
          fix: `${installTools}, then npm rebuild @hanazuki/node-jsonnet`,
        }
      : {
          id: 'build-tools',
          title: 'cmake, g++',
          status: 'ok',
          detail: `needed now, to compile the libjsonnet addon: ${tools.map(found).join(', ')}`,
        },
  ];
}

const AWS_CREDENTIALS_FIX =
  'give the SDK credentials: AWS_PROFILE with aws sso login or aws configure, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or in GitLab an OIDC role (sftpgw docs/deploy.md#aws-permissions)';

/** Why GetCallerIdentity failed, for people. */
function callerIdentityProblem(err: unknown): { detail: string; fix: string } {
  const e = err as { name?: string; message?: string; $endpoint?: string };
  const message = e?.message ?? String(err);
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    return { detail: 'no credentials found in the SDK chain', fix: AWS_CREDENTIALS_FIX };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return {
      detail: `STS did not answer in time (${message})`,
      fix: 'check the network, a proxy (HTTPS_PROXY) or AWS_ENDPOINT_URL; or run doctor --offline to skip AWS',
    };
  if (/expired/i.test(message) || e?.name === 'ExpiredToken' || e?.name === 'ExpiredTokenException')
    return {
      detail: `the credentials have expired (${message})`,
      fix: 'renew them (aws sso login, or new session credentials)',
    };
  return {
    detail: `STS GetCallerIdentity failed: ${e?.name ? `${e.name}: ` : ''}${message}`,
    fix: AWS_CREDENTIALS_FIX,
  };
}

async function awsChecks(aws: AwsProbe | undefined): Promise<Check[]> {
  if (!aws)
    return [
      { id: 'aws-region', title: 'AWS region', status: 'skip', detail: 'not checked (--offline)' },
      {
        id: 'aws-credentials',
        title: 'AWS credentials',
        status: 'skip',
        detail: 'not checked (--offline)',
      },
    ];
  const region = await aws.region().catch(() => undefined);
  const regionCheck: Check = region
    ? {
        id: 'aws-region',
        title: 'AWS region',
        status: 'ok',
        detail: `${region.name} (from ${region.source})`,
      }
    : {
        id: 'aws-region',
        title: 'AWS region',
        status: 'warn',
        detail:
          "no region in the SDK chain: the AWS commands then need sftpgw.yaml's region (per environment) or --region",
        fix: 'set AWS_REGION, a region in your AWS profile, or region: in sftpgw.yaml',
      };
  let credentials: Check;
  try {
    const who = await aws.callerIdentity();
    credentials = {
      id: 'aws-credentials',
      title: 'AWS credentials',
      status: 'ok',
      detail: `account ${who.account} as ${who.arn}${who.endpoint ? ` (${who.endpoint})` : ''}`,
    };
  } catch (err) {
    credentials = {
      id: 'aws-credentials',
      title: 'AWS credentials',
      status: 'fail',
      ...callerIdentityProblem(err),
    };
  }
  return [regionCheck, credentials];
}

export async function doctor(probes: DoctorProbes): Promise<DoctorReport> {
  const [cfnLint, jsonnet, aws] = await Promise.all([
    cfnLintCheck(probes),
    jsonnetAndToolsChecks(probes),
    awsChecks(probes.aws),
  ]);
  const checks = [nodeCheck(probes), sdkNodeCheck(probes), cfnLint, ...jsonnet, ...aws];
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  return { ok: counts.fail === 0, counts, checks };
}
