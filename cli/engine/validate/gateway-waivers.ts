// The config's waivers judged over the whole gateway (the root and its child
// stacks): one that waives a finding in any stack is used, and one that
// matches nothing (or names no resource) is reported once, not once per stack.
import type { ResolvedConfig } from '../config/types.js';
import { displayPath } from '../paths.js';
import type { CfnTemplate } from '../template/types.js';
import type { Finding } from './finding.js';
import type { ChildInput } from './input.js';
import { placeConfigWaivers, resourceIndex, waiverProblems, type PlacedWaiver } from './waivers.js';

export function gatewayWaiverProblems(
  config: ResolvedConfig,
  root: CfnTemplate,
  children: readonly ChildInput[],
  findings: readonly Finding[],
): Finding[] {
  // A root resource wins over a child's of the same logical id.
  const resources = new Map([
    ...children.flatMap((c) => [...resourceIndex(c.template.Resources, c.id)]),
    ...resourceIndex(root.Resources),
  ]);
  const waivedBy = (w: PlacedWaiver) =>
    findings.some(
      (f) =>
        f.waived !== undefined &&
        f.rule === w.rule &&
        (f.logicalId === w.resource || f.logicalId?.endsWith(`/${w.resource}`)),
    );
  return waiverProblems(
    placeConfigWaivers(config.waivers, displayPath(config.file)),
    waivedBy,
    resources,
  );
}
