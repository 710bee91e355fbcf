// The push alone, without S3: streams a local file through the handler's
// push() (compiled, not the bundle) in chunks of the size S3 over HTTPS
// delivers (16 KiB), to the sshd named in argv. Writes the seconds to the
// file named in argv; run with --import rusage.js for the peak RSS. It tells
// the SFTP side of the handler apart from its source (push-child.ts); with
// ranges, so a large file to a far server goes over several channels as the
// handler's does.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseTrustedHostKeys } from '../shared/ssh/host-keys.js';
import { push } from '../shared/sftp/push.js';

const [file, port, user, keyFile, hostKey, remoteDir, chunkBytes, resultFile] =
  process.argv.slice(2);
const t0 = process.hrtime.bigint();
await push({
  target: {
    host: '127.0.0.1',
    port: Number(port),
    username: user,
    privateKey: readFileSync(keyFile, 'utf8'),
    hostKeyPins: parseTrustedHostKeys([hostKey]).pins,
    remoteDirectory: remoteDir,
  },
  fileName: 'stream.bin',
  body: createReadStream(file, { highWaterMark: Number(chunkBytes) }),
  // Ranges as the handler reads S3 (one stream each), for the parallel path.
  openRange: async (start, end) =>
    createReadStream(file, { highWaterMark: Number(chunkBytes), start, end: end - 1 }),
  size: statSync(file).size,
  deadline: Date.now() + 900_000,
  // 16 hex digits, as the handler derives it from bucket, key and version.
  deliveryId: createHash('sha256').update('bench').digest('hex').slice(0, 16),
});
writeFileSync(resultFile, String(Number(process.hrtime.bigint() - t0) / 1e9));
