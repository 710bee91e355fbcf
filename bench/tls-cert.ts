// A throwaway self-signed certificate for 127.0.0.1, made with openssl when
// the benchmark starts: S3 is read over HTTPS as on Lambda (Node's TLS socket
// delivers the body in 16 KiB records, plain HTTP in 64 KiB reads). Only the
// benchmark uses it; clients trust it explicitly (NODE_EXTRA_CA_CERTS for a
// child process, an https.Agent `ca` in process).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface SelfSigned {
  certFile: string;
  keyFile: string;
  /** PEM of the certificate, for an https.Agent's `ca`. */
  cert: string;
}

export function selfSignedCert(dir: string): SelfSigned {
  const certFile = path.join(dir, 'tls-cert.pem');
  const keyFile = path.join(dir, 'tls-key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8') };
}
