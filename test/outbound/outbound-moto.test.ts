// `sftpgw outbound status` and `redeliver` against the shipped example
// gateway deployed to moto through the CLI (once for the file): objects are
// staged in the deployed staging bucket in every state — fates written with
// the shared definition (staging-helpers.ts) — plus user tags, metadata and
// keys that are not <destination>/<file>; then the commands run as processes
// and what S3 holds afterwards (versions, tags, metadata, content,
// encryption) is read back, not only the output.
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { outputSchema } from '../../cli/output-schemas/index.js';
import { cleanTempDirs } from '../helpers/project.js';
import { type Moto, startMoto } from '../helpers/servers.js';
import {
  bodyOf,
  type DeployedExample,
  deployExample,
  headOf,
  readTags,
  recordFate,
  type Staged,
  stageObject,
  versionsOf,
} from './staging-helpers.js';

const ajv = new Ajv({ allErrors: true });
function valid(file: string, stdout: string): any {
  const doc = JSON.parse(stdout);
  const validate = ajv.compile(outputSchema(file));
  expect(validate(doc), `${file}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
  return doc;
}

describe('sftpgw outbound status | redeliver against the example gateway in moto', function () {
  this.timeout(300_000);
  let moto: Moto;
  let gw: DeployedExample;
  let bucket: string;
  const staged: Record<string, Staged> = {};
  let lateFrom: Date;
  const USER_TAGS = { team: 'ops', 'cost center': 'cc 1000' };

  before(async function () {
    moto = await startMoto();
    gw = await deployExample(moto);
    bucket = gw.stagingBucket;
    const stage = async (key: string, opts: Parameters<typeof stageObject>[3] = {}) => {
      staged[key] = await stageObject(gw.s3, bucket, key, opts);
    };
    await stage('acme/delivered.csv', { tags: { team: 'ops' } });
    await recordFate(gw.s3, bucket, 'acme/delivered.csv', {
      status: 'delivered',
      remotePath: '/incoming/delivered.csv',
    });
    await stage('acme/duplicate.csv');
    await recordFate(gw.s3, bucket, 'acme/duplicate.csv', {
      status: 'duplicate',
      remotePath: '/incoming/duplicate.csv',
    });
    await stage('acme/rejected.csv', {
      tags: USER_TAGS,
      metadata: { source: 'erp' },
      contentType: 'text/csv',
    });
    await recordFate(gw.s3, bucket, 'acme/rejected.csv', {
      status: 'rejected',
      code: 'pattern-mismatch',
      reason: 'file name does not match FilePattern',
    });
    await stage('acme/failed.csv');
    await recordFate(gw.s3, bucket, 'acme/failed.csv', {
      status: 'failed',
      error: 'connect ECONNREFUSED 192.0.2.10:22',
    });
    await stage('beta/rejected.txt');
    await recordFate(gw.s3, bucket, 'beta/rejected.txt', {
      status: 'rejected',
      code: 'pattern-mismatch',
    });
    await stage('stray.txt');
    await stage('acme/sub/nested.csv');
    // staged a moment later: what --since <between> keeps
    await new Promise((r) => setTimeout(r, 1_100));
    lateFrom = new Date();
    await new Promise((r) => setTimeout(r, 1_100));
    await stage('acme/pending.csv');
  });

  after(async function () {
    await moto?.stop();
    cleanTempDirs();
  });

  describe('status', () => {
    it('lists every staged object with its fate: a table on stdout, the counts on stderr', async () => {
      const r = await gw.cli(['outbound', 'status']);
      expect(r.status, r.stderr).to.equal(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).to.match(/^DESTINATION\s+FILE\s+STATUS\s+WHEN\s+DETAIL$/);
      const row = (file: string) => lines.find((l) => l.includes(` ${file} `))!.split(/\s{2,}/);
      expect(row('delivered.csv').slice(0, 3)).to.deep.equal([
        'acme',
        'delivered.csv',
        'delivered',
      ]);
      expect(row('delivered.csv')[3]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(row('delivered.csv')[4]).to.equal('/incoming/delivered.csv');
      expect(row('duplicate.csv')[4]).to.equal('already on the remote: /incoming/duplicate.csv');
      expect(row('rejected.csv')[4]).to.equal(
        'pattern-mismatch: file name does not match FilePattern',
      );
      expect(row('failed.csv')[4]).to.equal('connect ECONNREFUSED 192.0.2.10:22');
      expect(row('pending.csv')[2]).to.equal('pending');
      expect(row('pending.csv')[4]).to.equal('no outcome yet');
      expect(row('pending.csv')[3]).to.match(/^staged \d+s ago$/);
      expect(row('stray.txt').slice(0, 3)).to.deep.equal(['-', 'stray.txt', 'pending']);
      expect(row('stray.txt')[4]).to.match(
        /not <destination>\/<file>: object key has no destination segment/,
      );
      expect(row('sub/nested.csv')[4]).to.match(/file name contains a path separator/);
      expect(lines).to.have.length(1 + 8);
      expect(r.stderr).to.include(
        '8 staged files: 1 delivered, 1 duplicate, 2 rejected, 1 failed, 3 pending (8 listed)',
      );
    });

    it('pages through the bucket (--page-size 2) with the same result', async () => {
      const whole = await gw.cli(['outbound', 'status']);
      const paged = await gw.cli(['outbound', 'status', '--page-size', '2']);
      expect(paged.status, paged.stderr).to.equal(0);
      const rows = (s: string) =>
        s
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((l) =>
            l
              .split(/\s{2,}/)
              .slice(0, 3)
              .join(' '),
          );
      expect(rows(paged.stdout)).to.deep.equal(rows(whole.stdout));
      expect(paged.stderr).to.include('(8 listed)');
    });

    it('--output json: one document valid against its schema, every key present', async () => {
      const r = await gw.cli(['outbound', 'status', '--output', 'json']);
      expect(r.status, r.stderr).to.equal(0);
      const doc = valid('outbound-status.schema.json', r.stdout);
      expect(doc).to.include({
        stackName: gw.stackName,
        bucket,
        destination: null,
        status: null,
        since: null,
        listed: 8,
      });
      expect(doc.counts).to.deep.equal({
        delivered: 1,
        duplicate: 1,
        rejected: 2,
        failed: 1,
        pending: 3,
      });
      const byKey = Object.fromEntries(doc.files.map((f: any) => [f.key, f]));
      expect(byKey['acme/rejected.csv']).to.include({
        destination: 'acme',
        file: 'rejected.csv',
        keyProblem: null,
        status: 'rejected',
        code: 'pattern-mismatch',
        reason: 'file name does not match FilePattern',
        remotePath: null,
        error: null,
      });
      expect(byKey['acme/delivered.csv']).to.include({
        status: 'delivered',
        remotePath: '/incoming/delivered.csv',
      });
      expect(byKey['stray.txt']).to.include({
        destination: null,
        file: 'stray.txt',
        status: 'pending',
        at: null,
      });
      expect(byKey['stray.txt'].keyProblem).to.match(/no destination segment/);
    });

    it('--destination, --status and --since narrow the list; nothing matched says so, exit 0', async () => {
      const acme = JSON.parse(
        (await gw.cli(['outbound', 'status', '--destination', 'acme', '--output', 'json'])).stdout,
      );
      expect(acme.files.map((f: any) => f.key).sort()).to.deep.equal([
        'acme/delivered.csv',
        'acme/duplicate.csv',
        'acme/failed.csv',
        'acme/pending.csv',
        'acme/rejected.csv',
        'acme/sub/nested.csv',
      ]);
      expect(acme.listed).to.equal(6);
      const rejected = await gw.cli(['outbound', 'status', '--status', 'rejected']);
      expect(
        rejected.stdout
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((l) => l.split(/\s{2,}/)[1]),
      ).to.deep.equal(['rejected.csv', 'rejected.txt']);
      expect(rejected.stderr).to.include('2 staged files: 2 rejected (8 listed)');
      const late = await gw.cli([
        'outbound',
        'status',
        '--since',
        lateFrom.toISOString(),
        '--output',
        'json',
      ]);
      const doc = valid('outbound-status.schema.json', late.stdout);
      expect(doc.files.map((f: any) => f.key)).to.deep.equal(['acme/pending.csv']);
      expect(doc.since).to.equal(lateFrom.toISOString());
      const none = await gw.cli([
        'outbound',
        'status',
        '--destination',
        'beta',
        '--status',
        'failed',
      ]);
      expect(none.status).to.equal(0);
      expect(none.stdout).to.equal(`no staged files in s3://${bucket}/beta/ with status failed\n`);
      const recent = await gw.cli(['outbound', 'status', '--since', '1h', '--status', 'delivered']);
      expect(recent.stdout).to.include('delivered.csv');
    });

    it('--help of the group and both commands has examples', async () => {
      for (const c of [[], ['status'], ['redeliver']]) {
        const r = await gw.cli(['outbound', ...c, '--help']);
        expect(r.status, c.join(' ')).to.equal(0);
        expect(r.stdout, c.join(' ')).to.include('Examples:');
      }
    });

    it('bad input: an unknown --status names the choices, a bad --destination names the pattern (exit 2)', async () => {
      const bogus = await gw.cli(['outbound', 'status', '--status', 'bogus']);
      expect(bogus.status).to.equal(2);
      expect(bogus.stderr).to.include(
        'Allowed choices are delivered, duplicate, rejected, failed, pending',
      );
      const dest = await gw.cli(['outbound', 'status', '--destination', 'acme/x']);
      expect(dest.status).to.equal(2);
      expect(dest.stderr).to.include('--destination "acme/x": not a destination key');
      const since = await gw.cli(['outbound', 'status', '--since', 'yesterday']);
      expect(since.status).to.equal(2);
      expect(since.stderr).to.include('--since');
      const page = await gw.cli(['outbound', 'status', '--page-size', '5000']);
      expect(page.status).to.equal(2);
      expect(page.stderr).to.include('from 1 to 1000');
    });

    it('a stack that does not exist, and one without outbound: errors that say what to check or deploy (exit 1)', async () => {
      const missing = await gw.cli(['outbound', 'status', '--stack-name', 'no-such-stack']);
      expect(missing.status).to.equal(1);
      expect(missing.stderr).to.include('stack no-such-stack does not exist');
      expect(missing.stderr).to.include('check --stack-name, --env and --region');
      await gw.cfn.send(
        new CreateStackCommand({
          StackName: 'inbound-only',
          TemplateBody: JSON.stringify({
            Resources: { GatewayBucket: { Type: 'AWS::S3::Bucket' } },
          }),
        }),
      );
      const none = await gw.cli([
        'outbound',
        'redeliver',
        '--destination',
        'acme',
        '--stack-name',
        'inbound-only',
      ]);
      expect(none.status).to.equal(1);
      expect(none.stderr).to.include('stack inbound-only has no outbound staging bucket');
      expect(none.stderr).to.include('turn outbound on in sftpgw.yaml (outbound:) and deploy');
    });
  });

  describe('redeliver', () => {
    it('without --yes and no terminal: prints the plan and changes nothing (same versions, same tags)', async () => {
      const before = await snapshot();
      const r = await gw.cli(['outbound', 'redeliver', '--destination', 'acme']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^FILE\s+ACTION\s+WHY$/m);
      expect(r.stdout).to.match(
        /^failed\.csv\s+re-stage\s+failed: connect ECONNREFUSED 192\.0\.2\.10:22$/m,
      );
      expect(r.stdout).to.match(
        /^rejected\.csv\s+re-stage\s+rejected: pattern-mismatch: file name does not match FilePattern$/m,
      );
      expect(r.stdout).to.not.include('delivered.csv');
      expect(r.stdout).to.include(`2 files to re-stage in s3://${bucket}/acme/`);
      expect(r.stderr).to.include(
        'not a terminal and no --yes: nothing re-staged, nothing changed',
      );
      expect(await snapshot()).to.deep.equal(before);
    });

    it('bad input: --key outside the destination (exit 2), a missing --key named (exit 1), --status delivered refused (exit 2)', async () => {
      const before = await snapshot();
      const outside = await gw.cli([
        'outbound',
        'redeliver',
        '--destination',
        'acme',
        '--key',
        'beta/rejected.txt',
        '--yes',
      ]);
      expect(outside.status).to.equal(2);
      expect(outside.stderr).to.include('--key "beta/rejected.txt" is not under acme/');
      const missing = await gw.cli([
        'outbound',
        'redeliver',
        '--destination',
        'acme',
        '--key',
        'acme/nope.csv',
        '--yes',
      ]);
      expect(missing.status).to.equal(1);
      expect(missing.stderr).to.include(`--key acme/nope.csv: no such object in ${bucket}`);
      const delivered = await gw.cli([
        'outbound',
        'redeliver',
        '--destination',
        'acme',
        '--status',
        'delivered',
      ]);
      expect(delivered.status).to.equal(2);
      expect(delivered.stderr).to.include('Allowed choices are rejected, failed');
      expect(await snapshot()).to.deep.equal(before);
    });

    it('--yes: a new version with no fate tags; user tags, metadata, content type, content and encryption kept; the delivered file untouched', async () => {
      const key = 'acme/rejected.csv';
      const oldHead = await headOf(gw.s3, bucket, key);
      const r = await gw.cli([
        'outbound',
        'redeliver',
        '--destination',
        'acme',
        '--yes',
        '--output',
        'json',
      ]);
      expect(r.status, r.stderr).to.equal(0);
      const doc = valid('outbound-redeliver.schema.json', r.stdout);
      expect(doc.executed).to.equal(true);
      expect(
        doc.items.map((i: any) => `${i.key} ${i.chosenBy} ${i.fate.status} ${i.outcome}`).sort(),
      ).to.deep.equal([
        'acme/failed.csv status failed restaged',
        'acme/rejected.csv status rejected restaged',
      ]);
      const versions = await versionsOf(gw.s3, bucket, key);
      expect(versions).to.have.length(2);
      expect(versions[1]).to.equal(staged[key].versionId);
      const item = doc.items.find((i: any) => i.key === key);
      expect(item.versionId).to.equal(staged[key].versionId);
      expect(item.newVersionId).to.equal(versions[0]);
      // the new version starts clean: the user's tags only
      expect(await readTags(gw.s3, bucket, key)).to.deep.equal(USER_TAGS);
      // the old version keeps its record
      expect((await readTags(gw.s3, bucket, key, versions[1]))['sftpgw:status']).to.equal(
        'rejected',
      );
      const head = await headOf(gw.s3, bucket, key);
      expect(head.ContentType).to.equal('text/csv');
      expect(head.Metadata?.source).to.equal('erp');
      expect(head.Metadata?.['sftpgw-redelivery']).to.match(
        new RegExp(`^run=${doc.runId}; at=\\d{4}-`),
      );
      expect(head.ServerSideEncryption).to.equal(oldHead.ServerSideEncryption);
      expect(head.SSEKMSKeyId).to.equal(oldHead.SSEKMSKeyId);
      console.log(
        `      encryption of the staged object in moto: ${oldHead.ServerSideEncryption} ${oldHead.SSEKMSKeyId ?? ''}`,
      );
      expect(await bodyOf(gw.s3, bucket, key)).to.equal(staged[key].body);
      expect(await readTags(gw.s3, bucket, 'acme/failed.csv')).to.deep.equal({});
      // never chosen by status: delivered, duplicate, pending, and other destinations
      for (const k of [
        'acme/delivered.csv',
        'acme/duplicate.csv',
        'acme/pending.csv',
        'beta/rejected.txt',
      ])
        expect(await versionsOf(gw.s3, bucket, k), k).to.deep.equal([staged[k].versionId]);
      const status = await gw.cli([
        'outbound',
        'status',
        '--destination',
        'acme',
        '--status',
        'pending',
      ]);
      expect(status.stdout).to.match(/rejected\.csv\s+pending/);
    });

    it('a second run does nothing more: nothing chosen by status, a named re-staged key skipped', async () => {
      const before = await snapshot();
      const again = await gw.cli(['outbound', 'redeliver', '--destination', 'acme', '--yes']);
      expect(again.status, again.stderr).to.equal(0);
      expect(again.stdout).to.equal(
        `nothing to redeliver: no rejected or failed files in s3://${bucket}/acme/\n`,
      );
      const named = await gw.cli([
        'outbound',
        'redeliver',
        '--destination',
        'acme',
        '--key',
        'acme/rejected.csv',
        '--yes',
      ]);
      expect(named.status, named.stderr).to.equal(0);
      expect(named.stdout).to.match(
        /rejected\.csv\s+skip\s+re-staged at \S+ by run \S+; no outcome yet/,
      );
      expect(await snapshot()).to.deep.equal(before);
    });

    it('a delivered file is re-staged when named with --key', async () => {
      const key = 'acme/delivered.csv';
      const r = await gw.cli([
        'outbound',
        'redeliver',
        '--destination',
        'acme',
        '--key',
        key,
        '--yes',
      ]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        /^delivered\.csv\s+re-stage\s+named with --key; delivered: \/incoming\/delivered\.csv$/m,
      );
      expect(r.stdout).to.match(/^re-staged delivered\.csv: new version \S+ \(was \S+\)$/m);
      expect(r.stderr).to.include('1 file re-staged, 0 skipped, 0 refused, 0 failed');
      expect(await versionsOf(gw.s3, bucket, key)).to.have.length(2);
      expect(await readTags(gw.s3, bucket, key)).to.deep.equal({ team: 'ops' });
    });
  });

  /** Every key's versions and current tags: what "changed nothing" compares. */
  async function snapshot() {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(staged))
      out[key] = {
        versions: await versionsOf(gw.s3, bucket, key),
        tags: await readTags(gw.s3, bucket, key),
      };
    return out;
  }
});
