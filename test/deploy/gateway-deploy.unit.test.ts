// The lambda gateway's deploy decisions (cli/engine/deploy/gateway-deploy.ts)
// with a fake CloudFormation that answers "no changes" (a user-only change)
// and an in-memory directory store: the gates of the upload (yes / no / ask),
// an unchanged directory not uploaded, the forward switch refused before
// anything when it cannot run whole; and the smoke check's judgement
// (cli/engine/identity/smoke.ts) with fake invokers. Real S3, CloudFormation
// and the real function: identity-deploy-moto.test.ts, identity-switch-moto.test.ts.
import { expect } from 'chai';
import type { DirectoryStore } from '../../cli/adapters/aws/directory-store.js';
import type {
  ChangeSetInfo,
  ChangeSetSummary,
  CloudFormationApi,
  StackResource,
} from '../../cli/adapters/aws/cloudformation.js';
import type { DeployDeps } from '../../cli/engine/deploy/deploy.js';
import {
  deployGateway,
  type GatewayDeployRequest,
  type IdentityInput,
  serverIdOf,
} from '../../cli/engine/deploy/gateway-deploy.js';
import type { DirectoryPlan } from '../../cli/engine/deploy/types.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { smokeInvoke, sourceIpFor, type FunctionInvoker } from '../../cli/engine/identity/smoke.js';
import { silentReporter } from '../../cli/engine/reporter.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { ed25519PublicKey } from '../../cli/engine/users/keys.js';
import type { Directory } from '../../shared/identity/directory.js';

const key = ed25519PublicKey('bob');
const directory = (users: string[]): Directory => ({
  format: 'sftpgw-directory/1',
  gateway: 'gw',
  passwords: false,
  users: Object.fromEntries(
    users.map((u) => [
      u,
      {
        policy: '{}',
        home: [{ Entry: '/', Target: `/\${Bucket}/${u}` }],
        keys: [{ key, expires: null }],
        readOnly: false,
      },
    ]),
  ),
});
const identity = (users: string[]): IdentityInput => {
  const d = directory(users);
  return { directory: d, directoryText: JSON.stringify(d) };
};

const server = (type: string) => ({
  Type: 'AWS::Transfer::Server',
  Properties: { IdentityProviderType: type },
});
const lambdaTemplate: CfnTemplate = {
  Metadata: {
    sftpgw: {
      identityProvider: 'lambda',
      ids: { directoryBucket: 'DirectoryBucket', key: 'GatewayKey' },
    },
  },
  Resources: { Server: server('AWS_LAMBDA'), DirectoryBucket: { Type: 'AWS::S3::Bucket' } },
} as CfnTemplate;
const serviceManagedTemplate: CfnTemplate = {
  Resources: { Server: server('SERVICE_MANAGED') },
} as CfnTemplate;

/** A stack whose every change set is empty ("no changes"). */
class NoChanges implements Partial<CloudFormationApi> {
  calls: string[] = [];
  constructor(private readonly deployed: CfnTemplate) {}
  async describeStack() {
    return {
      id: 'arn:stack',
      status: 'UPDATE_COMPLETE',
      outputs: {},
      terminationProtection: false,
    };
  }
  async getTemplate() {
    return JSON.stringify(this.deployed);
  }
  async stackResources(): Promise<StackResource[]> {
    return [
      {
        logicalId: 'DirectoryBucket',
        type: 'AWS::S3::Bucket',
        physicalId: 'gw-directorybucket-1',
        status: 'CREATE_COMPLETE',
      },
      {
        logicalId: 'GatewayKey',
        type: 'AWS::KMS::Key',
        physicalId: 'key-1',
        status: 'CREATE_COMPLETE',
      },
    ];
  }
  async listChangeSets(): Promise<ChangeSetSummary[]> {
    return [];
  }
  async createChangeSet() {
    this.calls.push('createChangeSet');
    return { id: 'cs' };
  }
  async describeChangeSet(): Promise<ChangeSetInfo> {
    return {
      id: 'cs',
      name: 'cs',
      status: 'FAILED',
      statusReason: "The submitted information didn't contain changes.",
      changes: [],
    };
  }
  async deleteChangeSet() {
    this.calls.push('deleteChangeSet');
  }
}

function memoryStore(current: string | undefined) {
  const writes: string[] = [];
  const store: DirectoryStore = {
    bucket: 'gw-directorybucket-1',
    async read() {
      return current === undefined ? undefined : { text: current, versionId: 'v1' };
    },
    async write(text) {
      writes.push(text);
      return { versionId: `v${writes.length + 1}` };
    },
    async versions() {
      return [];
    },
  };
  return { store, writes };
}

