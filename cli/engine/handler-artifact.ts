// The push function's code as the template names it. The bundle ships in this
// package (dist/handler/index.js, built by `npm run build`); the template
// names it by content, so an unchanged handler leaves the function unchanged
// and `sftpgw package` knows the key to upload it under.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { invalidInput } from './errors.js';
import { packageRoot } from './paths.js';

export const HANDLER_BUNDLE = path.join(packageRoot, 'dist', 'handler', 'index.js');
export const CODE_KEY_PREFIX = 'sftpgw/handler/';

export interface HandlerArtifact {
  file: string;
  sha256: string;
  /** S3 key of the zipped handler: sftpgw/handler/<sha256 of the bundle>.zip */
  codeKey: string;
}

export function handlerArtifact(file = HANDLER_BUNDLE): HandlerArtifact {
  let code: Buffer;
  try {
    code = readFileSync(file);
  } catch {
    throw invalidInput('the outbound handler bundle is missing', [
      {
        file,
        message: 'not found',
        hint: 'build the sftpgw package (npm run build), or set outbound.enabled: false in sftpgw.yaml',
      },
    ]);
  }
  const sha256 = createHash('sha256').update(code).digest('hex');
  return { file, sha256, codeKey: `${CODE_KEY_PREFIX}${sha256}.zip` };
}
