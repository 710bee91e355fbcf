// `sftpgw users keys --deployed` against gateways deployed to moto through
// the CLI: a key that expires on 2026-06-15 is deployed on 2026-06-01; on
// 2026-06-16 the user files say it expired while the deployed stack still
// gives it to its user (exit 1, naming user, fingerprint and date: deploy to
// remove it); the deploy of 2026-06-16 leaves it out (exit 0). Then the same
// with users in child stacks (userStacks), where the key is found in a child
// stack's template. The dates are pinned with --today (cli/engine/clock.ts).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { outputSchema } from '../../cli/output-schemas/index.js';
import { keyPair, sshKeygenFingerprint } from '../helpers/keys.js';
import { cleanTempDirs, repoRoot, runCliAsync, tempDir } from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';

const ARTIFACTS = 'sftpgw-keys-deployed-artifacts';

describe('users keys --deployed: an expired key still deployed (moto)', function () {
  this.timeout(300_000);
  let moto: Moto;
  let env: Record<string, string>;

  before(async function () {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  const cli = (dir: string, args: string[]) => runCliAsync(args, { cwd: dir, env });

  function fixture(name: string): string {
    const dir = tempDir();
    cpSync(path.join(repoRoot, 'test', 'fixtures', 'projects', name), dir, { recursive: true });
    return dir;
  }

  async function deploy(dir: string, today: string, stack: string): Promise<void> {
    const r = await cli(dir, [
      'deploy',
      '--no-lint',
      '--yes',
      '--s3-bucket',
      ARTIFACTS,
      '--today',
      today,
    ]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`${stack}: (CREATE|UPDATE)_COMPLETE`));
  }

  /** The key line of a user file's sshPublicKeys entry whose comment is this. */
  function keyLine(file: string, comment: string): string {
    const m = new RegExp(`'(ssh-ed25519 \\S+ ${comment})'`).exec(readFileSync(file, 'utf8'));
    if (!m) throw new Error(`${file}: no key ${comment}`);
    return m[1];
  }

  describe('one stack (test/fixtures/projects/user-key-expiry)', () => {
    const stack = 'sftpgw-key-expiry';
    let dir = '';
    let carolNext = '';

    before(() => {
      dir = fixture('user-key-expiry');
      carolNext = sshKeygenFingerprint(
        keyLine(path.join(dir, 'users', 'carol.libsonnet'), 'carol-next@acme'),
      );
    });

    it('before the first deploy: fails naming the stack, and says to deploy first', async () => {
      const r = await cli(dir, ['users', 'keys', '--deployed', '--today', '2026-06-01']);
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr).to.include(`stack ${stack} does not exist`);
      expect(r.stderr).to.include('deploy the gateway first');
    });

    it('deployed on 2026-06-01: carol-next (last valid day 2026-06-15) is deployed and not yet expired on 2026-06-15', async () => {
      await deploy(dir, '2026-06-01', stack);
      const r = await cli(dir, ['users', 'keys', '--deployed', '--today', '2026-06-15']);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.include(
        `no key expired and still deployed (stack ${stack}) as of 2026-06-15 (UTC)`,
      );
    });

    it('on 2026-06-16 it has expired and is still deployed: exit 1 naming user, fingerprint, date, and "deploy to remove it"', async () => {
      const r = await cli(dir, ['users', 'keys', '--deployed', '--today', '2026-06-16']);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      const rows = r.stdout.trim().split('\n');
      expect(rows[0]).to.match(/^USER\s+TYPE\s+FINGERPRINT.*\bDEPLOYED IN$/);
      // carol-old and dave's key expired too, but the first deploy left them out already
      expect(rows).to.have.length(2);
      expect(rows[1]).to.match(
        new RegExp(
          `^carol\\s+ssh-ed25519\\s+${escapeRegExp(carolNext)}\\s+carol-next@acme\\s+2026-06-15\\s+expired 1 day ago\\s+users/carol.libsonnet\\s+${stack}$`,
        ),
      );
      expect(r.stderr).to.include(
        `carol: key ${carolNext} expired (last valid day 2026-06-15) and is still deployed in ${stack}: deploy to remove it`,
      );
      expect(r.stderr).to.include(
        `1 key expired and still deployed (stack ${stack}) as of 2026-06-16 (UTC): deploy to remove it`,
      );
    });

    it('--output json: every key with deployed, deployedIn and action (the schema of docs/json-output)', async () => {
      const r = await cli(dir, [
        'users',
        'keys',
        '--deployed',
        '--today',
        '2026-06-16',
        '--output',
        'json',
      ]);
      expect(r.status, r.stderr).to.equal(1);
      const doc = JSON.parse(r.stdout);
      const validate = new Ajv({ allErrors: true }).compile(outputSchema('users-keys.schema.json'));
      expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
      expect(doc).to.deep.include({
        deployed: true,
        stackName: stack,
        stacks: [stack],
        matched: 1,
      });
      const byComment = Object.fromEntries(
        doc.keys.map((k: { comment: string }) => [k.comment, k]),
      ) as Record<string, Record<string, unknown>>;
      expect(byComment['carol-next@acme']).to.deep.include({
        user: 'carol',
        fingerprint: carolNext,
        expires: '2026-06-15',
        state: 'expired',
        deployed: true,
        matches: true,
        action: 'deploy to remove it',
      });
      const at = byComment['carol-next@acme'].deployedIn as { stack: string; logicalId: string };
      expect(at.stack).to.equal(stack);
      expect(at.logicalId).to.match(/^UserCarol/);
      expect(byComment['carol-old@acme']).to.deep.include({
        state: 'expired',
        deployed: false,
        deployedIn: null,
        matches: false,
        action: null,
      });
      expect(byComment['erin@gamma']).to.deep.include({
        state: 'ok',
        deployed: true,
        matches: false,
      });
    });

    it('with --expired too: the deployed key asks for a deploy, the others for removal from the file', async () => {
      const r = await cli(dir, [
        'users',
        'keys',
        '--deployed',
        '--expired',
        '--today',
        '2026-06-16',
        '--output',
        'json',
      ]);
      expect(r.status, r.stderr).to.equal(1);
      const doc = JSON.parse(r.stdout);
      expect(doc.matched).to.equal(3);
      const actions = Object.fromEntries(
        doc.keys.map((k: { comment: string; action: string | null }) => [k.comment, k.action]),
      );
      expect(actions).to.deep.include({
        'carol-next@acme': 'deploy to remove it',
        'carol-old@acme': 'remove it from the user file',
        'dave@beta': 'remove it from the user file',
        'erin@gamma': null,
      });
    });

    it('after the deploy of 2026-06-16 (the key left out) it passes', async () => {
      await deploy(dir, '2026-06-16', stack);
      const r = await cli(dir, ['users', 'keys', '--deployed', '--today', '2026-06-16']);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stderr).to.include(
        `no key expired and still deployed (stack ${stack}) as of 2026-06-16 (UTC)`,
      );
    });

    it('--stack-name names another stack: that one is read (here: none by that name)', async () => {
      const r = await cli(dir, [
        'users',
        'keys',
        '--deployed',
        '--stack-name',
        'no-such-gateway',
        '--today',
        '2026-06-16',
      ]);
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr).to.include('stack no-such-gateway does not exist');
    });
  });

  describe('users in child stacks (test/fixtures/projects/user-stacks)', () => {
    const stack = 'fixture-sharded';
    let dir = '';
    let zoe = { line: '', fingerprint: '' };

    before(() => {
      dir = fixture('user-stacks');
      const line = keyPair('ed25519', 'zoe@partner').publicKey;
      zoe = { line, fingerprint: sshKeygenFingerprint(line) };
      writeFileSync(
        path.join(dir, 'users', 'zoe.libsonnet'),
        `{ sshPublicKeys: [ { key: '${line}', expires: '2026-06-15' } ] }\n`,
      );
    });

    it('finds the expired key in the child stack that holds its user, by fingerprint (the comment changed since)', async () => {
      await deploy(dir, '2026-06-01', stack);
      // The owner's comment changed in the file after the deploy: the key is the same.
      writeFileSync(
        path.join(dir, 'users', 'zoe.libsonnet'),
        `{ sshPublicKeys: [ { key: '${zoe.line.replace('zoe@partner', 'zoe-laptop')}', expires: '2026-06-15' } ] }\n`,
      );
      const r = await cli(dir, [
        'users',
        'keys',
        '--deployed',
        '--today',
        '2026-06-16',
        '--output',
        'json',
      ]);
      expect(r.status, r.stderr).to.equal(1);
      const doc = JSON.parse(r.stdout);
      expect(doc.stacks[0]).to.equal(stack);
      expect(doc.stacks.length).to.be.greaterThan(1);
      const key = doc.keys.find((k: { user: string }) => k.user === 'zoe');
      expect(key).to.deep.include({
        fingerprint: zoe.fingerprint,
        comment: 'zoe-laptop',
        deployed: true,
        matches: true,
        action: 'deploy to remove it',
      });
      expect(key.deployedIn.stack).to.not.equal(stack);
      expect(doc.stacks).to.include(key.deployedIn.stack);
      // every other user's keys are found too (none expired)
      expect(
        doc.keys
          .filter((k: { deployed: boolean }) => !k.deployed)
          .map((k: { user: string }) => k.user),
      ).to.deep.equal([]);

      const text = await cli(dir, ['users', 'keys', '--deployed', '--today', '2026-06-16']);
      expect(text.status).to.equal(1);
      expect(text.stderr).to.include(
        `zoe: key ${zoe.fingerprint} expired (last valid day 2026-06-15) and is still deployed in ${key.deployedIn.stack}: deploy to remove it`,
      );
      expect(text.stderr).to.match(
        new RegExp(`expired and still deployed \\(stack ${stack} and its \\d+ child stacks\\)`),
      );
    });

    it('after the deploy of 2026-06-16 (the child stack updated, the key left out) it passes', async () => {
      await deploy(dir, '2026-06-16', stack);
      const r = await cli(dir, ['users', 'keys', '--deployed', '--today', '2026-06-16']);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stderr).to.match(
        /no key expired and still deployed \(stack fixture-sharded and its \d+ child stacks\)/,
      );
    });
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
