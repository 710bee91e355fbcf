// A gateway's deploy with its identity provider (docs/identity-provider.md):
// what sftpgw deploy runs for a template it built. A service-managed gateway
// goes straight to deploy() (deploy.ts), exactly as before. A lambda gateway
// has a second thing to deploy besides the template: the directory object in
// its DirectoryBucket.
//
//   lambda → lambda (or a new lambda stack)
//       directory plan shown (diff against the current object)
//     → the change set as ever (plan, guard, execute)   — none: a user-only change
//       (the template, parameters and tags the deployed ones: no change set
//       is even created, unchanged-template.ts; else CloudFormation's "no changes")
//     → then the directory upload, never before, so a function never meets a
//       directory format it does not know; skipped when the bytes are the
//       current object's; a user-only change asks (or not) like a change set
//   service-managed → lambda (the forward switch; --allow-identity-provider-change)
//       change set 1: the staging template (DirectoryBucket, the function, its
//       role, log group and permission; server and users untouched)
//     → upload the directory → invoke the function: a key login of a known
//       user allowed with its keys, an unknown user denied; else stop here
//       (nothing switched: the server still service-managed, every user there)
//     → change set 2: the lambda template (server switched; the user resources
//       and child stacks deleted in its cleanup, after the switch)
//   lambda → service-managed: one change set (deploy() alone; the guard asks
//       for the flag), no directory.
// Without the flag the forward switch is refused by the guard on the lambda
// template's change set, like any other refused change: nothing is changed.
import type { DirectoryStore } from '../../adapters/aws/directory-store.js';
import { DIRECTORY_KEY } from '../../adapters/aws/directory-store.js';
import { parseDirectory, type Directory } from '../../../shared/identity/directory.js';
import { SftpgwError, usageError } from '../errors.js';
import { directoryDiff } from '../identity/directory-diff.js';
import { type FunctionInvoker, type SmokeResult, smokeInvoke } from '../identity/smoke.js';
import { gatewayIds, identityProviderOf } from '../template/gateway-metadata.js';
import { readTemplateText } from '../template/read.js';
import type { CfnTemplate } from '../template/types.js';
import {
  deploy,
  type ChangeSetRequest,
  type Decision,
  type DeployDeps,
  type DeployResult,
  type Preview,
} from './deploy.js';
import { DEFAULT_IDENTITY_PROVIDER_TYPE, serverIdentityType } from './identity-switch.js';
import { stackState } from './stack-status.js';
import type { DirectoryPlan } from './types.js';

/** The directory a lambda gateway's build made (Synthesized.directory / directoryText). */
export interface IdentityInput {
  directory: Directory;
  /** The exact bytes to upload (canonical JSON: `<outDir>/directory.json`). */
  directoryText: string;
  /** The staging template, packaged (synthesize with identityStage); only a forward switch asks for it. */
  staging?: () => Promise<{ template: CfnTemplate; children: Record<string, CfnTemplate> }>;
}

export interface IdentityDeps {
  /** The store of a deployed DirectoryBucket. */
  directoryStore(location: { bucket: string; keyArn?: string }): DirectoryStore;
  /** Lambda Invoke, made on first use (only the forward switch invokes). */
  invoker(): Promise<FunctionInvoker>;
  now(): Date;
}

export type GatewayDeployRequest = ChangeSetRequest & {
  execute: Decision;
  terminationProtection?: boolean;
  identity?: IdentityInput;
};

export interface DirectoryOutcome {
  plan: DirectoryPlan;
  /** Uploaded by this deploy (a new object version). */
  uploaded: boolean;
  versionId?: string;
  /** Why it was not uploaded, when it differs and was not. */
  notUploaded?: string;
}

export interface GatewayDeployResult {
  /** The (last) change set's outcome. */
  result: DeployResult;
  directory?: DirectoryOutcome;
  /** The forward switch: the staging change set's outcome and the function's answers. */
  switched?: { staged: DeployResult; smoke: SmokeResult };
}

