// Waivers: a gateway may accept the absence of one baseline protection on one
// resource, with a written reason, in sftpgw.yaml (validation.waivers) or in
// the resource's Metadata ({ sftpgw: { waivers: { <rule>: <reason> } } }).
// A waived finding stays in every report, with its reason.
import type { ConfigWaiver, Waiver } from '../config/types.js';
import { suggestName } from '../suggest.js';
import type { CfnTemplate } from '../template/types.js';
import { BASELINE_RULES } from './rules/baseline.js';
import { pointerOf, type Finding, type SourceLocation } from './finding.js';
import { isObj } from './values.js';

export interface PlacedWaiver extends Waiver {
  /** Where the waiver is written: a JSON pointer into the template, or the config file (and its line there). */
  origin: { pointer: string } | SourceLocation;
}

const MIN_REASON = 10;

/** Config waivers, each with where it is written (the config file and its line there). */
export function placeConfigWaivers(
  configWaivers: readonly ConfigWaiver[],
  configFile?: string,
): PlacedWaiver[] {
  return configWaivers.map(({ field, line, ...w }) => ({
    ...w,
    origin: {
      file: configFile ?? 'sftpgw.yaml',
      ...(line !== undefined ? { line } : {}),
      ...(field !== undefined ? { field } : {}),
    },
  }));
}

export function collectWaivers(
  template: CfnTemplate,
  configWaivers: readonly ConfigWaiver[],
  configFile?: string,
): { waivers: PlacedWaiver[]; findings: Finding[] } {
  const waivers = placeConfigWaivers(configWaivers, configFile);
  const findings: Finding[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const declared = isObj(r)
      ? (r.Metadata as { sftpgw?: { waivers?: unknown } } | undefined)?.sftpgw?.waivers
      : undefined;
    if (declared === undefined) continue;
    const pointer = pointerOf('Resources', id, 'Metadata', 'sftpgw', 'waivers');
    if (!isObj(declared)) {
      findings.push({
        severity: 'error',
        rule: 'waiver/invalid',
        layer: 'baseline',
        logicalId: id,
        resourceType: r.Type,
        pointer,
        message: 'Metadata.sftpgw.waivers must map rule ids to reasons',
        hint: 'write { "baseline/<rule>": "why this protection is not needed here" }',
      });
      continue;
    }
    for (const [rule, reason] of Object.entries(declared)) {
      if (typeof reason !== 'string' || reason.trim().length < MIN_REASON) {
        findings.push({
          severity: 'error',
          rule: 'waiver/invalid',
          layer: 'baseline',
          logicalId: id,
          resourceType: r.Type,
          pointer: `${pointer}/${rule.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          message: `the waiver of ${rule} has no reason (at least ${MIN_REASON} characters)`,
          hint: 'say why the protection is not needed here; reports repeat it',
        });
        continue;
      }
      waivers.push({ rule, resource: id, reason: reason.trim(), origin: { pointer } });
    }
  }
  return { waivers, findings };
}

/** The resources waivers may name, by logical id: the template's, or a whole gateway's (a child stack's under `<stack>/<id>`). */
export type ResourceIndex = ReadonlyMap<string, { id: string; type?: string }>;

export function resourceIndex(
  resources: CfnTemplate['Resources'] | undefined,
  stack?: string,
): Map<string, { id: string; type?: string }> {
  return new Map(
    Object.entries(resources ?? {}).map(([id, r]) => [
      id,
      {
        id: stack ? `${stack}/${id}` : id,
        type: isObj(r) && typeof r.Type === 'string' ? r.Type : undefined,
      },
    ]),
  );
}

const fromConfig = (w: PlacedWaiver) => 'file' in w.origin;

/**
 * Marks waived findings and reports waivers that name no rule or match
 * nothing. `reportConfigWaivers: false` leaves the report on config waivers
 * to the caller: a gateway with child stacks judges them over all its
 * templates at once (see waiverProblems).
 */
export function applyWaivers(
  findings: Finding[],
  waivers: readonly PlacedWaiver[],
  resources: ResourceIndex = new Map(),
  reportConfigWaivers = true,
): Finding[] {
  const used = new Set<PlacedWaiver>();
  for (const w of waivers) {
    for (const f of findings) {
      if (
        f.rule === w.rule &&
        f.logicalId === w.resource &&
        f.layer === 'baseline' &&
        KNOWN_RULES().has(w.rule)
      ) {
        f.waived = w.reason;
        used.add(w);
      }
    }
  }
  const reported = reportConfigWaivers ? waivers : waivers.filter((w) => !fromConfig(w));
  return [...findings, ...waiverProblems(reported, (w) => used.has(w), resources)];
}

let known: Set<string> | undefined;
const KNOWN_RULES = () => (known ??= new Set(BASELINE_RULES.map((r) => r.id)));

/**
 * Waivers that name no baseline rule (errors) or were used by no finding
 * (warnings), at the waiver (its line in the config file, or its Metadata) and
 * under the resource it names when that resource exists.
 */
export function waiverProblems(
  waivers: readonly PlacedWaiver[],
  used: (w: PlacedWaiver) => boolean,
  resources: ResourceIndex,
): Finding[] {
  const out: Finding[] = [];
  for (const w of waivers) {
    const target = resources.get(w.resource);
    const resource = target
      ? { logicalId: target.id, ...(target.type ? { resourceType: target.type } : {}) }
      : {};
    const where =
      'file' in w.origin
        ? { pointer: '', ...resource, source: w.origin }
        : { pointer: w.origin.pointer, logicalId: w.resource };
    if (!KNOWN_RULES().has(w.rule)) {
      out.push({
        severity: 'error',
        rule: 'waiver/unknown-rule',
        layer: 'baseline',
        ...where,
        message: `waiver for ${w.resource} names ${w.rule}, which is not a baseline rule`,
        hint: `only baseline rules can be waived: ${[...KNOWN_RULES()].join(', ')}`,
      });
    } else if (used(w)) {
    } else if (target) {
      out.push({
        severity: 'warning',
        rule: 'waiver/unused',
        layer: 'baseline',
        ...where,
        message: `the waiver of ${w.rule} for ${w.resource} is not needed: ${w.resource} complies with ${w.rule}`,
        hint: 'remove the waiver',
      });
    } else {
      const guess = suggestName(w.resource, [...resources.keys()]);
      out.push({
        severity: 'warning',
        rule: 'waiver/unused',
        layer: 'baseline',
        ...where,
        message: `the waiver of ${w.rule} names ${w.resource}, which is not a resource in this template`,
        hint: guess
          ? `did you mean ${guess}? (a waiver names a logical id); or remove the waiver`
          : 'name the resource by its logical id, or remove the waiver',
      });
    }
  }
  return out;
}
