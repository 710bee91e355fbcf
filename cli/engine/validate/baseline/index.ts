// The template baseline (docs/validation.md, its rule table generated from these) as named rules.
import type { CfnTemplate } from '../../template/types.js';
import type { Finding } from '../finding.js';
import type { PolicyDoc } from '../policies.js';
import type { LocatedString } from '../semantic/references.js';
import { makeContext, waiverHint, type BaselineRule, type BaselineSettings } from './context.js';
import { downstreamRules } from './downstream.js';
import { iamRules } from './iam.js';
import { kmsRules } from './kms.js';
import { malwareScanRules } from './malware-scan.js';
import { networkRules } from './network.js';
import { outboundRules } from './outbound.js';
import { portableRules } from './portable.js';
import { storageRules } from './storage.js';
import { transferRules } from './transfer.js';

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
