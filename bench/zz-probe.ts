import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { startSshd } from '../test/helpers/servers.js';
import { startDelayProxy } from './delay-proxy.js';
import { push, DEFAULT_TUNING } from '../shared/sftp/push.js';
import { fingerprint } from '../shared/ssh/fingerprint.js';
const data = randomBytes(64 * 1024 * 1024);
const s = await startSshd();
const rtt = Number(process.env.RTT ?? 50);
const proxy = await startDelayProxy(s.port, rtt);
const chunks = (b: Buffer) => {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += 16384) out.push(b.subarray(i, i + 16384));
  return out;
};
try {
  for (const [ch, inflight] of [
    [1, 8],
    [4, 8],
  ] as const) {
    const t0 = Date.now();
    const r = await push(
      {
        target: {
          host: '127.0.0.1',
          port: proxy.port,
          username: s.user,
          privateKey: s.clientKey.privateKey,
          hostKeyPins: new Set([fingerprint(Buffer.from(s.hostPublicKey.split(' ')[1], 'base64'))]),
          remoteDirectory: s.root,
        },
        fileName: `f${ch}.bin`,
        body: Readable.from(chunks(data)),
        size: data.length,
        deadline: Date.now() + 120000,
        deliveryId: '0123456789abcdef',
        openRange: async (a, b) => Readable.from(chunks(data.subarray(a, b))),
      },
      { ...DEFAULT_TUNING, channels: ch, maxInflightBytes: inflight * 1024 * 1024 },
    );
    console.log(`channels ${r.channels} inflight ${inflight} MiB: ${(Date.now() - t0) / 1000} s`);
  }
} finally {
  await proxy.close();
  await s.stop();
}