export interface GatewayShow {
  plan(p: Preview): void;
  directory(d: DirectoryPlan): void;
  /** A step of the forward switch, in words. */
  step?(text: string): void;
}

const failed = (
  message: string,
  hint?: string,
  problems?: Array<{ field: string; message: string }>,
) => new SftpgwError('failed', message, { hint, problems });

/** Where a deployed lambda (or staged) gateway's directory lives, from its resources. */
export async function directoryLocation(
  deps: DeployDeps,
  stackName: string,
  template: CfnTemplate,
): Promise<{ bucket: string; keyArn?: string } | undefined> {
  const ids = gatewayIds(template);
  const bucketId = ids.directoryBucket ?? 'DirectoryBucket';
  const keyId = ids.key ?? 'GatewayKey';
  const resources = await deps.cfn.stackResources(stackName);
  const bucket = resources.find((r) => r.logicalId === bucketId)?.physicalId;
  const keyArn = resources.find((r) => r.logicalId === keyId)?.physicalId;
  if (!bucket) return undefined;
  // The key not listed (moto after a key update it cannot apply; a hand-made
  // template): the bucket's default encryption, the gateway key, applies.
  if (!keyArn)
    deps.reporter.debug(
      `${stackName} lists no ${keyId}: the directory is written with ${bucketId}'s default encryption`,
    );
  return { bucket, ...(keyArn ? { keyArn } : {}) };
}

/** The directory plan: the new document against the current object (none yet: every user added). */
export async function directoryPlan(
  store: DirectoryStore | undefined,
  identity: IdentityInput,
): Promise<DirectoryPlan> {
  const current = store ? await store.read() : undefined;
  let before: Directory | undefined;
  if (current) {
    try {
      before = parseDirectory(current.text);
    } catch {
      // A current object sftpgw cannot read (another version's format, edited
      // by hand): everything shows as added, and it is replaced.
      before = undefined;
    }
  }
  const plan: DirectoryPlan = {
    unchanged: current?.text === identity.directoryText,
    bytes: Buffer.byteLength(identity.directoryText),
    users: Object.keys(identity.directory.users).length,
    diff: directoryDiff(before, identity.directory),
  };
  if (store) plan.location = `s3://${store.bucket}/${DIRECTORY_KEY}`;
  if (current?.versionId) plan.currentVersion = current.versionId;
  return plan;
}

async function upload(
  store: DirectoryStore,
  identity: IdentityInput,
  plan: DirectoryPlan,
  deps: DeployDeps,
): Promise<DirectoryOutcome> {
  if (plan.unchanged) return { plan, uploaded: false };
  deps.reporter.phase?.({ kind: 'upload', url: `s3://${store.bucket}/${DIRECTORY_KEY}` });
  const { versionId } = await store.write(identity.directoryText);
  deps.reporter.phase?.({ kind: 'local' });
  deps.reporter.progress(
    `uploaded the directory to s3://${store.bucket}/${DIRECTORY_KEY}${versionId ? ` (version ${versionId})` : ''}`,
  );
  return { plan, uploaded: true, ...(versionId ? { versionId } : {}) };
}

/** The stack's deployed root template, or undefined when there is no stack to update. */
async function deployedRoot(deps: DeployDeps, stackName: string): Promise<CfnTemplate | undefined> {
  const stack = await deps.cfn.describeStack(stackName);
  // Nothing to update: no stack, an empty shell, or a failed creation deploy() recreates.
  if (['absent', 'review', 'rollback-complete'].includes(stackState(stack?.status)))
    return undefined;
  const text = await deps.cfn.getTemplate(stackName);
  return text === undefined
    ? undefined
    : readTemplateText(text, `the deployed template of ${stackName}`);
}

function needIdentity(req: GatewayDeployRequest): IdentityInput {
  if (!req.identity)
    throw usageError(
      `the template is a lambda gateway's (server.identityProvider.type: lambda), but no directory came with it`,
      'deploy from the sources (sftpgw deploy without --template), or keep the directory.json sftpgw build wrote beside the template',
    );
  return req.identity;
}

