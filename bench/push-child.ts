// Measured process of the push benchmark: streams a local file through the
// handler's push() to the sshd named in argv, prints seconds on stdout.
// Run with --import rusage.js so the parent reads its peak RSS.
import { createReadStream, statSync } from 'node:fs';
import { push } from '../handler/sftp-push.js';

const [file, port, user, keyFile, hostKey, remoteDir] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const { parseTrustedHostKeys } = await import('../handler/host-keys.js');
const size = statSync(file).size;
const t0 = process.hrtime.bigint();
await push({
  target: {
    host: '127.0.0.1', port: Number(port), username: user, privateKey: readFileSync(keyFile, 'utf8'),
    hostKeyPins: parseTrustedHostKeys([hostKey]).pins, hostKeyTypes: parseTrustedHostKeys([hostKey]).types, remoteDirectory: remoteDir,
  },
  fileName: 'ours.bin',
  // S3 delivers the body in small chunks; so does this stream.
  body: createReadStream(file, { highWaterMark: 64 * 1024 }),
  size,
  deadline: Date.now() + 600_000,
  deliveryId: '00000000000bef00', // part-file names need 16 hex digits
});
console.log(String(Number(process.hrtime.bigint() - t0) / 1e9));
