// Layer 2, quotas: CloudFormation's per-template limits, and Transfer
// Family's session policy limit (after Fn::Sub, worst case). IAM's policy
// size quotas: ./iam-policy-size.ts.
import {
  deployBytes,
  INLINE_TEMPLATE_LIMIT,
  S3_TEMPLATE_LIMIT,
} from '../../../template/deploy-body.js';
import type { CfnTemplate } from '../../../template/types.js';
import { MAX_SESSION_POLICY, worstCaseLength } from '../../../users/session-policy.js';
import { pointerOf, type Finding } from '../../finding.js';

export const QUOTAS = {
  resources: 500,
  parameters: 200,
  outputs: 200,
  mappings: 200,
  /** Bytes, template body passed inline (TemplateBody). */
  inlineBody: INLINE_TEMPLATE_LIMIT,
  /** Bytes, template body read from S3 (TemplateURL); sftpgw deploy uploads. */
  s3Body: S3_TEMPLATE_LIMIT,
  dynamicReferences: 60,
} as const;

export interface QuotaOptions {
  /**
   * Size in bytes of the template as deploy sends it. Default: measured —
   * minified JSON (../../template/deploy-body.ts), whatever format the file
   * is written in; a test may give a size instead.
   */
  bodyBytes?: number;
  /** The template's text, when there is one. */
  text?: string;
}

export function quotaFindings(template: CfnTemplate, opts: QuotaOptions = {}): Finding[] {
  const out: Finding[] = [];
  const count = (
    section: 'Resources' | 'Parameters' | 'Outputs' | 'Mappings',
    limit: number,
    hint: string,
  ) => {
    const s = template[section];
    const n = s && typeof s === 'object' ? Object.keys(s).length : 0;
    if (n > limit) {
      out.push({
        severity: 'error',
        rule: `quota/${section.toLowerCase()}`,
        layer: 'semantic',
        pointer: pointerOf(section),
        message: `${n} ${section.toLowerCase()}; CloudFormation allows ${limit} in one template`,
        hint,
      });
    }
  };
  count(
    'Resources',
    QUOTAS.resources,
    'split the template into nested stacks (many users: see the nested-stack layout)',
  );
  count('Parameters', QUOTAS.parameters, 'combine parameters or move values into Mappings');
  count('Outputs', QUOTAS.outputs, 'drop outputs nothing reads, or move them into nested stacks');
  count('Mappings', QUOTAS.mappings, 'combine mappings');

  // Measured as deploy sends it (minified), not as the file is written.
  const bytes = opts.bodyBytes ?? deployBytes(template);
  if (bytes > QUOTAS.s3Body) {
    out.push({
      severity: 'error',
      rule: 'quota/template-size',
      layer: 'semantic',
      pointer: '',
      message: `the template is ${bytes} bytes as deploy sends it (minified JSON); CloudFormation reads at most ${QUOTAS.s3Body} bytes, even from S3`,
      hint: 'split it into nested stacks (userStacks in sftpgw.yaml for many users)',
    });
  } else if (bytes > QUOTAS.inlineBody) {
    out.push({
      severity: 'info',
      rule: 'quota/template-size',
      layer: 'semantic',
      pointer: '',
      message: `the template is ${bytes} bytes as deploy sends it (minified JSON): over the ${QUOTAS.inlineBody}-byte inline limit, so it must be deployed from S3 (sftpgw deploy uploads it to artifacts.bucket)`,
    });
  }

  // {{resolve:...}} dynamic references, counted across the whole template.
  const dynamic =
    opts.text !== undefined
      ? occurrences(opts.text, '{{resolve:')
      : countDynamicReferences(template);
  if (dynamic > QUOTAS.dynamicReferences) {
    out.push({
      severity: 'error',
      rule: 'quota/dynamic-references',
      layer: 'semantic',
      pointer: '',
      message: `${dynamic} dynamic references ({{resolve:…}}); CloudFormation allows ${QUOTAS.dynamicReferences} per template`,
      hint: 'read the values in fewer places, or pass them as parameters',
    });
  }

  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r?.Type !== 'AWS::Transfer::User') continue;
    const n = worstCaseLength(r.Properties?.Policy, { template });
    if (n !== undefined && n > MAX_SESSION_POLICY) {
      out.push({
        severity: 'error',
        rule: 'transfer/session-policy-length',
        layer: 'semantic',
        logicalId: id,
        resourceType: r.Type,
        pointer: pointerOf('Resources', id, 'Properties', 'Policy'),
        message: `the session policy can be ${n} characters after Fn::Sub; Transfer Family allows ${MAX_SESSION_POLICY}`,
        hint: 'use a shorter homeDirectory (the policy names it three times) or fewer statements',
      });
    }
  }
  return out;
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function countDynamicReferences(v: unknown): number {
  if (typeof v === 'string') return v.includes('{{resolve:') ? v.split('{{resolve:').length - 1 : 0;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countDynamicReferences(x), 0);
  if (v && typeof v === 'object')
    return Object.values(v).reduce((n: number, x) => n + countDynamicReferences(x), 0);
  return 0;
}
