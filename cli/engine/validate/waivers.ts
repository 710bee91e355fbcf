// Waivers: a gateway may accept the absence of one baseline protection on one
// resource, with a written reason, in sftpgw.yaml (validation.waivers) or in
// the resource's Metadata ({ sftpgw: { waivers: { <rule>: <reason> } } }).
// A waived finding stays in every report, with its reason.
import type { Waiver } from '../config/types.js';
import type { CfnTemplate } from '../template/types.js';
import { BASELINE_RULES } from './baseline/index.js';
import { pointerOf, type Finding } from './finding.js';
import { isObj } from './values.js';

export interface PlacedWaiver extends Waiver {
  /** Where the waiver is written: a JSON pointer into the template, or the config file. */
  origin: { pointer: string } | { file: string };
}

const MIN_REASON = 10;

export function collectWaivers(template: CfnTemplate, configWaivers: readonly Waiver[], configFile?: string): { waivers: PlacedWaiver[]; findings: Finding[] } {
  const waivers: PlacedWaiver[] = configWaivers.map((w) => ({ ...w, origin: { file: configFile ?? 'sftpgw.yaml' } }));
  const findings: Finding[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const declared = isObj(r) ? (r.Metadata as { sftpgw?: { waivers?: unknown } } | undefined)?.sftpgw?.waivers : undefined;
    if (declared === undefined) continue;
    const pointer = pointerOf('Resources', id, 'Metadata', 'sftpgw', 'waivers');
    if (!isObj(declared)) {
      findings.push({ severity: 'error', rule: 'waiver/invalid', layer: 'baseline', logicalId: id, resourceType: r.Type, pointer, message: 'Metadata.sftpgw.waivers must map rule ids to reasons', hint: 'write { "baseline/<rule>": "why this protection is not needed here" }' });
      continue;
    }
    for (const [rule, reason] of Object.entries(declared)) {
      if (typeof reason !== 'string' || reason.trim().length < MIN_REASON) {
        findings.push({ severity: 'error', rule: 'waiver/invalid', layer: 'baseline', logicalId: id, resourceType: r.Type, pointer: `${pointer}/${rule.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: `the waiver of ${rule} has no reason (at least ${MIN_REASON} characters)`, hint: 'say why the protection is not needed here; reports repeat it' });
        continue;
      }
      waivers.push({ rule, resource: id, reason: reason.trim(), origin: { pointer } });
    }
  }
  return { waivers, findings };
}

/** Marks waived findings; reports waivers that name no rule or match nothing. */
export function applyWaivers(findings: Finding[], waivers: readonly PlacedWaiver[]): Finding[] {
  const known = new Set(BASELINE_RULES.map((r) => r.id));
  const extra: Finding[] = [];
  for (const w of waivers) {
    const where = 'file' in w.origin ? { pointer: '', source: { file: w.origin.file } } : { pointer: w.origin.pointer, logicalId: w.resource };
    if (!known.has(w.rule)) {
      extra.push({ severity: 'error', rule: 'waiver/unknown-rule', layer: 'baseline', ...where, message: `waiver for ${w.resource} names ${w.rule}, which is not a baseline rule`, hint: `only baseline rules can be waived: ${[...known].join(', ')}` });
      continue;
    }
    let used = false;
    for (const f of findings) {
      if (f.rule === w.rule && f.logicalId === w.resource && f.layer === 'baseline') {
        f.waived = w.reason;
        used = true;
      }
    }
    if (!used) extra.push({ severity: 'warning', rule: 'waiver/unused', layer: 'baseline', ...where, message: `waiver of ${w.rule} for ${w.resource} matches nothing (the resource complies, or does not exist)`, hint: 'remove the waiver' });
  }
  return [...findings, ...extra];
}