/**
 * sftpgw deploy of a built template with its identity provider. `show.plan`
 * prints a change set's plan, `show.directory` the directory's, before the
 * decision to execute (or upload).
 */
export async function deployGateway(
  req: GatewayDeployRequest,
  deps: DeployDeps,
  identityDeps: IdentityDeps,
  show: GatewayShow,
): Promise<GatewayDeployResult> {
  if (identityProviderOf(req.template) !== 'lambda' && !req.identity)
    return { result: await deploy(req, deps, show.plan) };
  const identity = needIdentity(req);
  const deployed = await deployedRoot(deps, req.stackName);
  const before = serverIdentityType(deployed)?.type;
  const after = serverIdentityType(req.template)?.type;
  const forward =
    deployed !== undefined &&
    before === DEFAULT_IDENTITY_PROVIDER_TYPE &&
    after !== undefined &&
    after !== DEFAULT_IDENTITY_PROVIDER_TYPE;
  // Without the flag the guard refuses the switch on the lambda template's
  // change set (its plan text explains the switch); nothing runs before it.
  if (forward && req.allowIdentityProviderChange)
    return forwardSwitch(req, identity, deps, identityDeps, show);
  return lambdaDeploy(req, identity, deployed, deps, identityDeps, show);
}

async function lambdaDeploy(
  req: GatewayDeployRequest,
  identity: IdentityInput,
  deployed: CfnTemplate | undefined,
  deps: DeployDeps,
  identityDeps: IdentityDeps,
  show: GatewayShow,
): Promise<GatewayDeployResult> {
  const where = deployed ? await directoryLocation(deps, req.stackName, deployed) : undefined;
  const before = where ? identityDeps.directoryStore(where) : undefined;
  const plan = await directoryPlan(before, identity);
  show.directory(plan);
  // A lambda template has no child stacks and no users: unchanged, it needs
  // no change set to know it (the staging template of a switch, and
  // service-managed gateways, always make one).
  const result = await deploy(
    { ...req, skipWhenUnchanged: identityProviderOf(req.template) === 'lambda' },
    deps,
    show.plan,
  );
  const notUploaded = (why: string): GatewayDeployResult => ({
    result,
    directory: { plan, uploaded: false, ...(plan.unchanged ? {} : { notUploaded: why }) },
  });
  switch (result.kind) {
    case 'pending':
      return notUploaded(
        'the change set waits for review: the directory is uploaded by the deploy from the sources that executes it',
      );
    case 'declined':
      return notUploaded('the change set was not executed');
    case 'no-changes':
      // A user-only change: no change set, the directory's own gate.
      if (plan.unchanged) return notUploaded('');
      if (req.execute === 'no') return notUploaded('--no-execute (or no terminal and no --yes)');
      if (
        req.execute === 'ask' &&
        !(await deps.confirm(
          `Upload the new directory version to ${plan.location ?? 'DirectoryBucket'}?`,
        ))
      )
        return notUploaded('declined');
      break;
    case 'executed':
      break;
  }
  // After the change set (a new stack's bucket exists only now).
  const at = where ?? (await directoryLocation(deps, req.stackName, req.template));
  if (!at)
    throw failed(
      `${req.stackName} was deployed but has no DirectoryBucket: the directory could not be uploaded`,
      'the template is a lambda gateway without its directory bucket: build it with sftpgw build and deploy again',
    );
  const store = identityDeps.directoryStore(at);
  // Re-read for a new stack: its bucket may have been retained from an earlier one.
  const final = where ? plan : await directoryPlan(store, identity);
  return { result, directory: await upload(store, identity, final, deps) };
}

