// The template as sftpgw sends it to CloudFormation: minified JSON, whatever
// format it was built or written in. deploy and diff pass this text inline
// (TemplateBody) or upload it (TemplateURL), and package uploads child
// templates the same way, so the size limits are measured on it — not on the
// pretty-printed file `sftpgw build` writes (about twice as large).
import type { CfnTemplate } from './types.js';

/** CloudFormation's limit for a template passed inline (TemplateBody), in bytes. */
export const INLINE_TEMPLATE_LIMIT = 51_200;
/** CloudFormation's limit for a template read from S3 (TemplateURL), in bytes. */
export const S3_TEMPLATE_LIMIT = 1_000_000;

/** The exact text deploy sends: JSON.stringify, no indentation. */
export function deployBody(template: CfnTemplate): string {
  return JSON.stringify(template);
}

/** Its size in bytes (UTF-8), the unit of CloudFormation's limits. */
export function deployBytes(template: CfnTemplate): number {
  return Buffer.byteLength(deployBody(template));
}
