// The handler opens the staged object beside the reads of its tags and
// destination (handler/deliver.ts), so S3's first byte arrives while they
// answer. What must hold: a version that is not sent (a duplicate, a refused
// name) has its body closed unread; one that is sent hands its body to the
// push untouched. The object store here is in memory (a fake: the point is
// the order of the handler's own calls, which S3 or moto cannot show); the
// push is a recorder; secrets and logs are the real adapters' shapes.
import { Readable } from 'node:stream';
import { expect } from 'chai';
import { handleEvent, type DeliverDeps } from '../../handler/deliver.js';
import { DestinationCache } from '../../handler/destination-cache.js';
import { Logger } from '../../handler/log.js';
import { ObjectGoneError, type ObjectRef, type ObjectStore } from '../../handler/ports.js';
import type { PushRequest, PushResult } from '../../shared/sftp/push.js';

const PREFIX = 'sftpgw/test/destinations';

function event(key: string) {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'staging' }, object: { key, size: 3, versionId: 'v1' } },
      },
    ],
  };
}

function world(tags: Record<string, string>) {
  const calls: string[] = [];
  const bodies: Readable[] = [];
  const objects: ObjectStore = {
    async tags(ref: ObjectRef) {
      calls.push('tags');
      await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push(`tags answered (${ref.key})`);
      return tags;
    },
    async setTags() {
      calls.push('setTags');
    },
    async open() {
      calls.push('open');
      const body = Readable.from([Buffer.from('abc')], { objectMode: false });
      bodies.push(body);
      return { size: 3, body };
    },
  };
  const pushed: PushRequest[] = [];
  const deps: DeliverDeps = {
    objects,
    destinations: new DestinationCache(
      {
        read: async () =>
          JSON.stringify({
            Host: 'sftp.partner.example',
            Username: 'u',
            Password: 'never-used',
            TrustedHostKeys: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
            RemoteDirectory: '/in',
            FilePattern: '^[a-z]+\\.csv$',
          }),
      },
      0,
    ),
    push: async (req: PushRequest): Promise<PushResult> => {
      calls.push('push');
      pushed.push(req);
      return {
        remotePath: `/in/${req.fileName}`,
        bytes: req.size,
        published: 'posix-rename',
        staleRemoved: 0,
        hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:x' },
        channels: 1,
        connections: 1,
      };
    },
    log: new Logger(() => {}, {}),
    secretPrefix: PREFIX,
    dimensions: { Gateway: 'test' },
    deadline: Date.now() + 60_000,
  };
  return { deps, calls, bodies, pushed };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('the staged object is opened beside its tags (handler/deliver.ts)', function () {
  it('opens before the tags answer, and hands the body to the push untouched', async function () {
    const w = world({});
    const [o] = await handleEvent(event('partner/orders.csv'), w.deps);
    expect(o.outcome).to.equal('delivered');
    expect(w.calls.indexOf('open')).to.be.lessThan(
      w.calls.indexOf('tags answered (partner/orders.csv)'),
    );
    expect(w.pushed[0].body).to.equal(w.bodies[0]);
    expect(w.bodies[0].destroyed, 'the push owns it').to.equal(false);
  });

  it('a version already delivered: not pushed, its body closed unread', async function () {
    const w = world({ 'sftpgw:status': 'delivered' });
    const [o] = await handleEvent(event('partner/orders.csv'), w.deps);
    expect(o.outcome).to.equal('duplicate');
    await settled();
    expect(w.calls).to.not.include('push');
    expect(w.bodies).to.have.length(1);
    expect(w.bodies[0].destroyed).to.equal(true);
  });

  it('a name the pattern refuses: rejected, its body closed unread', async function () {
    const w = world({});
    const [o] = await handleEvent(event('partner/orders.exe'), w.deps);
    expect(o.outcome).to.equal('rejected');
    await settled();
    expect(w.calls).to.not.include('push');
    expect(w.bodies[0].destroyed).to.equal(true);
  });

  it('a key that names no destination: never opened', async function () {
    const w = world({});
    const [o] = await handleEvent(event('orders.csv'), w.deps);
    expect(o.outcome).to.equal('rejected');
    expect(w.calls).to.not.include('open');
  });

  // A version deleted between the event and its handling (an operator's
  // clean-up, a lifecycle rule): rejected as gone, never tagged (there is
  // nothing left to tag), whether the tags or the push found it missing.
  it('a version gone before its tags are read: rejected as gone, not tagged', async function () {
    const w = world({});
    w.deps.objects.tags = async () => {
      throw new ObjectGoneError('NoSuchVersion');
    };
    const [o] = await handleEvent(event('partner/orders.csv'), w.deps);
    expect(o).to.include({ outcome: 'rejected', code: 'gone' });
    expect(w.calls).to.not.include('setTags');
    expect(w.calls).to.not.include('push');
  });

  it('a version gone during the push: rejected as gone with its destination, not tagged', async function () {
    const w = world({});
    w.deps.push = async () => {
      throw new ObjectGoneError('NoSuchVersion');
    };
    const [o] = await handleEvent(event('partner/orders.csv'), w.deps);
    expect(o).to.include({ outcome: 'rejected', code: 'gone', destination: 'partner' });
    expect(w.calls).to.not.include('setTags');
  });
});