async function forwardSwitch(
  req: GatewayDeployRequest,
  identity: IdentityInput,
  deps: DeployDeps,
  identityDeps: IdentityDeps,
  show: GatewayShow,
): Promise<GatewayDeployResult> {
  if (req.execute === 'no')
    throw usageError(
      'switching the identity provider to lambda runs two change sets with an upload and a check of the function between them: it cannot be left for review',
      'see the switch with sftpgw diff, then deploy with --yes --allow-identity-provider-change (or from a terminal, to be asked before each change set)',
    );
  if (!identity.staging)
    throw usageError(
      'switching the identity provider to lambda needs the staging template, which sftpgw makes from the sources',
      'deploy from the sources (sftpgw deploy without --template)',
    );
  const note = (t: string) => (show.step ? show.step(t) : deps.reporter.progress(t));
  note(
    'switching to the lambda identity provider, step 1 of 3: stage the function, its permission and the directory bucket (the server and its users are not changed)',
  );
  const staging = await identity.staging();
  const staged = await deploy(
    { ...req, template: staging.template, children: staging.children },
    deps,
    show.plan,
  );
  if (staged.kind === 'declined' || staged.kind === 'pending') return { result: staged };
  const at = await directoryLocation(deps, req.stackName, staging.template);
  if (!at)
    throw failed(
      `the staging change set of ${req.stackName} left no DirectoryBucket`,
      'the staging template is not what this sftpgw renders: build again; nothing was switched',
    );
  const store = identityDeps.directoryStore(at);
  const dirPlan = await directoryPlan(store, identity);
  show.directory(dirPlan);
  const directory = await upload(store, identity, dirPlan, deps);
  note(
    'step 2 of 3: invoke the staged function as Transfer Family would (a known user, an unknown user)',
  );
  const resources = await deps.cfn.stackResources(req.stackName);
  const ids = gatewayIds(staging.template);
  const functionName = resources.find(
    (r) => r.logicalId === (ids.identityFunction ?? 'IdentityFunction'),
  )?.physicalId;
  // The server's physical id is its ARN (Ref gives the ARN; the registry
  // schema's primaryIdentifier is /properties/Arn); Transfer Family sends the
  // function the id, s-…, which is the ARN's last segment.
  const serverId = serverIdOf(
    resources.find(
      (r) => r.logicalId === (serverIdentityType(staging.template)?.server ?? 'Server'),
    )?.physicalId,
  );
  if (!functionName || !serverId)
    throw failed(
      `the staged stack ${req.stackName} has no ${functionName ? 'server' : 'identity function'} to check`,
      'nothing was switched; build again and deploy',
    );
  const smoke = await smokeInvoke(await identityDeps.invoker(), {
    functionName,
    serverId,
    directory: identity.directory,
    now: identityDeps.now(),
  });
  if (!smoke.ok)
    throw failed(
      `the staged identity function ${functionName} did not answer as expected: the server was NOT switched`,
      `${req.stackName} is staged (the function, its permission and the directory bucket exist; the server is still service-managed with every user in place, so no login is affected). Look at the function's log group (${ids.identityLogGroup ?? 'IdentityLogGroup'}) for its error, fix it and deploy again: the switch resumes from the staged stack`,
      smoke.checks.map((c) => ({
        field: `${c.case} ${c.username}`,
        message: `${c.ok ? 'ok' : 'WRONG'}: ${c.detail}`,
      })),
    );
  note(
    `the function answered: ${smoke.checks.map((c) => `${c.case} ${c.username} ${c.detail}`).join('; ')}${smoke.skipped ? ` (known-user check skipped: ${smoke.skipped})` : ''}`,
  );
  note(
    "step 3 of 3: switch the server to the function; the user resources are removed in the same change set's cleanup, after the switch",
  );
  const result = await deploy(req, deps, show.plan);
  return { result, directory, switched: { staged, smoke } };
}

/** `s-…` from a server's ARN (arn:aws:transfer:region:account:server/s-…) or from the id itself. */
export function serverIdOf(physicalId: string | undefined): string | undefined {
  if (!physicalId) return undefined;
  return /(?:^|:server\/)(s-[0-9a-f]+)$/.exec(physicalId)?.[1] ?? physicalId;
}
