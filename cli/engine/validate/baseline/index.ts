// The template baseline (DESIGN.md §4) as named rules.
import type { CfnTemplate } from '../../template/types.js';
import type { Finding } from '../finding.js';
import type { PolicyDoc } from '../policies.js';
import type { LocatedString } from '../semantic/references.js';
import { makeContext, waiverHint, type BaselineRule } from './context.js';
import { iamRules } from './iam.js';
import { kmsRules } from './kms.js';
import { outboundRules } from './outbound.js';
import { portableRules } from './portable.js';
import { storageRules } from './storage.js';
import { transferRules } from './transfer.js';
import type { UserHome } from './user-homes.js';

export const BASELINE_RULES: readonly BaselineRule[] = [...storageRules, ...kmsRules, ...transferRules, ...iamRules, ...outboundRules, ...portableRules];

export function baselineFindings(template: CfnTemplate, docs: PolicyDoc[], sharedTags: Record<string, string>, arnStrings: LocatedString[] = [], userHomes?: readonly UserHome[]): Finding[] {
  const ctx = makeContext(template, docs, sharedTags, arnStrings, userHomes);
  const out: Finding[] = [];
  for (const rule of BASELINE_RULES) {
    for (const f of rule.check(ctx)) out.push({ ...f, hint: `${f.hint}; ${waiverHint(rule.id, f.logicalId ?? '<id>')}` });
  }
  return out;
}
