// Every outcome of a staged object version, as the function records it in the
// version's tags (shared/outbound/fate.ts), end to end: the bundled function
// (dist/handler/index.js), moto for S3 and Secrets Manager, OpenSSH's sshd on
// 127.0.0.1 (test/helpers/handler-harness.ts). Each case leaves exactly the
// expected tags and the user's own. What moto does not check of S3's tag
// rules, and the merge within 10 tags: fate-tags.unit.test.ts.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import {
  logLines,
  startHandlerHarness,
  type HandlerHarnessWithSshd,
  type Staged,
} from '../helpers/handler-harness.js';
import { keyPair } from '../helpers/keys.js';
import { cleanTempDirs } from '../helpers/project.js';
import { freePort } from '../helpers/servers.js';
import { FATE_TAG, fateOf, tagSafe } from '../../shared/outbound/fate.js';

/** S3Tag's Value pattern (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_S3Tag.html). */
const S3_TAG_VALUE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

/** Seven tags of the user's own: with the three of the fate, the ten S3 allows. */
const USER_TAGS = Object.fromEntries(
  Array.from({ length: 7 }, (_, i) => [`team-${i}`, `value ${i}`]),
);

const PASSWORD = 'Hunter2-sftp-pw';

describe('outbound handler: every outcome recorded in the object version’s tags (bundle + moto + sshd)', function () {
  this.timeout(120_000);
  let h: HandlerHarnessWithSshd;

  before(async function () {
    h = await startHandlerHarness();
  });

  after(async function () {
    await h?.stop();
    cleanTempDirs();
    if (!h) return;
    for (const line of h.allLines)
      expect(line, 'a log line leaks the password').not.to.include(PASSWORD);
  });

  async function stageTagged(
    key: string,
    body: string,
    tags: Record<string, string> = USER_TAGS,
  ): Promise<Staged> {
    const obj = await h.stage(key, body);
    await h.s3.send(
      new PutObjectTaggingCommand({
        Bucket: h.bucket,
        Key: key,
        VersionId: obj.versionId,
        Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      }),
    );
    return obj;
  }

  /** The version's tags are exactly the fate's three (time: just now) and the user's. */
  async function expectFate(
    obj: Staged,
    status: string,
    detail: string,
    user: Record<string, string> = USER_TAGS,
  ): Promise<Record<string, string>> {
    const tags = await h.tags(obj);
    expect(Date.parse(tags[FATE_TAG.time])).to.be.closeTo(Date.now(), 60_000);
    expect(tags).to.deep.equal({
      ...user,
      [FATE_TAG.status]: status,
      [FATE_TAG.time]: tags[FATE_TAG.time],
      [FATE_TAG.detail]: detail,
    });
    for (const v of Object.values(tags)) expect(v).to.match(S3_TAG_VALUE);
    return tags;
  }

  it('delivered: the remote path it was published under, in the tags and in the log line', async function () {
    await h.putSecret('fate-ok', h.validSecret('fate-ok'));
    const obj = await stageTagged('fate-ok/orders 2026.csv', 'a,b\n');
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error).to.equal(undefined);
    const remotePath = path.join(h.remoteDir('fate-ok'), 'orders 2026.csv');
    const tags = await expectFate(obj, 'delivered', remotePath);
    expect(fateOf(tags)).to.deep.include({ status: 'delivered', remotePath });
    expect(logLines(inv)[0]).to.include({
      message: 'file delivered',
      outcome: 'delivered',
      remotePath,
    });
  });

  it('duplicate: the remote already held this exact file (tagged duplicate, remote path); a version already delivered keeps its tags', async function () {
    // Overwrite "never" renames without replacing, so the identical file is found, not renamed over.
    const dir = h.remoteDir('fate-same');
    await h.putSecret('fate-same', h.validSecret('fate-same', { Overwrite: 'never' }));
    writeFileSync(path.join(dir, 'same.csv'), 'same\n');
    const obj = await stageTagged('fate-same/same.csv', 'same\n');
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(inv.result!.outcomes[0].outcome).to.equal('duplicate');
    await expectFate(obj, 'duplicate', path.join(dir, 'same.csv'));
    expect(logLines(inv)[0]).to.include({
      outcome: 'duplicate',
      remotePath: path.join(dir, 'same.csv'),
    });

    // Delivered, then the same event again: a duplicate in the log and metrics, the tags untouched.
    await h.putSecret('fate-twice', h.validSecret('fate-twice'));
    const once = await stageTagged('fate-twice/once.csv', 'once\n');
    expect((await h.invoke(h.event([once]))).error).to.equal(undefined);
    const delivered = await h.tags(once);
    const again = await h.invoke(h.event([once]));
    expect(again.result!.outcomes[0].outcome).to.equal('duplicate');
    expect(again.lines.find((l) => '_aws' in l)).to.include({ Duplicate: 1, Delivered: 0 });
    expect(await h.tags(once)).to.deep.equal(delivered);
    expect(delivered[FATE_TAG.status]).to.equal('delivered');
  });

  it('duplicate: a version an older function tagged delivered is not sent again, and its tags stay', async function () {
    const dir = h.remoteDir('fate-legacy');
    await h.putSecret('fate-legacy', h.validSecret('fate-legacy'));
    const legacy = {
      team: 'ops',
      'sftpgw:status': 'delivered',
      'sftpgw:time': '2026-01-05T10:00:00.000Z',
      'sftpgw:destination': 'fate-legacy',
    };
    const obj = await stageTagged('fate-legacy/old.csv', 'old\n', legacy);
    const inv = await h.invoke(h.event([obj]));
    expect(inv.result!.outcomes[0].outcome).to.equal('duplicate');
    expect(readdirSync(dir)).to.deep.equal([]);
    expect(await h.tags(obj)).to.deep.equal(legacy);
  });

  it('rejected: "<code>: <reason>", replacing an older function’s sftpgw:reason and sftpgw:destination', async function () {
    await h.putSecret('fate-strict', h.validSecret('fate-strict', { FilePattern: '[a-z]+\\.csv' }));
    const obj = await stageTagged('fate-strict/Orders(1).csv', 'x', {
      ...USER_TAGS,
      'sftpgw:reason': 'layout',
      'sftpgw:destination': 'fate-strict',
    });
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error).to.equal(undefined);
    expect(inv.result!.outcomes[0].outcome).to.equal('rejected');
    const tags = await expectFate(
      obj,
      'rejected',
      'pattern-mismatch: file name does not match the FilePattern of destination fate-strict',
    );
    expect(fateOf(tags)).to.deep.include({ status: 'rejected', code: 'pattern-mismatch' });
  });

  it('failed: the last error, tag-safe, when the host key is not the pinned one', async function () {
    const other = keyPair('ed25519', 'someone-else@sftpgw').publicKey;
    await h.putSecret('fate-pin', h.validSecret('fate-pin', { TrustedHostKeys: [other] }));
    const obj = await stageTagged('fate-pin/a.csv', 'x');
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error, 'thrown so Lambda retries').to.be.instanceOf(Error);
    const line = logLines(inv).find((l) => l.outcome === 'failed')!;
    expect(String(line.error)).to.match(
      /^host key of 127\.0\.0\.1:\d+ does not match TrustedHostKeys/,
    );
    // The error holds ( ) ; , — moto refuses those in a tag value: this write succeeding shows they were replaced.
    expect(String(line.error)).to.match(/[(),;]/);
    await expectFate(obj, 'failed', tagSafe(String(line.error)));
  });

  it('failed: an error that quotes the destination’s password is redacted in the tag', async function () {
    await h.putSecret(
      'fate-pw',
      h.validSecret('fate-pw', {
        Password: PASSWORD,
        RemoteDirectory: path.join(h.sshd.root, 'gone', PASSWORD),
      }),
    );
    const obj = await stageTagged('fate-pw/a.csv', 'x');
    const inv = await h.invoke(h.event([obj]));
    expect(inv.error).to.be.instanceOf(Error);
    const tags = await expectFate(
      obj,
      'failed',
      tagSafe(
        `remote directory ${path.join(h.sshd.root, 'gone', '[redacted]')} does not exist on 127.0.0.1:${h.sshd.port}`,
      ),
    );
    expect(JSON.stringify(tags)).not.to.include(PASSWORD);
    expect(inv.error!.message).not.to.include(PASSWORD);
  });

  it('failed, then delivered once the server is back: ends delivered, the user’s tags kept', async function () {
    const port = await freePort();
    await h.putSecret('fate-later', h.validSecret('fate-later', { Port: port }));
    const obj = await stageTagged('fate-later/later.csv', 'later\n');
    const first = await h.invoke(h.event([obj]));
    expect(first.error).to.be.instanceOf(Error);
    const failed = await h.tags(obj);
    expect(failed[FATE_TAG.status]).to.equal('failed');
    expect(failed[FATE_TAG.detail]).to.match(/^cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    await h.putSecret('fate-later', h.validSecret('fate-later'));
    const retry = await h.invoke(h.event([obj]));
    expect(retry.error).to.equal(undefined);
    await expectFate(obj, 'delivered', path.join(h.remoteDir('fate-later'), 'later.csv'));
  });
});
