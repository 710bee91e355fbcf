// Pure parts of the ingest function: the ingest key layout, the event checks
// and the settings. The end-to-end cases with the bundle and moto are in
// ingest.test.ts.
import { expect } from 'chai';
import { classifyEvent } from '../../handler/ingest/events.js';
import { ingestSettings } from '../../handler/ingest/index.js';
import {
  ingestFileName,
  ingestKeyParts,
  realVersionId,
  uploadIdSegment,
  utcDate,
} from '../../handler/ingest/ingest-key.js';

const EXECUTION = 'abcd1234-aa11-bb22-cc33-abcdef123456';

describe('ingest units', function () {
  describe('the ingest key', function () {
    const parts = (over: Partial<Parameters<typeof ingestKeyParts>[0]>) =>
      ingestKeyParts({
        user: 'acme',
        lastModified: new Date('2026-03-04T23:59:59.999Z'),
        versionId: 'Xb9.k_Qz-1',
        executionId: EXECUTION,
        sourceKey: 'acme/in/orders.csv',
        ...over,
      });

    it('is <user>/<UTC date of the version>/<version id>/<base name>', function () {
      expect(parts({})).to.deep.include({
        ok: true,
        rest: 'acme/2026-03-04/Xb9.k_Qz-1/orders.csv',
      });
    });

    it('takes the date in UTC, not local time, from the version, not the clock', function () {
      expect(utcDate(new Date('2026-03-05T00:30:00+02:00'))).to.equal('2026-03-04');
      expect(parts({ lastModified: new Date('2026-01-01T00:00:00Z') })).to.deep.include({
        date: '2026-01-01',
      });
    });

    it('is deterministic: the same upload gives the same key, another version another key', function () {
      expect(parts({})).to.deep.equal(parts({}));
      const a = parts({ versionId: 'v1' });
      const b = parts({ versionId: 'v2' });
      expect(a.ok && b.ok && a.rest !== b.rest).to.equal(true);
    });

    it('uses the execution id when the event names no version (null, "", or S3\'s "null")', function () {
      for (const v of [null, undefined, '', 'null'])
        expect(parts({ versionId: v })).to.deep.include({
          rest: `acme/2026-03-04/${EXECUTION}/orders.csv`,
        });
      expect(realVersionId('null')).to.equal(undefined);
    });

    it('escapes characters of old-style version ids that would add a level (/ and +), injectively', function () {
      expect(uploadIdSegment('3/L4kq+tJ=')).to.equal('3%2FL4kq%2BtJ%3D');
      expect(uploadIdSegment("a!'()*~b")).to.equal('a%21%27%28%29%2A%7Eb');
      expect(uploadIdSegment('plain.Id_-9')).to.equal('plain.Id_-9');
      expect(uploadIdSegment('a/b')).not.to.equal(uploadIdSegment('a%2Fb'));
      expect(parts({ versionId: 'a/b' })).to.deep.include({
        rest: 'acme/2026-03-04/a%2Fb/orders.csv',
      });
    });

    it("removes WinSCP's .filepart suffix, and only that suffix at the end", function () {
      expect(ingestFileName('acme/data.csv.filepart')).to.equal('data.csv');
      expect(ingestFileName('acme/data.filepart.csv')).to.equal('data.filepart.csv');
      expect(ingestFileName('acme/data.csv.FILEPART')).to.equal('data.csv.FILEPART');
      expect(ingestFileName('acme/.filepart')).to.equal('.filepart');
      expect(ingestFileName('top.csv')).to.equal('top.csv');
    });

    it('keeps spaces and unicode in the file name as they are', function () {
      expect(parts({ sourceKey: 'acme/Ünïcødé file ✓.csv' })).to.deep.include({
        file: 'Ünïcødé file ✓.csv',
      });
    });

    it('refuses what cannot make a key, saying why', function () {
      expect(parts({ sourceKey: 'acme/folder/' })).to.deep.equal({
        ok: false,
        reason: 'uploaded key acme/folder/ is a folder marker, not a file',
      });
      for (const user of ['', '.', '..', 'a/b', 'a\nb'])
        expect(parts({ user })).to.have.property('ok', false);
      expect(parts({ lastModified: new Date(Number.NaN) })).to.deep.equal({
        ok: false,
        reason: 'the uploaded object has no valid LastModified date',
      });
    });
  });

  describe('the events', function () {
    const step = {
      token: 'MzI0Nzc4ZDktMGRmMi00MjFhLTgxMjUtYWZmZmRmODNkYjc0',
      serviceMetadata: {
        executionDetails: { workflowId: 'w-1234567890example', executionId: EXECUTION },
        transferDetails: { sessionId: '36688ff5d2deda8c', userName: 'myuser', serverId: 's-1' },
      },
      fileLocation: {
        domain: 'S3',
        bucket: 'DOC-EXAMPLE-BUCKET',
        key: 'path/to/mykey',
        eTag: 'd8e8fca2dc0f896fd7cb4cb0031ba249',
        versionId: null,
      },
    };

    it("reads the user guide's example custom-step event", function () {
      expect(classifyEvent(step)).to.deep.include({
        kind: 'workflow-step',
        workflowId: 'w-1234567890example',
        executionId: EXECUTION,
        user: 'myuser',
        bucket: 'DOC-EXAMPLE-BUCKET',
        key: 'path/to/mykey',
        versionId: undefined,
      });
    });

    it('refuses an EFS step, but still names the step so it can be answered FAILURE', function () {
      const e = classifyEvent({
        ...step,
        fileLocation: { domain: 'EFS', fileSystemId: 'fs-1', path: '/a' },
      });
      expect(e).to.deep.include({
        kind: 'malformed',
        reason: 'workflow step event: fileLocation.domain is "EFS"; only S3 is supported',
      });
      expect(e.kind === 'malformed' && e.step?.executionId).to.equal(EXECUTION);
    });

    it('cannot answer a step without a valid token, workflow or execution id', function () {
      for (const broken of [
        { ...step, token: 'not a token!' },
        {
          ...step,
          serviceMetadata: { executionDetails: { workflowId: 'x', executionId: EXECUTION } },
        },
      ]) {
        const e = classifyEvent(broken);
        expect(e.kind).to.equal('malformed');
        expect(e.kind === 'malformed' && e.step).to.equal(undefined);
      }
    });

    it('reads a GuardDuty scan result and refuses an unknown status', function () {
      const scan = (status: unknown) => ({
        'detail-type': 'GuardDuty Malware Protection Object Scan Result',
        source: 'aws.guardduty',
        detail: {
          scanStatus: 'COMPLETED',
          resourceType: 'S3_OBJECT',
          s3ObjectDetails: {
            bucketName: 'b',
            objectKey: 'quarantine/a',
            versionId: 'v',
            eTag: 'e',
          },
          scanResultDetails: { scanResultStatus: status, threats: null },
        },
      });
      expect(classifyEvent(scan('NO_THREATS_FOUND'))).to.deep.equal({
        kind: 'scan-result',
        bucket: 'b',
        key: 'quarantine/a',
        versionId: 'v',
        status: 'NO_THREATS_FOUND',
      });
      expect(classifyEvent(scan('MAYBE'))).to.have.property('kind', 'malformed');
      expect(classifyEvent(scan(undefined))).to.have.property('kind', 'malformed');
    });

    it('never throws, whatever the event', function () {
      for (const e of [
        null,
        undefined,
        1,
        'x',
        [],
        {},
        { token: 1 },
        { detail: [] },
        {
          'detail-type': 'GuardDuty Malware Protection Object Scan Result',
          detail: { s3ObjectDetails: [] },
        },
      ])
        expect(classifyEvent(e).kind).to.equal('malformed');
    });
  });

  describe('the settings', function () {
    it('defaults INGEST_PREFIX, adds the slash, and reads scan mode from QUARANTINE_PREFIX', function () {
      expect(ingestSettings({})).to.deep.equal({
        ingestPrefix: 'ingest/',
        quarantinePrefix: undefined,
        bucket: undefined,
        dimensions: { Gateway: 'sftpgw' },
      });
      expect(
        ingestSettings({
          INGEST_PREFIX: 'in',
          QUARANTINE_PREFIX: 'quarantine/',
          GATEWAY: 'g',
          GATEWAY_BUCKET: 'b',
        }),
      ).to.deep.equal({
        ingestPrefix: 'in/',
        quarantinePrefix: 'quarantine/',
        bucket: 'b',
        dimensions: { Gateway: 'g' },
      });
    });

    it('refuses prefixes that are absolute or contain one another, naming the variable', function () {
      expect(() => ingestSettings({ INGEST_PREFIX: '/ingest' })).to.throw(
        'INGEST_PREFIX must be a key prefix such as ingest/, not "/ingest"',
      );
      expect(() =>
        ingestSettings({ INGEST_PREFIX: 'ingest/', QUARANTINE_PREFIX: 'ingest/q/' }),
      ).to.throw(
        /QUARANTINE_PREFIX ingest\/q\/ and INGEST_PREFIX ingest\/ must not contain one another/,
      );
    });
  });
});