function setup(o: { deployed: CfnTemplate; current?: string; confirm?: boolean }) {
  const cfn = new NoChanges(o.deployed);
  const { store, writes } = memoryStore(o.current);
  const asked: string[] = [];
  const depsWith = (fake: NoChanges) =>
    ({
      cfn: fake as unknown as CloudFormationApi,
      reporter: silentReporter,
      clock: { now: () => Date.now(), sleep: async () => {}, pollMs: 1, timeoutMs: 10_000 },
      confirm: async (q: string) => {
        asked.push(q);
        return o.confirm ?? true;
      },
    }) as DeployDeps;
  const shown: DirectoryPlan[] = [];
  const runWith = (fake: NoChanges, req: Partial<GatewayDeployRequest>) =>
    deployGateway(
      {
        stackName: 'gw',
        template: lambdaTemplate,
        parameters: {},
        tags: {},
        capabilities: [],
        recreateFailed: 'no',
        templatePrefix: 'p',
        allowReplace: [],
        execute: 'yes',
        ...req,
      } as GatewayDeployRequest,
      depsWith(fake),
      {
        directoryStore: () => store,
        invoker: async () => {
          throw new Error('no invoke expected');
        },
        now: () => new Date('2026-12-07T00:00:00Z'),
      },
      { plan: () => {}, directory: (d) => shown.push(d) },
    );
  const run = (req: Partial<GatewayDeployRequest>) => runWith(cfn, req);
  return { run, runWith, writes, asked, shown, cfn };
}

describe('a lambda gateway deploy: the directory after the change set, and its gates', function () {
  const before = identity(['bob']).directoryText;

  it('a user-only change with --yes: no change set executed, a new version written', async function () {
    const s = setup({ deployed: lambdaTemplate, current: before });
    const out = await s.run({ identity: identity(['bob', 'carol']) });
    expect(out.result.kind).to.equal('no-changes');
    expect(out.directory).to.include({ uploaded: true, versionId: 'v2' });
    expect(s.writes).to.deep.equal([identity(['bob', 'carol']).directoryText]);
    expect(s.shown[0].diff.usersAdded.map((u) => u.user)).to.deep.equal(['carol']);
    expect(s.shown[0]).to.include({
      location: 's3://gw-directorybucket-1/directory.json',
      currentVersion: 'v1',
    });
  });

  it('the same bytes: nothing written, nothing asked', async function () {
    const s = setup({ deployed: lambdaTemplate, current: before });
    const out = await s.run({ identity: identity(['bob']), execute: 'ask' });
    expect(out.directory).to.deep.include({ uploaded: false });
    expect(out.directory?.plan.unchanged).to.equal(true);
    expect(s.writes).to.deep.equal([]);
    expect(s.asked).to.deep.equal([]);
  });

  it('--no-execute (or CI without --yes): shown, not uploaded, and said why', async function () {
    const s = setup({ deployed: lambdaTemplate, current: before });
    const out = await s.run({ identity: identity(['bob', 'carol']), execute: 'no' });
    expect(s.writes).to.deep.equal([]);
    expect(out.directory?.notUploaded).to.match(/--no-execute/);
  });

  it('on a terminal: asked; declined, not uploaded', async function () {
    const s = setup({ deployed: lambdaTemplate, current: before, confirm: false });
    const out = await s.run({ identity: identity(['bob', 'carol']), execute: 'ask' });
    expect(s.asked).to.deep.equal([
      'Upload the new directory version to s3://gw-directorybucket-1/directory.json?',
    ]);
    expect(s.writes).to.deep.equal([]);
    expect(out.directory?.notUploaded).to.equal('declined');
  });

  it('a lambda template without its directory: refused before any change set', async function () {
    const s = setup({ deployed: lambdaTemplate });
    const err = await s.run({}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SftpgwError);
    expect((err as SftpgwError).kind).to.equal('usage');
    expect((err as SftpgwError).message).to.contain('no directory came with it');
    expect(s.cfn.calls).to.deep.equal([]);
  });

  it('the forward switch cannot be left for review, nor run without the staging template: refused before any change set', async function () {
    const s = setup({ deployed: serviceManagedTemplate });
    const review = await s
      .run({
        identity: {
          ...identity(['bob']),
          staging: async () => ({ template: lambdaTemplate, children: {} }),
        },
        execute: 'no',
        allowIdentityProviderChange: true,
      })
      .catch((e: unknown) => e);
    expect((review as SftpgwError).message).to.match(/cannot be left for review/);
    const noStaging = await s
      .run({ identity: identity(['bob']), allowIdentityProviderChange: true })
      .catch((e: unknown) => e);
    expect((noStaging as SftpgwError).message).to.match(/needs the staging template/);
    expect(s.cfn.calls).to.deep.equal([]);
  });

  it('a service-managed template goes to the plain deploy: no directory, no store read', async function () {
    const s = setup({ deployed: serviceManagedTemplate });
    const out = await s.run({ template: serviceManagedTemplate });
    expect(out.result.kind).to.equal('no-changes');
    expect(out.directory).to.equal(undefined);
    expect(s.shown).to.deep.equal([]);
  });
});

