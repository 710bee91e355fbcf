// The operator's whole story on real parts, once for the file: the shipped
// example gateway deployed to moto through `sftpgw deploy`, destinations put
// through `sftpgw destinations put`, and the REAL bundled push function
// (test/helpers/handler-harness.ts) run against the deployed staging bucket
// and an OpenSSH sshd on 127.0.0.1 — so every fate `sftpgw outbound status`
// reads was written by the function itself:
//   delivered  acme/orders.csv, a good file to a good destination
//   duplicate  acme/prices.csv staged twice with the same content: acme's
//              Overwrite is "never", so the second version's push finds the
//              remote name taken by an identical file (plain rename refused,
//              byte-for-byte compare; shared/sftp/remote-publish.ts). With
//              the default "replace" OpenSSH's posix-rename would simply
//              replace it and the second version would read delivered.
//   rejected   acme/readme.txt, a name acme's FilePattern (.*\.csv) refuses
//   failed     globex/invoice.csv (a pinned host key that is not the
//              server's) and initech/report.csv (a password destination on a
//              port nothing listens on); the invocation throws
//   pending    acme/later.csv, staged and never invoked
// Then the recovery: the causes fixed with `destinations put`, `outbound
// redeliver` without and with --yes, the function invoked for the new
// versions, and status, S3 and the sshd's files read back; the event for
// the delivered version arriving again (S3 sends at least once) sends nothing.
//
// moto cannot deliver S3 notifications without Docker, so the test invokes
// the function with the event S3 would send for each version (harness.event).
//
// The cases run in the order of the story and depend on it (each one starts
// from the state the one before left); run the file as a whole.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { outputSchema } from '../../cli/output-schemas/index.js';
import { defaultSecretPrefix } from '../../shared/gateway-names.js';
import {
  type HandlerHarness,
  type Invocation,
  type Staged,
  sha256,
  startHandlerHarness,
} from '../helpers/handler-harness.js';
import { keyPair, secretFragments } from '../helpers/keys.js';
import { cleanTempDirs, runCli, type RunResult } from '../helpers/project.js';
import {
  freePort,
  type Moto,
  type Sshd,
  startMoto,
  startSshd,
  startTogether,
} from '../helpers/servers.js';
import { type DeployedExample, deployExample, readTags, versionsOf } from './staging-helpers.js';

