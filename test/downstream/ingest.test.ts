// The ingest function end to end, with real parts: the bundled artifact
// (dist/handler/ingest.js alone in a folder as ingest.mjs, what Lambda runs)
// against a moto server (S3: a versioned bucket with SSE-KMS by default). The
// Transfer Family side, SendWorkflowStepState, is a FAKE recorder on
// 127.0.0.1 because moto 5.2.1 does not implement that operation
// (test/helpers/transfer-recorder.ts). moto runs neither workflows nor
// GuardDuty, so each case invokes the function with the event they send
// (shapes from their user guides, see handler/ingest/events.ts).
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import {
  GATEWAY,
  ingestLogs as logs,
  ingestMetrics as metrics,
  startIngestHarness,
  type IngestHarness,
  type IngestInvocation,
  type Uploaded,
} from '../helpers/ingest-harness.js';
import { cleanTempDirs } from '../helpers/project.js';

const today = () => new Date().toISOString().slice(0, 10);

describe('ingest function (bundle + moto + a SendWorkflowStepState recorder)', function () {
  this.timeout(120_000);
  let h: IngestHarness;

  before(async function () {
    h = await startIngestHarness();
  });

  after(async function () {
    await h?.stop();
    cleanTempDirs();
    if (!h) return;
    // Over every case: every line is JSON, and no object body is in any line.
    for (const line of [...h.plain.allLines, ...h.scan.allLines]) {
      expect(() => JSON.parse(line), `a log line is not JSON: ${line}`).not.to.throw();
      expect(line).not.to.include('BODY-MARKER');
    }
  });

  const calls = (executionId: string) =>
    h.recorder.calls.filter((c) => c.ExecutionId === executionId).map((c) => c.Status);

  /** The case's one log line and its EMF metric values. */
  function outcome(inv: IngestInvocation): {
    line: Record<string, unknown>;
    counts: Record<string, unknown>;
  } {
    expect(inv.invalid, 'lines that are not JSON').to.deep.equal([]);
    expect(inv.typeError, 'a TypeError (a crash, not a decision)').to.equal(false);
    const lines = logs(inv);
    const emf = metrics(inv);
    expect(emf, 'one EMF record').to.have.length(1);
    const spec = (emf[0]._aws as { CloudWatchMetrics: Array<Record<string, unknown>> })
      .CloudWatchMetrics[0];
    expect(spec).to.deep.include({ Namespace: 'sftpgw', Dimensions: [['Gateway']] });
    expect(emf[0].Gateway).to.equal(GATEWAY);
    const { IngestCopied, IngestFailed, IngestThreatsFound, IngestScanNotClean } = emf[0];
    return {
      line: lines[lines.length - 1],
      counts: { IngestCopied, IngestFailed, IngestThreatsFound, IngestScanNotClean },
    };
  }
  const counts = (over: Record<string, number>) => ({
    IngestCopied: 0,
    IngestFailed: 0,
    IngestThreatsFound: 0,
    IngestScanNotClean: 0,
    ...over,
  });

  async function step(
    workers: IngestHarness['plain'],
    o: Uploaded,
    user = 'acme',
    over: { versionId?: string | null; eTag?: string } = {},
  ) {
    const s = h.stepEvent({ ...o, ...over }, user);
    const inv = await workers.invoke(s.event);
    return { ...s, inv };
  }

  describe('malwareScan off: the workflow step copies to ingest/', function () {
    it('copies a completed upload to ingest/<user>/<date>/<version>/<file>, encrypted, untagged, and answers SUCCESS', async function () {
      const up = await h.upload('acme/orders.csv', 'id,qty\n1,2\n');
      await h.setTags(up.key, { 'sftpgw:status': 'delivered' }, up.versionId);
      const { inv, executionId, workflowId } = await step(h.plain, up);
      expect(inv.error).to.equal(undefined);
      const target = `ingest/acme/${today()}/${up.versionId}/orders.csv`;
      expect(inv.result).to.deep.equal({ outcome: 'copied', target, step: 'SUCCESS' });
      expect(await h.body(target)).to.equal('id,qty\n1,2\n');
      expect(calls(executionId)).to.deep.equal(['SUCCESS']);
      expect(h.recorder.calls.find((c) => c.ExecutionId === executionId)?.WorkflowId).to.equal(
        workflowId,
      );
      const head = await h.head(target);
      expect(head.sse, 'SSE-KMS by the bucket default').to.equal('aws:kms');
      expect(head.metadata).to.deep.include({
        'sftpgw-source-key': 'acme%2Forders.csv',
        'sftpgw-source-version-id': up.versionId,
      });
      expect(await h.tags(target), 'the copy starts without tags').to.deep.equal({});
      const { line, counts: c } = outcome(inv);
      expect(line).to.include({
        level: 'info',
        outcome: 'copied',
        bucket: h.bucket,
        key: up.key,
        user: 'acme',
        target,
        step: 'SUCCESS',
        executionId,
      });
      expect(line.requestId).to.match(/^req-/);
      expect(c).to.deep.equal(counts({ IngestCopied: 1 }));
    });

    it('gives a same-name re-upload on the same day a SECOND, distinct ingest key', async function () {
      const first = await h.upload('acme/daily.csv', 'monday\n');
      const second = await h.upload('acme/daily.csv', 'monday again\n');
      const a = await step(h.plain, first);
      const b = await step(h.plain, second);
      expect(a.inv.result?.target).to.not.equal(b.inv.result?.target);
      expect(a.inv.result?.target).to.equal(`ingest/acme/${today()}/${first.versionId}/daily.csv`);
      expect(b.inv.result?.target).to.equal(`ingest/acme/${today()}/${second.versionId}/daily.csv`);
      expect(await h.body(a.inv.result!.target!)).to.equal('monday\n');
      expect(await h.body(b.inv.result!.target!)).to.equal('monday again\n');
      expect(
        Object.keys(await h.versions(`ingest/acme/${today()}/`)).filter((k) =>
          k.endsWith('/daily.csv'),
        ),
      ).to.have.length(2);
    });

    it('writes one key once when the same event arrives twice (retry, duplicate delivery)', async function () {
      const up = await h.upload('acme/twice.csv', 'x');
      const s = h.stepEvent(up);
      const one = await h.plain.invoke(s.event);
      const two = await h.plain.invoke(s.event);
      expect(one.result?.outcome).to.equal('copied');
      expect(two.result).to.deep.equal({
        outcome: 'duplicate',
        target: one.result?.target,
        step: 'SUCCESS',
      });
      expect(await h.versions(one.result!.target!)).to.deep.equal({ [one.result!.target!]: 1 });
      expect(calls(s.executionId)).to.deep.equal(['SUCCESS', 'SUCCESS']);
      expect(outcome(two).counts).to.deep.equal(counts({}));
    });

    it("strips WinSCP's .filepart so the final name reaches ingest/", async function () {
      const up = await h.upload('acme/upload.csv.filepart', 'y');
      const { inv } = await step(h.plain, up);
      expect(inv.result?.target).to.equal(`ingest/acme/${today()}/${up.versionId}/upload.csv`);
    });

    it('keeps spaces and unicode in names, from any folder of the home', async function () {
      const up = await h.upload('acme/sub dir/Ünïcødé file ✓ +1.csv', 'z');
      const { inv } = await step(h.plain, up);
      const target = `ingest/acme/${today()}/${up.versionId}/Ünïcødé file ✓ +1.csv`;
      expect(inv.result?.target).to.equal(target);
      expect(await h.body(target)).to.equal('z');
      expect((await h.head(target)).metadata['sftpgw-source-key']).to.equal(
        encodeURIComponent('acme/sub dir/Ünïcødé file ✓ +1.csv'),
      );
    });

    it('uses the execution id when the event names no version (an unversioned bucket)', async function () {
      const up = await h.upload('acme/noversion.csv', 'n');
      const { inv, executionId } = await step(h.plain, up, 'acme', { versionId: null });
      expect(inv.result?.target).to.equal(`ingest/acme/${today()}/${executionId}/noversion.csv`);
    });

    it('answers FAILURE with the reason and counts IngestFailed when the uploaded version is gone', async function () {
      const up = await h.upload('acme/gone.csv', 'g');
      await h.s3.send(
        new DeleteObjectCommand({ Bucket: h.bucket, Key: up.key, VersionId: up.versionId }),
      );
      const { inv, executionId } = await step(h.plain, up);
      expect(inv.error, 'FAILURE is an answer, not a crash').to.equal(undefined);
      expect(inv.result).to.deep.equal({ outcome: 'failed', step: 'FAILURE' });
      expect(calls(executionId)).to.deep.equal(['FAILURE']);
      const { line, counts: c } = outcome(inv);
      expect(line.level).to.equal('error');
      expect(line.reason).to.equal(
        `the uploaded object s3://${h.bucket}/acme/gone.csv (version ${up.versionId}) no longer exists`,
      );
      expect(c).to.deep.equal(counts({ IngestFailed: 1 }));
      expect(await h.versions('ingest/acme/')).not.to.have.any.keys(
        `ingest/acme/${today()}/${up.versionId}/gone.csv`,
      );
    });

    it('answers FAILURE when the object was replaced after the upload (the ETag no longer matches)', async function () {
      const up = await h.upload('acme/replaced.csv', 'old');
      const { inv, executionId } = await step(h.plain, up, 'acme', {
        versionId: null,
        eTag: '0123456789abcdef0123456789abcdef',
      });
      expect(inv.result?.outcome).to.equal('failed');
      expect(calls(executionId)).to.deep.equal(['FAILURE']);
      expect(outcome(inv).line.reason).to.match(/no longer has the ETag the event names/);
    });

    it('refuses an upload that lies under ingest/ itself (no copy of a copy)', async function () {
      const up = await h.upload('ingest/acme/loop.csv', 'l');
      const { inv, executionId } = await step(h.plain, up);
      expect(inv.result?.outcome).to.equal('failed');
      expect(calls(executionId)).to.deep.equal(['FAILURE']);
      expect(outcome(inv).line.reason).to.equal(
        'refusing to ingest ingest/acme/loop.csv: it is already under ingest/',
      );
    });

    it('throws when the state cannot be reported, so Lambda retries; the retry copies nothing twice', async function () {
      const up = await h.upload('acme/unreported.csv', 'u');
      const s = h.stepEvent(up);
      h.recorder.failWith({ type: 'AccessDeniedException', status: 400 });
      let first: IngestInvocation;
      try {
        first = await h.plain.invoke(s.event);
      } finally {
        h.recorder.failWith(undefined);
      }
      expect(first.error?.message).to.match(
        new RegExp(
          `^SendWorkflowStepState SUCCESS for execution ${s.executionId} failed: AccessDeniedException`,
        ),
      );
      expect(
        logs(first).some((l) => l.level === 'error' && /could not report/.test(String(l.message))),
      ).to.equal(true);
      const retry = await h.plain.invoke(s.event);
      expect(retry.result?.outcome).to.equal('duplicate');
      expect(calls(s.executionId)).to.deep.equal(['SUCCESS', 'SUCCESS']);
      const target = `ingest/acme/${today()}/${up.versionId}/unreported.csv`;
      expect(await h.versions(target)).to.deep.equal({ [target]: 1 });
    });

    it('rejects a malformed event with one clear log line and no crash (no retry loop)', async function () {
      for (const event of [null, 'text', [], {}, { token: 5 }, { detail: 'x' }]) {
        const inv = await h.plain.invoke(event);
        expect(inv.error, JSON.stringify(event)).to.equal(undefined);
        expect(inv.result).to.deep.equal({ outcome: 'rejected' });
        const { line, counts: c } = outcome(inv);
        expect(line.level).to.equal('error');
        expect(String(line.reason)).to.match(/^(the event|workflow step event)/);
        expect(c).to.deep.equal(counts({ IngestFailed: 1 }));
      }
    });

    it('answers FAILURE for a step it can name but not use (no fileLocation)', async function () {
      const s = h.stepEvent({ key: 'acme/x.csv' });
      delete (s.event as { fileLocation?: unknown }).fileLocation;
      const inv = await h.plain.invoke(s.event);
      expect(inv.result).to.deep.equal({ outcome: 'rejected', step: 'FAILURE' });
      expect(calls(s.executionId)).to.deep.equal(['FAILURE']);
      expect(outcome(inv).line.reason).to.equal('workflow step event: fileLocation is missing');
    });

    it('ignores a scan result when the scan is off', async function () {
      const inv = await h.plain.invoke(
        h.scanEvent({ key: 'quarantine/acme/x' }, 'NO_THREATS_FOUND'),
      );
      expect(inv.result).to.deep.equal({ outcome: 'ignored' });
      expect(outcome(inv).line.reason).to.match(/QUARANTINE_PREFIX is not set/);
    });
  });

  describe('malwareScan on: quarantine/ first, the scan result decides', function () {
    async function quarantined(name: string, body: string) {
      const up = await h.upload(`acme/${name}`, body);
      const { inv, executionId } = await step(h.scan, up);
      expect(inv.error).to.equal(undefined);
      const rest = `acme/${today()}/${up.versionId}/${name}`;
      expect(inv.result).to.deep.equal({
        outcome: 'quarantined',
        target: `quarantine/${rest}`,
        step: 'SUCCESS',
      });
      expect(calls(executionId)).to.deep.equal(['SUCCESS']);
      const q = await h.head(`quarantine/${rest}`);
      // GuardDuty tags the copy it scanned.
      await h.setTags(`quarantine/${rest}`, { GuardDutyMalwareScanStatus: 'PENDING' }, q.versionId);
      return { up, rest, q };
    }

    it('the workflow step copies to quarantine/ with the source key and version in its metadata, nothing to ingest/', async function () {
      const { up, rest, q } = await quarantined('scan-me.csv', 'a,b\n');
      expect(q.metadata).to.deep.include({
        'sftpgw-source-key': encodeURIComponent(up.key),
        'sftpgw-source-version-id': up.versionId,
      });
      expect(q.sse).to.equal('aws:kms');
      expect(await h.versions(`ingest/${rest}`)).to.deep.equal({});
    });

    it("NO_THREATS_FOUND copies to ingest/<same rest>, without GuardDuty's tag; a duplicate event writes nothing more", async function () {
      const { rest, q } = await quarantined('clean.csv', 'clean\n');
      const event = h.scanEvent(
        { key: `quarantine/${rest}`, versionId: q.versionId },
        'NO_THREATS_FOUND',
      );
      const inv = await h.scan.invoke(event);
      expect(inv.result).to.deep.equal({ outcome: 'copied', target: `ingest/${rest}` });
      expect(await h.body(`ingest/${rest}`)).to.equal('clean\n');
      expect(await h.tags(`ingest/${rest}`)).to.deep.equal({});
      expect((await h.head(`ingest/${rest}`)).sse).to.equal('aws:kms');
      const { line, counts: c } = outcome(inv);
      expect(line).to.include({ outcome: 'copied', scanResultStatus: 'NO_THREATS_FOUND' });
      expect(c).to.deep.equal(counts({ IngestCopied: 1 }));
      const again = await h.scan.invoke(event);
      expect(again.result).to.deep.equal({ outcome: 'duplicate', target: `ingest/${rest}` });
      expect(await h.versions(`ingest/${rest}`)).to.deep.equal({ [`ingest/${rest}`]: 1 });
    });

    it('THREATS_FOUND copies nothing, tags the SOURCE version in the home (keeping its tags) and counts it once', async function () {
      const { up, rest, q } = await quarantined('eicar.com', 'BODY-MARKER not really a virus');
      await h.setTags(up.key, { team: 'blue' }, up.versionId);
      const event = h.scanEvent(
        { key: `quarantine/${rest}`, versionId: q.versionId },
        'THREATS_FOUND',
      );
      const inv = await h.scan.invoke(event);
      expect(inv.error).to.equal(undefined);
      expect(inv.result).to.deep.equal({ outcome: 'threats-found' });
      expect(await h.tags(up.key, up.versionId)).to.deep.equal({
        team: 'blue',
        'sftpgw:malware': 'THREATS_FOUND',
      });
      expect(await h.versions(`ingest/${rest}`)).to.deep.equal({});
      const { line, counts: c } = outcome(inv);
      expect(line).to.include({ level: 'warn', sourceKey: up.key, sourceVersionId: up.versionId });
      expect(c).to.deep.equal(counts({ IngestThreatsFound: 1 }));
      const again = await h.scan.invoke(event);
      expect(again.result).to.deep.equal({ outcome: 'duplicate' });
      expect(outcome(again).counts).to.deep.equal(counts({}));
    });

    for (const status of ['UNSUPPORTED', 'ACCESS_DENIED', 'FAILED'])
      it(`${status} holds the file in quarantine/, copies nothing and counts IngestScanNotClean`, async function () {
        const { rest, q } = await quarantined(`held-${status}.zip`, 'h');
        const inv = await h.scan.invoke(
          h.scanEvent({ key: `quarantine/${rest}`, versionId: q.versionId }, status),
        );
        expect(inv.result).to.deep.equal({ outcome: 'scan-not-clean' });
        const { line, counts: c } = outcome(inv);
        expect(line).to.include({
          level: 'warn',
          scanResultStatus: status,
          key: `quarantine/${rest}`,
        });
        expect(c).to.deep.equal(counts({ IngestScanNotClean: 1 }));
        expect(await h.versions(`ingest/${rest}`)).to.deep.equal({});
        expect(await h.versions(`quarantine/${rest}`)).to.deep.equal({ [`quarantine/${rest}`]: 1 });
      });

    it('ignores keys outside quarantine/ and other buckets', async function () {
      const home = await h.upload('acme/not-quarantined.csv', 'n');
      const other = await h.upload('quarantine/acme/x.csv', 'o', 'other-bucket');
      for (const [event, reason] of [
        [h.scanEvent(home, 'NO_THREATS_FOUND'), 'not under quarantine/'],
        [h.scanEvent(other, 'NO_THREATS_FOUND'), `not the gateway bucket ${h.bucket}`],
      ] as const) {
        const inv = await h.scan.invoke(event);
        expect(inv.result).to.deep.equal({ outcome: 'ignored' });
        expect(outcome(inv).line.reason).to.equal(reason);
      }
      expect(await h.versions('ingest/acme/x.csv', 'other-bucket')).to.deep.equal({});
      expect(await h.versions('ingest/acme/not-quarantined.csv')).to.deep.equal({});
    });

    it('a NO_THREATS_FOUND copy that fails is logged, counted and thrown, so Lambda retries it', async function () {
      const { rest, q } = await quarantined('vanished.csv', 'v');
      await h.s3.send(
        new DeleteObjectCommand({
          Bucket: h.bucket,
          Key: `quarantine/${rest}`,
          VersionId: q.versionId,
        }),
      );
      const inv = await h.scan.invoke(
        h.scanEvent({ key: `quarantine/${rest}`, versionId: q.versionId }, 'NO_THREATS_FOUND'),
      );
      expect(inv.error?.message).to.match(/the scanned copy .* no longer exists/);
      expect(inv.typeError).to.equal(false);
      const { line, counts: c } = outcome(inv);
      expect(line).to.include({ level: 'error', outcome: 'failed' });
      expect(c).to.deep.equal(counts({ IngestFailed: 1 }));
    });
  });
});