/** The same stack, saying its parameters and tags (as AWS's DescribeStacks does): a change set can be judged unneeded. */
class Described extends NoChanges {
  pending: Array<{ name: string; executionStatus: string; status: string; stackName: string }> = [];
  constructor(
    deployed: CfnTemplate,
    private readonly facts: { tags?: Record<string, string>; status?: string } = {},
  ) {
    super(deployed);
  }
  override async describeStack() {
    return {
      ...(await super.describeStack()),
      status: this.facts.status ?? 'UPDATE_COMPLETE',
      parameters: {},
      tags: this.facts.tags ?? { team: 'data' },
    };
  }
  override async listChangeSets() {
    return this.pending;
  }
}

function setupDescribed(
  deployed: CfnTemplate,
  facts: { tags?: Record<string, string>; status?: string } = {},
) {
  const s = setup({ deployed, current: identity(['bob']).directoryText });
  const cfn = new Described(deployed, facts);
  // setup's deps hold its own fake: swap in this one
  const run = (req: Partial<GatewayDeployRequest>) =>
    s.runWith(cfn, { tags: { team: 'data' }, ...req });
  return { ...s, cfn, run };
}

describe('a lambda gateway deploy with the template unchanged: no change set at all', function () {
  it('template, parameters and tags the deployed ones: no CreateChangeSet, the result says why, the directory uploaded', async function () {
    const s = setupDescribed(lambdaTemplate);
    const out = await s.run({ identity: identity(['bob', 'carol']) });
    expect(s.cfn.calls).to.deep.equal([]);
    expect(out.result).to.deep.equal({
      kind: 'no-changes',
      stackName: 'gw',
      skipped: {
        reason: 'template-unchanged',
        detail:
          'the template, parameters and tags are the deployed ones; the stack is UPDATE_COMPLETE',
      },
    });
    expect(out.directory).to.include({ uploaded: true, versionId: 'v2' });
  });

  it('the same gate for the upload: --no-execute shows it and leaves it', async function () {
    const s = setupDescribed(lambdaTemplate);
    const out = await s.run({ identity: identity(['bob', 'carol']), execute: 'no' });
    expect(s.cfn.calls).to.deep.equal([]);
    expect(out.result).to.have.property('skipped');
    expect(out.directory?.notUploaded).to.match(/--no-execute/);
    expect(s.writes).to.deep.equal([]);
  });

  it('the stack tags change: a change set as before (CloudFormation judges)', async function () {
    const s = setupDescribed(lambdaTemplate, { tags: { team: 'ops' } });
    const out = await s.run({ identity: identity(['bob', 'carol']) });
    expect(s.cfn.calls).to.deep.equal(['createChangeSet', 'deleteChangeSet']);
    expect(out.result).to.deep.equal({ kind: 'no-changes', stackName: 'gw' });
    expect(out.directory).to.include({ uploaded: true });
  });

  it('a stack rolled back to this template (UPDATE_ROLLBACK_COMPLETE): a change set as before', async function () {
    const s = setupDescribed(lambdaTemplate, { status: 'UPDATE_ROLLBACK_COMPLETE' });
    await s.run({ identity: identity(['bob', 'carol']) });
    expect(s.cfn.calls).to.deep.equal(['createChangeSet', 'deleteChangeSet']);
  });

  it('a change set waiting for review still stops the deploy (the same gate as a change set’s), nothing uploaded', async function () {
    const s = setupDescribed(lambdaTemplate);
    s.cfn.pending = [
      {
        name: 'sftpgw-review',
        executionStatus: 'AVAILABLE',
        status: 'CREATE_COMPLETE',
        stackName: 'gw',
      },
    ];
    const err = await s.run({ identity: identity(['bob', 'carol']) }).catch((e: unknown) => e);
    expect((err as SftpgwError).message).to.contain('has a change set waiting for review');
    expect(s.cfn.calls).to.deep.equal([]);
    expect(s.writes).to.deep.equal([]);
  });

  it('a service-managed gateway keeps today’s path: a change set even when nothing changed', async function () {
    const s = setupDescribed(serviceManagedTemplate);
    const out = await s.run({ template: serviceManagedTemplate });
    expect(s.cfn.calls).to.deep.equal(['createChangeSet', 'deleteChangeSet']);
    expect(out.result).to.deep.equal({ kind: 'no-changes', stackName: 'gw' });
  });
});