const PASSWORD = 'pw-initech-never-printed-5c1e93';
const ajv = new Ajv({ allErrors: true });
function valid(file: string, stdout: string): any {
  const doc = JSON.parse(stdout);
  const validate = ajv.compile(outputSchema(file));
  expect(validate(doc), `${file}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
  return doc;
}

/** The rows of `outbound status` text output, split into columns, by file name. */
function statusRows(stdout: string): Record<string, string[]> {
  const lines = stdout.trimEnd().split('\n');
  expect(lines[0]).to.match(/^DESTINATION\s+FILE\s+STATUS\s+WHEN\s+DETAIL$/);
  return Object.fromEntries(
    lines.slice(1).map((l) => {
      const cols = l.split(/\s{2,}/);
      return [`${cols[0]}/${cols[1]}`, cols];
    }),
  );
}

describe("the operator's story: fates the push function writes, outbound status and redeliver (moto + sshd)", function () {
  this.timeout(120_000);
  let moto: Moto;
  let sshd: Sshd;
  let gw: DeployedExample;
  let h: HandlerHarness;
  let bucket: string;
  let deadPort: number;
  /** Every CLI output of the file: no secret may be in any. */
  const outputs: string[] = [];
  /** What the function was invoked with and answered, in order. */
  const invocations: Array<{ key: string; inv: Invocation }> = [];
  /** Each staged version, by `<key>` (first) and `<key>#2` (staged again). */
  const v: Record<string, Staged> = {};
  const ORDERS = 'order,qty\n1001,3\n1002,7\n';
  const PRICES = 'sku,price\nA-1,9.90\n';
  const README = 'how to read our files\n';
  const INVOICE = `invoice ${'x'.repeat(4096)}\n`;
  let acmeDir: string;
  let globexDir: string;

  const cli = async (args: string[], input?: string): Promise<RunResult> => {
    const r =
      input === undefined ? await gw.cli(args) : runCli(args, { cwd: gw.dir, env: gw.env, input }); // stdin: the synchronous runner
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  /** `sftpgw destinations put` as the operator types it (the private key from a file). */
  const put = async (
    key: string,
    o: { pattern?: string; pin?: string; overwrite?: 'never'; password?: string; port?: number },
  ) => {
    const r = await cli(
      [
        'destinations',
        'put',
        key,
        '--host',
        '127.0.0.1',
        '--port',
        String(o.port ?? sshd.port),
        '--username',
        sshd.user,
        ...(o.password === undefined ? ['--private-key-file', 'client_key'] : ['--password-stdin']),
        '--trusted-host-key',
        o.pin ?? sshd.hostPublicKey,
        '--remote-dir',
        path.join(sshd.root, key),
        '--pattern',
        o.pattern ?? '.*\\.csv',
        ...(o.overwrite ? ['--overwrite', o.overwrite] : []),
      ],
      o.password,
    );
    expect(r.status, r.stderr).to.equal(0);
  };
  const invoke = async (o: Staged) => {
    const inv = await h.invoke(h.event([o]), 60_000);
    expect(inv.hung, `${o.key} hung`).to.equal(false);
    expect(inv.invalid, 'every line the function writes is JSON').to.deep.equal([]);
    invocations.push({ key: o.key, inv });
    return inv;
  };
  const outcome = (inv: Invocation) => inv.result?.outcomes.map((x) => x.outcome);
  const remoteFiles = (dir: string) => readdirSync(dir).sort();
  const remoteSha = (dir: string, file: string) => sha256(readFileSync(path.join(dir, file)));

  before(async function () {
    [moto, sshd] = await startTogether(startMoto(), startSshd());
    gw = await deployExample(moto);
    bucket = gw.stagingBucket;
    h = await startHandlerHarness({
      moto,
      sshd: false,
      bucket,
      prefix: defaultSecretPrefix(gw.stackName),
      gateway: gw.stackName,
    });
    deadPort = await freePort(); // nothing listens there
    writeFileSync(path.join(gw.dir, 'client_key'), sshd.clientKey.privateKey, { mode: 0o600 });
    acmeDir = path.join(sshd.root, 'acme');
    globexDir = path.join(sshd.root, 'globex');
    mkdirSync(acmeDir);
    mkdirSync(globexDir);

    await put('acme', { overwrite: 'never' });
    await put('globex', { pin: keyPair('ed25519', 'not-the-server@sftpgw-test').publicKey });
    await put('initech', { password: PASSWORD, port: deadPort });

    v['acme/orders.csv'] = await h.stage('acme/orders.csv', ORDERS);
    await invoke(v['acme/orders.csv']);
    v['acme/prices.csv'] = await h.stage('acme/prices.csv', PRICES);
    await invoke(v['acme/prices.csv']);
    v['acme/prices.csv#2'] = await h.stage('acme/prices.csv', PRICES);
    await invoke(v['acme/prices.csv#2']);
    v['acme/readme.txt'] = await h.stage('acme/readme.txt', README);
    await invoke(v['acme/readme.txt']);
    v['globex/invoice.csv'] = await h.stage('globex/invoice.csv', INVOICE);
    await invoke(v['globex/invoice.csv']);
    v['initech/report.csv'] = await h.stage('initech/report.csv', 'q1 report\n');
    await invoke(v['initech/report.csv']);
    v['acme/later.csv'] = await h.stage('acme/later.csv', 'not yet\n');
  });

  after(async function () {
    await h?.stop(); // the harness leaves moto (it did not start it) running
    await Promise.all([moto?.stop(), sshd?.stop()]);
    cleanTempDirs();
  });

  it('the function itself produced each fate: what it answered, the tags on each version, the files on the sshd', async () => {
    const by = (key: string, n = 0) => invocations.filter((i) => i.key === key)[n].inv;
    expect(outcome(by('acme/orders.csv'))).to.deep.equal(['delivered']);
    expect(outcome(by('acme/prices.csv', 0))).to.deep.equal(['delivered']);
    expect(outcome(by('acme/prices.csv', 1))).to.deep.equal(['duplicate']);
    expect(outcome(by('acme/readme.txt'))).to.deep.equal(['rejected']);
    // a failed record makes the invocation throw, so Lambda retries the event
    for (const key of ['globex/invoice.csv', 'initech/report.csv']) {
      expect(by(key).error?.name, key).to.equal('DeliveryFailedError');
      expect(by(key).error?.message, key).to.include('1 of 1 record(s) failed');
    }
    expect(by('globex/invoice.csv').error?.message).to.include('does not match TrustedHostKeys');

    const tags = (o: Staged) => readTags(gw.s3, bucket, o.key, o.versionId);
    const remote = (d: string, f: string) => path.join(d, f);
    expect(await tags(v['acme/orders.csv'])).to.include({
      'sftpgw:status': 'delivered',
      'sftpgw:detail': remote(acmeDir, 'orders.csv'),
    });
    // the first version keeps its delivered; the second, found identical on the remote, is duplicate
    expect((await tags(v['acme/prices.csv']))['sftpgw:status']).to.equal('delivered');
    expect(await tags(v['acme/prices.csv#2'])).to.include({
      'sftpgw:status': 'duplicate',
      'sftpgw:detail': remote(acmeDir, 'prices.csv'),
    });
    expect(await tags(v['acme/readme.txt'])).to.include({
      'sftpgw:status': 'rejected',
      'sftpgw:detail':
        'pattern-mismatch: file name does not match the FilePattern of destination acme',
    });
    const globex = await tags(v['globex/invoice.csv']);
    expect(globex['sftpgw:status']).to.equal('failed');
    expect(globex['sftpgw:detail']).to.match(
      new RegExp(`^host key of 127\\.0\\.0\\.1:${sshd.port} does not match TrustedHostKeys`),
    );
    const initech = await tags(v['initech/report.csv']);
    expect(initech['sftpgw:status']).to.equal('failed');
    expect(initech['sftpgw:detail']).to.include('ECONNREFUSED');
    expect(await tags(v['acme/later.csv'])).to.deep.equal({});
    for (const o of Object.values(v).filter((x) => x.key !== 'acme/later.csv'))
      expect((await tags(o))['sftpgw:time'], o.key).to.match(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);

    // the sshd holds exactly the two delivered files (no part files left), byte for byte
    expect(remoteFiles(acmeDir)).to.deep.equal(['orders.csv', 'prices.csv']);
    expect(remoteSha(acmeDir, 'orders.csv')).to.equal(sha256(ORDERS));
    expect(remoteSha(acmeDir, 'prices.csv')).to.equal(sha256(PRICES));
    expect(remoteFiles(globexDir)).to.deep.equal([]);
  });

  it('outbound status: each file with its fate and detail; the counts on stderr', async () => {
    const r = await cli(['outbound', 'status']);
    expect(r.status, r.stderr).to.equal(0);
    const rows = statusRows(r.stdout);
    expect(Object.keys(rows).sort()).to.deep.equal([
      'acme/later.csv',
      'acme/orders.csv',
      'acme/prices.csv',
      'acme/readme.txt',
      'globex/invoice.csv',
      'initech/report.csv',
    ]);
    const at = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
    expect(rows['acme/orders.csv'].slice(2)).to.deep.equal([
      'delivered',
      rows['acme/orders.csv'][3],
      path.join(acmeDir, 'orders.csv'),
    ]);
    expect(rows['acme/orders.csv'][3]).to.match(at);
    expect(rows['acme/prices.csv'][2]).to.equal('duplicate');
    expect(rows['acme/prices.csv'][4]).to.equal(
      `already on the remote: ${path.join(acmeDir, 'prices.csv')}`,
    );
    expect(rows['acme/readme.txt'][2]).to.equal('rejected');
    expect(rows['acme/readme.txt'][4]).to.equal(
      'pattern-mismatch: file name does not match the FilePattern of destination acme',
    );
    expect(rows['globex/invoice.csv'][2]).to.equal('failed');
    expect(rows['globex/invoice.csv'][4]).to.match(
      /^host key of 127\.0\.0\.1:\d+ does not match TrustedHostKeys/,
    );
    expect(rows['initech/report.csv'][2]).to.equal('failed');
    expect(rows['initech/report.csv'][4]).to.include('ECONNREFUSED');
    expect(rows['acme/later.csv'].slice(2)).to.deep.equal([
      'pending',
      rows['acme/later.csv'][3],
      'no outcome yet',
    ]);
    expect(rows['acme/later.csv'][3]).to.match(/^staged \d+s ago$/);
    expect(r.stderr).to.include(
      '6 staged files: 1 delivered, 1 duplicate, 1 rejected, 2 failed, 1 pending (6 listed)',
    );
  });

  it('outbound status --output json: valid against its schema, each fate with its detail field', async () => {
    const r = await cli(['outbound', 'status', '--output', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const doc = valid('outbound-status.schema.json', r.stdout);
    expect(doc).to.include({ stackName: gw.stackName, bucket, listed: 6 });
    expect(doc.counts).to.deep.equal({
      delivered: 1,
      duplicate: 1,
      rejected: 1,
      failed: 2,
      pending: 1,
    });
    const f = Object.fromEntries(doc.files.map((x: any) => [x.key, x]));
    expect(f['acme/orders.csv']).to.include({
      destination: 'acme',
      file: 'orders.csv',
      status: 'delivered',
      remotePath: path.join(acmeDir, 'orders.csv'),
      error: null,
    });
    expect(f['acme/prices.csv']).to.include({
      status: 'duplicate',
      remotePath: path.join(acmeDir, 'prices.csv'),
    });
    expect(f['acme/readme.txt']).to.include({
      status: 'rejected',
      code: 'pattern-mismatch',
      reason: 'file name does not match the FilePattern of destination acme',
      remotePath: null,
    });
    expect(f['globex/invoice.csv'].status).to.equal('failed');
    expect(f['globex/invoice.csv'].error).to.match(/does not match TrustedHostKeys/);
    expect(f['acme/later.csv']).to.include({ status: 'pending', at: null, error: null });
    for (const x of doc.files.filter((y: any) => y.status !== 'pending'))
      expect(new Date(x.at).getTime(), x.key).to.be.above(Date.now() - 10 * 60_000);
  });

  it('--status and --destination narrow the list', async () => {
    const failed = await cli(['outbound', 'status', '--status', 'failed']);
    expect(failed.status, failed.stderr).to.equal(0);
    expect(Object.keys(statusRows(failed.stdout)).sort()).to.deep.equal([
      'globex/invoice.csv',
      'initech/report.csv',
    ]);
    expect(failed.stderr).to.include('2 staged files: 2 failed (6 listed)');
    const acme = valid(
      'outbound-status.schema.json',
      (await cli(['outbound', 'status', '--destination', 'acme', '--output', 'json'])).stdout,
    );
    expect(acme.files.map((x: any) => `${x.file} ${x.status}`)).to.deep.equal([
      'later.csv pending',
      'orders.csv delivered',
      'prices.csv duplicate',
      'readme.txt rejected',
    ]);
    expect(acme.listed).to.equal(4);
    const both = await cli(['outbound', 'status', '--destination', 'acme', '--status', 'rejected']);
    expect(Object.keys(statusRows(both.stdout))).to.deep.equal(['acme/readme.txt']);
  });

  it('rejected → fixed: the pattern widened with destinations put; redeliver without --yes changes nothing, with --yes a clean new version', async () => {
    await put('acme', { pattern: '.*\\.(csv|txt)', overwrite: 'never' });
    const key = 'acme/readme.txt';
    const before = await versionsOf(gw.s3, bucket, key);
    expect(before).to.deep.equal([v[key].versionId]);

    const dry = await cli([
      'outbound',
      'redeliver',
      '--destination',
      'acme',
      '--status',
      'rejected',
    ]);
    expect(dry.status, dry.stderr).to.equal(0);
    expect(dry.stdout).to.match(
      /^readme\.txt\s+re-stage\s+rejected: pattern-mismatch: file name does not match the FilePattern of destination acme$/m,
    );
    expect(dry.stdout).to.not.match(/orders\.csv|prices\.csv|later\.csv/);
    expect(dry.stderr).to.include(
      'not a terminal and no --yes: nothing re-staged, nothing changed',
    );
    expect(await versionsOf(gw.s3, bucket, key)).to.deep.equal(before);
    expect((await readTags(gw.s3, bucket, key))['sftpgw:status']).to.equal('rejected');

    const run = await cli([
      'outbound',
      'redeliver',
      '--destination',
      'acme',
      '--status',
      'rejected',
      '--yes',
      '--output',
      'json',
    ]);
    expect(run.status, run.stderr).to.equal(0);
    const doc = valid('outbound-redeliver.schema.json', run.stdout);
    expect(doc.items.map((i: any) => `${i.key} ${i.outcome}`)).to.deep.equal([
      'acme/readme.txt restaged',
    ]);
    const after = await versionsOf(gw.s3, bucket, key);
    expect(after).to.have.length(2);
    expect(after[1]).to.equal(v[key].versionId);
    expect(doc.items[0].newVersionId).to.equal(after[0]);
    expect(await readTags(gw.s3, bucket, key), 'the new version starts with no fate').to.deep.equal(
      {},
    );
    v[`${key}#2`] = { key, versionId: after[0], size: Buffer.byteLength(README) };
  });

  it('the function run for the new version delivers it: status says delivered, the sshd holds it byte for byte, the others untouched', async () => {
    const key = 'acme/readme.txt';
    const untouched = await snapshot(['acme/orders.csv', 'acme/prices.csv', 'acme/later.csv']);
    // the event S3 would send for the re-staged version (moto sends none without Docker)
    const inv = await invoke(v[`${key}#2`]);
    expect(inv.error, inv.error?.message).to.equal(undefined);
    expect(outcome(inv)).to.deep.equal(['delivered']);
    expect(await readTags(gw.s3, bucket, key)).to.include({
      'sftpgw:status': 'delivered',
      'sftpgw:detail': path.join(acmeDir, 'readme.txt'),
    });
    expect(remoteSha(acmeDir, 'readme.txt')).to.equal(sha256(README));
    expect(remoteFiles(acmeDir)).to.deep.equal(['orders.csv', 'prices.csv', 'readme.txt']);
    const r = await cli(['outbound', 'status', '--destination', 'acme']);
    expect(statusRows(r.stdout)[key].slice(2, 3)).to.deep.equal(['delivered']);
    expect(statusRows(r.stdout)[key][4]).to.equal(path.join(acmeDir, 'readme.txt'));
    expect(await snapshot(['acme/orders.csv', 'acme/prices.csv', 'acme/later.csv'])).to.deep.equal(
      untouched,
    );
    expect(await versionsOf(gw.s3, bucket, 'acme/orders.csv')).to.deep.equal([
      v['acme/orders.csv'].versionId,
    ]);
  });

  it('failed → fixed: the right host key pinned, redeliver --status failed --yes, the function delivers the new version', async () => {
    await put('globex', {});
    const key = 'globex/invoice.csv';
    const run = await cli([
      'outbound',
      'redeliver',
      '--destination',
      'globex',
      '--status',
      'failed',
      '--yes',
    ]);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^invoice\.csv\s+re-stage\s+failed: host key of /m);
    expect(run.stderr).to.include('1 file re-staged, 0 skipped, 0 refused, 0 failed');
    const versions = await versionsOf(gw.s3, bucket, key);
    expect(versions).to.have.length(2);
    expect(await readTags(gw.s3, bucket, key)).to.deep.equal({});
    const inv = await invoke({ key, versionId: versions[0], size: INVOICE.length });
    expect(inv.error, inv.error?.message).to.equal(undefined);
    expect(outcome(inv)).to.deep.equal(['delivered']);
    expect(remoteFiles(globexDir)).to.deep.equal(['invoice.csv']);
    expect(remoteSha(globexDir, 'invoice.csv')).to.equal(sha256(INVOICE));
    // the old version keeps the record of its failure
    expect((await readTags(gw.s3, bucket, key, versions[1]))['sftpgw:status']).to.equal('failed');
    const status = await cli(['outbound', 'status', '--output', 'json']);
    const doc = valid('outbound-status.schema.json', status.stdout);
    expect(doc.counts).to.deep.equal({
      delivered: 3,
      duplicate: 1,
      rejected: 0,
      failed: 1,
      pending: 1,
    });
  });

  it('a second redeliver run does nothing more: nothing chosen, no version added', async () => {
    const keys = [
      'acme/orders.csv',
      'acme/prices.csv',
      'acme/readme.txt',
      'acme/later.csv',
      'globex/invoice.csv',
    ];
    const before = await snapshot(keys);
    for (const d of ['acme', 'globex']) {
      const again = await cli(['outbound', 'redeliver', '--destination', d, '--yes']);
      expect(again.status, again.stderr).to.equal(0);
      expect(again.stdout).to.equal(
        `nothing to redeliver: no rejected or failed files in s3://${bucket}/${d}/\n`,
      );
    }
    expect(await snapshot(keys)).to.deep.equal(before);
  });

  it('the event for the delivered version arriving again (at least once): duplicate, nothing sent, its tags as they were', async () => {
    const o = v['acme/orders.csv'];
    const tagsBefore = await readTags(gw.s3, bucket, o.key, o.versionId);
    const remote = path.join(acmeDir, 'orders.csv');
    const mtime = statSync(remote).mtimeMs;
    const inv = await invoke(o);
    expect(inv.error, inv.error?.message).to.equal(undefined);
    expect(outcome(inv)).to.deep.equal(['duplicate']);
    expect(await readTags(gw.s3, bucket, o.key, o.versionId)).to.deep.equal(tagsBefore);
    expect(statSync(remote).mtimeMs).to.equal(mtime);
    expect(remoteFiles(acmeDir)).to.deep.equal(['orders.csv', 'prices.csv', 'readme.txt']);
  });

  it('no secret in any CLI output, any line the function wrote, or any fate tag', async () => {
    const never = [PASSWORD, ...secretFragments(sshd.clientKey.privateKey)];
    const tagText: string[] = [];
    for (const key of new Set(Object.values(v).map((o) => o.key)))
      for (const id of await versionsOf(gw.s3, bucket, key))
        tagText.push(JSON.stringify(await readTags(gw.s3, bucket, key, id)));
    expect(h.allLines.length).to.be.above(0);
    for (const [what, texts] of [
      ['CLI output', outputs],
      ['function log line', h.allLines],
      ['fate tag', tagText],
    ] as const)
      for (const text of texts) for (const s of never) expect(text, what).to.not.include(s);
  });

  /** Every key's versions and current tags: what "untouched" compares. */
  async function snapshot(keys: string[]) {
    const out: Record<string, unknown> = {};
    for (const key of keys)
      out[key] = {
        versions: await versionsOf(gw.s3, bucket, key),
        tags: await readTags(gw.s3, bucket, key),
      };
    return out;
  }
});
