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

/**
 * deployBytes(template), from the pretty text build writes anyway
 * (`JSON.stringify(template, null, 2)`, with or without a final newline):
 * the minified text is the pretty one without its layout, which
 * JSON.stringify puts in two places only: a newline and the indentation
 * before each element and each closing bracket of a non-empty array or
 * object, and one space after the colon of each member. The layout follows
 * from the structure alone (a walk, no text). Why: a second JSON.stringify
 * of every template cost ~50–80 ms of the 10,000-user build. Undefined when
 * the template holds a value with toJSON (its text is unknown to the walk):
 * then measure.
 */
export function deployBytesOfPretty(template: CfnTemplate, pretty: string): number | undefined {
  const layout = layoutBytes(template, 0);
  if (layout === undefined) return undefined;
  return Buffer.byteLength(pretty) - (pretty.endsWith('\n') ? 1 : 0) - layout;
}

/** Whether JSON.stringify writes this value as an object member (else it leaves the member out). */
const written = (v: unknown) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';

/** The bytes of layout JSON.stringify(value, null, 2) writes for a value at this depth; undefined on a toJSON. */
function layoutBytes(value: unknown, depth: number): number | undefined {
  if (value === null || typeof value !== 'object') return 0;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  // Before each element: newline and the inner indentation; before the closing bracket: newline and this one.
  const inner = 1 + 2 * (depth + 1);
  let n = 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const v of value) {
      const m = layoutBytes(v, depth + 1);
      if (m === undefined) return undefined;
      n += m + inner;
      count++;
    }
  } else {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (!written(v)) continue;
      const m = layoutBytes(v, depth + 1);
      if (m === undefined) return undefined;
      // and the space after the member's colon
      n += m + inner + 1;
      count++;
    }
  }
  return count === 0 ? 0 : n + 1 + 2 * depth;
}