describe('the forward switch check: the staged function invoked as Transfer Family would', function () {
  // Fake invokers: moto runs no function without Docker (this is the unit
  // tier); the real function is checked in identity-switch-moto.test.ts.
  const d = directory(['bob', 'carol']);
  const now = new Date('2026-12-07T00:00:00Z');
  const answering = (answer: (username: string) => unknown): FunctionInvoker => ({
    async invoke(_name, event) {
      return { payload: answer((event as { username: string }).username) };
    },
  });

  it('right: the known user allowed with exactly its keys, the unknown denied', async function () {
    const events: unknown[] = [];
    const inv: FunctionInvoker = {
      async invoke(_n, e) {
        events.push(e);
        const u = (e as { username: string }).username;
        return { payload: u === 'bob' ? { Role: 'arn:role', PublicKeys: [key] } : {} };
      },
    };
    const r = await smokeInvoke(inv, { functionName: 'fn', serverId: 's-1', directory: d, now });
    expect(r.ok).to.equal(true);
    expect(events[0]).to.deep.equal({
      username: 'bob',
      protocol: 'SFTP',
      serverId: 's-1',
      sourceIp: '198.51.100.10',
    });
    expect(events[0]).not.to.have.property('password');
  });

  it('wrong: a denial of the known user, a Role for the unknown one, a function error', async function () {
    const denied = await smokeInvoke(
      answering(() => ({})),
      { functionName: 'fn', serverId: 's', directory: d, now },
    );
    expect(denied.checks.map((c) => c.ok)).to.deep.equal([false, true]);
    const open = await smokeInvoke(
      answering(() => ({ Role: 'r', PublicKeys: [key] })),
      { functionName: 'fn', serverId: 's', directory: d, now },
    );
    expect(open.checks.map((c) => c.ok)).to.deep.equal([true, false]);
    const failing: FunctionInvoker = {
      async invoke() {
        return {
          payload: { errorType: 'Error', errorMessage: 'boom' },
          functionError: 'Unhandled',
        };
      },
    };
    const f = await smokeInvoke(failing, { functionName: 'fn', serverId: 's', directory: d, now });
    expect(f.ok).to.equal(false);
    expect(f.checks[0].detail).to.equal('the function failed (Unhandled): boom');
    for (const c of [...denied.checks, ...open.checks, ...f.checks])
      expect(c.detail).not.to.contain(key.split(' ')[1]);
  });

  it('no user with an unexpired key: only the denial is checked, and it says so', async function () {
    const expired = directory(['bob']);
    expired.users.bob.keys = [{ key, expires: '2026-01-01' }];
    const r = await smokeInvoke(
      answering(() => ({})),
      { functionName: 'fn', serverId: 's', directory: expired, now },
    );
    expect(r.ok).to.equal(true);
    expect(r.skipped).to.equal('no user in the directory has an unexpired key');
    expect(r.checks.map((c) => c.case)).to.deep.equal(['unknown user']);
  });

  it('the source address is inside the user’s first network', function () {
    expect(sourceIpFor(['203.0.113.0/24'])).to.equal('203.0.113.1');
    expect(sourceIpFor(['192.0.2.7/32'])).to.equal('192.0.2.7');
    expect(sourceIpFor(null)).to.equal('198.51.100.10');
  });

  // The stack gives the server's ARN as its physical id (Ref is the ARN);
  // Transfer Family's event carries the id, s-…: the check sends what
  // Transfer would.
  it("the event names the server as Transfer does (s-…), not by the stack's ARN", function () {
    expect(
      serverIdOf('arn:aws:transfer:eu-west-1:123456789012:server/s-0123456789abcdef0'),
    ).to.equal('s-0123456789abcdef0');
    expect(serverIdOf('arn:aws-cn:transfer:cn-north-1:123456789012:server/s-01234567')).to.equal(
      's-01234567',
    );
    expect(serverIdOf('s-0123456789abcdef0')).to.equal('s-0123456789abcdef0');
    expect(serverIdOf(undefined)).to.equal(undefined);
  });
});
