// The template baseline (docs/validation.md, its rule table generated from these) as named rules.
import type { CfnTemplate } from '../../template/types.js';
import type { Finding } from '../finding.js';
import type { PolicyDoc } from './iam/policies.js';
import type { LocatedString } from './template/references.js';
import {
  makeContext,
  waiverHint,
  type BaselineRule,
  type BaselineSettings,
} from './baseline-rule.js';
import { downstreamRules } from './downstream/baseline.js';
import { iamRules } from './iam/baseline.js';
import { kmsRules } from './kms/baseline.js';
import { malwareScanRules } from './malware-scan/baseline.js';
import { networkRules } from './network/baseline.js';
import { outboundRules } from './outbound/baseline.js';
import { portableRules } from './portable/baseline.js';
import { storageRules } from './storage/baseline.js';
import { transferRules } from './transfer/baseline.js';

export const BASELINE_RULES: readonly BaselineRule[] = [
  ...storageRules,
  ...kmsRules,
  ...transferRules,
  ...networkRules,
  ...iamRules,
  ...outboundRules,
  ...downstreamRules,
  ...malwareScanRules,
  ...portableRules,
];

export function baselineFindings(
  template: CfnTemplate,
  docs: PolicyDoc[],
  settings: BaselineSettings = {},
  arnStrings: LocatedString[] = [],
): Finding[] {
  const ctx = makeContext(template, docs, settings, arnStrings);
  const out: Finding[] = [];
  for (const rule of BASELINE_RULES) {
    for (const f of rule.check(ctx))
      out.push({ ...f, hint: `${f.hint}; ${waiverHint(rule.id, f.logicalId ?? '<id>')}` });
  }
  return out;
}
