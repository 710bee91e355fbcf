// Ctrl-C and change sets in review, as processes against a real moto on
// 127.0.0.1: the CLI is interrupted at a phase it really is in, and says in
// ONE line what it left; a deploy that finds a change set waiting for review
// names it and refuses, asks on a terminal, or replaces it when told.
//
// Catching a phase: moto answers at once, so the CLI is held where a slow
// AWS would hold it — the throttling proxy (test/helpers/throttling-proxy.ts)
// leaves one chosen call unanswered (no test hook in the CLI) — or at the
// terminal prompt, through a real pseudo-terminal (util-linux `script`),
// where Ctrl-C is the byte \x03 as a keyboard sends it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  ListChangeSetsCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import {
  cleanTempDirs,
  cliBin,
  exampleProject,
  runCli,
  tempDir,
  type RunResult,
} from '../helpers/project.js';
import { startMoto, type Moto } from '../helpers/servers.js';
import { keyPair } from '../helpers/keys.js';
import { startThrottlingProxy, type ThrottlingProxy } from '../helpers/throttling-proxy.js';

const ARTIFACTS = 'sftpgw-interrupt-artifacts';

/** A CLI process the test can signal; its output and exit as they come. */
interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output (stdout and stderr) matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

function watch(child: ChildProcess): Running {
  let out = '';
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const take = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0))
      if (w.re.test(out)) w.resolve();
      else waiters.push(w);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('close', (status, signal) => r({ status, signal })),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor: (re, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(out)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`no ${re} within ${timeoutMs} ms; output:\n${out}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          if (re.test(out)) resolve();
          else reject(new Error(`exited before ${re}; output:\n${out}`));
        });
      }),
  };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('Ctrl-C and change sets in review (processes against moto)', function () {
  this.timeout(120_000);
  let moto: Moto;
  let proxy: ThrottlingProxy;
  let cfn: CloudFormationClient;
  let env: Record<string, string>;
  const started: ChildProcess[] = [];

  before(async function () {
    moto = await startMoto();
    env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
    });
    await s3.send(new CreateBucketCommand({ Bucket: ARTIFACTS }));
    proxy = await startThrottlingProxy(moto.endpoint);
  });

  afterEach(function () {
    proxy.reset();
    // A CLI a failed test left running is stopped by its PID.
    for (const c of started.splice(0))
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  after(async function () {
    await proxy?.close();
    await moto?.stop();
    cleanTempDirs();
  });

  /** A project whose template moto creates; `retention` changes the queue. */
  function project(stackName: string, retention = 600): { dir: string; set(r: number): void } {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'sftpgw.yaml'),
      `stackName: ${stackName}\nartifacts:\n  bucket: ${ARTIFACTS}\n`,
    );
    const set = (r: number) =>
      writeFileSync(
        path.join(dir, 'template.json'),
        JSON.stringify({
          Resources: {
            Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: r } },
          },
        }),
      );
    set(retention);
    return { dir, set };
  }

  const cli = (dir: string, args: string[]): RunResult => runCli(args, { cwd: dir, env });

  /** The CLI as a process of its own, CloudFormation (and S3) through the proxy. */
  function spawnCli(
    dir: string,
    args: string[],
    through: 'cloudformation' | 'both' = 'cloudformation',
    extra: Record<string, string> = {},
  ) {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: dir,
      env: {
        ...process.env,
        ...env,
        NO_COLOR: '1',
        AWS_ENDPOINT_URL_CLOUDFORMATION: proxy.endpoint,
        ...(through === 'both' ? { AWS_ENDPOINT_URL_S3: proxy.endpoint } : {}),
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    return watch(child);
  }

  /** The CLI on a pseudo-terminal (stdin, stdout and stderr are a TTY): keys are written to it. */
  function onTerminal(dir: string, args: string[]) {
    const command = [process.execPath, cliBin, ...args].map(shellQuote).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    started.push(child);
    return watch(child);
  }

  async function changeSets(stackName: string) {
    const out = await cfn.send(new ListChangeSetsCommand({ StackName: stackName }));
    return (out.Summaries ?? []).filter((s) => s.StackName === stackName);
  }
  const inReview = async (stackName: string) =>
    (await changeSets(stackName))
      .filter((s) => s.ExecutionStatus === 'AVAILABLE')
      .map((s) => s.ChangeSetName!);

  /** The one line the CLI printed on the signal, and that it is the last line. */
  function interruptLine(output: string): string {
    const lines = output.trimEnd().split(/\r?\n/);
    const hits = lines.filter((l) => /sftpgw \S+( \S+)? (interrupted|terminated) \(/.test(l));
    expect(hits, output).to.have.length(1);
    expect(lines.at(-1), 'the line is the last thing printed').to.equal(hits[0]);
    return hits[0];
  }

  describe('a change set waiting for review', function () {
    it('moto keeps it as AWS does: CREATE_COMPLETE, AVAILABLE, with its description and creation time', async function () {
      const p = project('intr-moto-status');
      expect(cli(p.dir, ['deploy', '--template', 'template.json', '--yes']).status).to.equal(0);
      p.set(900);
      const review = cli(p.dir, ['deploy', '--template', 'template.json', '--no-execute']);
      expect(review.status, review.stderr).to.equal(0);
      const cs = (await changeSets('intr-moto-status')).find(
        (c) => c.Status !== 'FAILED' && c.ExecutionStatus !== 'EXECUTE_COMPLETE',
      )!;
      const described = await cfn.send(
        new DescribeChangeSetCommand({
          StackName: 'intr-moto-status',
          ChangeSetName: cs.ChangeSetName,
        }),
      );
      expect([described.Status, described.ExecutionStatus]).to.deep.equal([
        'CREATE_COMPLETE',
        'AVAILABLE',
      ]);
      expect([cs.Status, cs.ExecutionStatus, cs.Description]).to.deep.equal([
        'CREATE_COMPLETE',
        'AVAILABLE',
        'sftpgw deploy',
      ]);
      expect(cs.CreationTime).to.be.instanceOf(Date);
    });

    it('a later deploy in CI names it and refuses; --execute NAME runs it; --replace-pending replaces it; only stale ones go silently', async function () {
      const stack = 'intr-pending';
      const p = project(stack);
      expect(cli(p.dir, ['deploy', '--template', 'template.json', '--yes']).status).to.equal(0);
      p.set(900);
      const review = cli(p.dir, ['deploy', '--template', 'template.json', '--no-execute']);
      const name = /apply it with: sftpgw deploy --execute (sftpgw-\S+)/.exec(review.stdout)![1];

      p.set(1200);
      const refused = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
      expect(refused.status, refused.stderr).to.equal(1);
      expect(refused.stderr).to.match(
        new RegExp(
          `error: stack ${stack} has a change set waiting for review: ${name} \\(created \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, made by sftpgw deploy\\)`,
        ),
      );
      expect(refused.stderr).to.include(`sftpgw deploy --execute ${name} --stack-name ${stack}`);
      expect(refused.stderr).to.include(
        `aws cloudformation delete-change-set --stack-name ${stack} --change-set-name ${name}`,
      );
      expect(refused.stderr).to.include('--replace-pending');
      expect(refused.stderr).to.include(
        "when one change set executes, CloudFormation deletes the stack's other change sets",
      );
      expect(await inReview(stack), 'neither deleted nor executed over').to.deep.equal([name]);

      // sftpgw's own change set nobody can execute (here: an empty one, FAILED) is stale.
      await cfn.send(
        new CreateChangeSetCommand({
          StackName: stack,
          ChangeSetName: 'sftpgw-stale-empty',
          ChangeSetType: 'UPDATE',
          TemplateBody: JSON.stringify({
            Resources: {
              Queue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 600 } },
            },
          }),
          Description: 'sftpgw deploy',
        }),
      );
      expect(
        (await changeSets(stack)).find((c) => c.ChangeSetName === 'sftpgw-stale-empty')?.Status,
      ).to.equal('FAILED');

      const replaced = cli(p.dir, [
        'deploy',
        '--template',
        'template.json',
        '--yes',
        '--replace-pending',
      ]);
      expect(replaced.status, replaced.stderr).to.equal(0);
      expect(replaced.stderr).to.include('deleting stale change set sftpgw-stale-empty (FAILED)');
      expect(replaced.stderr).to.match(
        new RegExp(
          `deleting change set ${name}, waiting for review \\(created .* UTC, made by sftpgw deploy\\)`,
        ),
      );
      expect(replaced.stdout).to.include(`${stack}: UPDATE_COMPLETE`);
      expect((await changeSets(stack)).map((c) => c.ChangeSetName)).not.to.include.members([
        name,
        'sftpgw-stale-empty',
      ]);

      // --execute NAME on one that exists works (and says which others CloudFormation drops);
      // on one that does not, a clear error naming those in review.
      p.set(300);
      const a = cli(p.dir, ['deploy', '--template', 'template.json', '--no-execute']);
      const first = /apply it with: sftpgw deploy --execute (sftpgw-\S+)/.exec(a.stdout)![1];
      const missing = cli(p.dir, [
        'deploy',
        '--execute',
        'sftpgw-20990101000000-deadbeef',
        '--yes',
      ]);
      expect(missing.status).to.equal(1);
      expect(missing.stderr).to.include(
        `error: no change set sftpgw-20990101000000-deadbeef on stack ${stack}`,
      );
      expect(missing.stderr).to.include(`waiting for review on ${stack}: ${first} (created`);
      const applied = cli(p.dir, ['deploy', '--execute', first, '--yes']);
      expect(applied.status, applied.stderr).to.equal(0);
      expect(applied.stdout).to.include(`${stack}: UPDATE_COMPLETE`);
    });

    it('a stack only a CREATE change set made (REVIEW_IN_PROGRESS): refused the same way, replaced with --replace-pending', async function () {
      const stack = 'intr-review-shell';
      const p = project(stack);
      const ci = cli(p.dir, ['deploy', '--template', 'template.json']);
      expect(ci.status, ci.stderr).to.equal(0);
      const [name] = await inReview(stack);
      const refused = cli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
      expect(refused.status).to.equal(1);
      expect(refused.stderr).to.include(
        `error: stack ${stack} has a change set waiting for review: ${name} (created`,
      );
      expect(await inReview(stack)).to.deep.equal([name]);
      const replaced = cli(p.dir, [
        'deploy',
        '--template',
        'template.json',
        '--yes',
        '--replace-pending',
      ]);
      expect(replaced.status, replaced.stderr).to.equal(0);
      expect(replaced.stdout).to.include(`${stack}: CREATE_COMPLETE`);
    });

    it('on a terminal it asks: no refuses, yes deletes it and goes on', async function () {
      const stack = 'intr-ask';
      const p = project(stack);
      expect(cli(p.dir, ['deploy', '--template', 'template.json', '--yes']).status).to.equal(0);
      p.set(900);
      const review = cli(p.dir, ['deploy', '--template', 'template.json', '--no-execute']);
      const name = /apply it with: sftpgw deploy --execute (sftpgw-\S+)/.exec(review.stdout)![1];
      p.set(1200);

      const no = onTerminal(p.dir, ['deploy', '--template', 'template.json', '--yes']);
      await no.waitFor(/waiting for review: .*Delete it and create a new one\?.*\[y\/N\]/s);
      no.child.stdin!.write('n\r');
      expect((await no.exited).status, no.output()).to.equal(1);
      expect(no.output()).to.include(
        `error: stack ${stack} has a change set waiting for review: ${name}`,
      );
      expect(await inReview(stack)).to.deep.equal([name]);

      const yes = onTerminal(p.dir, ['deploy', '--template', 'template.json', '--yes']);
      await yes.waitFor(/Delete it and create a new one\?.*\[y\/N\]/s);
      yes.child.stdin!.write('y\r');
      expect((await yes.exited).status, yes.output()).to.equal(0);
      expect(yes.output()).to.include(`deleting change set ${name}, waiting for review`);
      expect(yes.output()).to.include(`${stack}: UPDATE_COMPLETE`);
    });
  });

  describe('interrupted: one line, what is left, exit 130 (SIGINT) or 143 (SIGTERM)', function () {
    it('Ctrl-C at the prompt: the change set is left for review, with the commands to run or delete it', async function () {
      const stack = 'intr-prompt';
      const p = project(stack);
      const run = onTerminal(p.dir, ['deploy', '--template', 'template.json']);
      await run.waitFor(/Execute change set (sftpgw-\S+) on intr-prompt\? \[y\/N\]/);
      const name = /Execute change set (sftpgw-\S+) on/.exec(run.output())![1];
      run.child.stdin!.write('\x03');
      expect((await run.exited).status, run.output()).to.equal(130);
      expect(interruptLine(run.output())).to.equal(
        `sftpgw deploy interrupted (Ctrl-C): change set ${name} of ${stack} is left for review, not executed; run it with sftpgw deploy --execute ${name} --stack-name ${stack}, or delete it with aws cloudformation delete-change-set --stack-name ${stack} --change-set-name ${name}`,
      );
      expect(await inReview(stack)).to.deep.equal([name]);
      // What it printed works.
      expect(cli(p.dir, ['deploy', '--execute', name, '--yes']).status).to.equal(0);
    });

    it('SIGINT while the stack is being changed: CloudFormation goes on, nothing is rolled back, how to watch it', async function () {
      const stack = 'intr-executing';
      const p = project(stack);
      // The first look at the stack's events after ExecuteChangeSet is held: the CLI is watching.
      const held = proxy.hold(/^DescribeStackEvents$/, 'ExecuteChangeSet');
      const run = spawnCli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
      await held;
      run.child.kill('SIGINT');
      const { status } = await run.exited;
      expect(status, run.output()).to.equal(130);
      const name = /executing change set (sftpgw-\S+)/.exec(run.output())![1];
      expect(interruptLine(run.output())).to.equal(
        `sftpgw deploy interrupted (Ctrl-C) while CloudFormation creates stack ${stack} (change set ${name}): CloudFormation goes on, and interrupting does not roll it back; watch it with sftpgw info or aws cloudformation describe-stack-events --stack-name ${stack}`,
      );
    });

    it('SIGTERM while a change set is planned (deploy) and SIGINT while a diff previews: each says what it left', async function () {
      const stack = 'intr-planning';
      const p = project(stack);
      expect(cli(p.dir, ['deploy', '--template', 'template.json', '--yes']).status).to.equal(0);
      p.set(900);
      // GetTemplate after CreateChangeSet: the plan reads the deployed template.
      let held = proxy.hold(/^GetTemplate$/, 'CreateChangeSet');
      const deploy = spawnCli(p.dir, ['deploy', '--template', 'template.json', '--yes']);
      await held;
      deploy.child.kill('SIGTERM');
      expect((await deploy.exited).status, deploy.output()).to.equal(143);
      const [name] = await inReview(stack);
      expect(interruptLine(deploy.output())).to.equal(
        `sftpgw deploy terminated (SIGTERM): change set ${name} of ${stack} is left for review, not executed; run it with sftpgw deploy --execute ${name} --stack-name ${stack}, or delete it with aws cloudformation delete-change-set --stack-name ${stack} --change-set-name ${name}`,
      );
      expect(cli(p.dir, ['deploy', '--execute', name, '--yes']).status).to.equal(0);

      p.set(1200);
      proxy.reset();
      held = proxy.hold(/^GetTemplate$/, 'CreateChangeSet');
      const diff = spawnCli(p.dir, ['diff', '--template', 'template.json']);
      await held;
      diff.child.kill('SIGINT');
      expect((await diff.exited).status, diff.output()).to.equal(130);
      const [preview] = await inReview(stack);
      expect(interruptLine(diff.output())).to.equal(
        `sftpgw diff interrupted (Ctrl-C): its preview change set ${preview} of ${stack} is left and was never executed; delete it with aws cloudformation delete-change-set --stack-name ${stack} --change-set-name ${preview}`,
      );
    });

    it('SIGINT while package uploads: S3 keeps no partial object; run it again', async function () {
      const dir = exampleProject();
      const held = proxy.hold(new RegExp(`^PUT /${ARTIFACTS}/`));
      const run = spawnCli(
        dir,
        ['package', '--no-lint', '--s3-bucket', ARTIFACTS, '--s3-prefix', 'intr'],
        'both',
      );
      await held;
      run.child.kill('SIGINT');
      expect((await run.exited).status, run.output()).to.equal(130);
      expect(interruptLine(run.output())).to.match(
        new RegExp(
          `^sftpgw package interrupted \\(Ctrl-C\\) while uploading s3://${ARTIFACTS}/intr/handler/[0-9a-f]{64}\\.zip: S3 keeps no partial object, so nothing half-written is left; run it again$`,
        ),
      );
      expect(existsSync(path.join(dir, 'dist/gateway/default/packaged/template.json'))).to.equal(
        false,
      );
    });

    it('SIGINT while a destination secret is written or deleted: what Secrets Manager holds, and what to run', async function () {
      const dir = exampleProject();
      const key = keyPair('ed25519', 'intr@sftpgw');
      writeFileSync(path.join(dir, 'intr_ed25519'), key.privateKey);
      const put = (cmd: string[]) =>
        spawnCli(dir, cmd, 'cloudformation', { AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.endpoint });
      const args = [
        'destinations',
        'put',
        'intr',
        '--host',
        'sftp.partner.example',
        '--username',
        'gw',
        '--private-key-file',
        'intr_ed25519',
        '--trusted-host-key',
        key.publicKey,
        '--remote-dir',
        '/in',
        '--pattern',
        '^.*$',
      ];
      const held = proxy.hold(/^CreateSecret$/);
      const run = put(args);
      await held;
      run.child.kill('SIGINT');
      expect((await run.exited).status, run.output()).to.equal(130);
      expect(interruptLine(run.output())).to.match(
        /^sftpgw destinations put interrupted \(Ctrl-C\) while creating secret sftpgw\/sftpgw-example\/intr: Secrets Manager stores a value whole or not at all, so it holds the old value or the new one \(its tag may still be missing\); run the same command again$/,
      );
      expect(run.output(), 'no key material').to.not.include('PRIVATE KEY');
      proxy.reset();
      // Stored (the held call went nowhere): now the deletion is held.
      expect(cli(dir, args).status).to.equal(0);
      const removing = proxy.hold(/^DeleteSecret$/);
      const rm = put(['destinations', 'remove', 'intr', '--yes']);
      await removing;
      rm.child.kill('SIGINT');
      expect((await rm.exited).status, rm.output()).to.equal(130);
      expect(interruptLine(rm.output())).to.equal(
        'sftpgw destinations remove interrupted (Ctrl-C) while asking Secrets Manager to delete sftpgw/sftpgw-example/intr: it is either scheduled for deletion or unchanged; sftpgw destinations list shows which',
      );
    });

    it('build, interrupted while cfn-lint runs: nothing was written', async function () {
      const dir = exampleProject();
      const run = spawnCli(dir, ['build']);
      await run.waitFor(/running cfn-lint/);
      run.child.kill('SIGINT');
      expect((await run.exited).status, run.output()).to.equal(130);
      expect(interruptLine(run.output())).to.equal(
        'sftpgw build interrupted (Ctrl-C); nothing was written',
      );
      expect(existsSync(path.join(dir, 'dist/gateway/default/template.json'))).to.equal(false);
    });
  });
});
