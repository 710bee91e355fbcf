// The layers that run in this process on one template: schema, semantic
// (references, quotas, IAM documents and sizes), baseline, then the waivers
// (of the template's Metadata and the config); every finding at once.
// cfn-lint runs beside them (./template-checks.ts).
import type { ConfigWaiver } from '../config/types.js';
import type { CfnTemplate } from '../template/types.js';
import { baselineFindings } from './rules/baseline.js';
import type { UserHome } from './rules/transfer/user-home.js';
import { sortFindings, type Finding } from './finding.js';
import { policyDocuments, policyFindings } from './rules/iam/policies.js';
import { schemaFindings } from './schema-layer.js';
import { iamPolicySizeFindings, type PolicyDriver } from './rules/iam/policy-size.js';
import { quotaFindings } from './rules/template/quotas.js';
import { hostKeyBodyFindings } from './rules/transfer/host-key-body.js';
import { referenceFindings, type DependencyGraph } from './rules/template/references.js';
import { applyWaivers, collectWaivers, resourceIndex } from './waivers.js';

export interface LayerSettings {
  /** Tags every taggable resource must carry (the config's shared tags). */
  sharedTags?: Record<string, string>;
  /** iam.permissionsBoundary: every role must carry it. */
  permissionsBoundary?: string;
  /** Values the config supplies (ARNs): not hard-coded locations. */
  configuredValues?: readonly string[];
  /** Waivers from the config. */
  waivers?: readonly ConfigWaiver[];
  /** The config file, to point at when a config waiver is wrong. */
  configFile?: string;
  /** Report config waivers that match nothing here (default); false when the caller judges them over several templates. */
  reportConfigWaivers?: boolean;
  /** Bytes of the template as deploy sends it; default measured (minified JSON, ../template/deploy-body.ts). */
  bodyBytes?: number;
  /** The template's text as written or read (counting dynamic references in it is cheaper than a walk). */
  text?: string;
  /** Every user home of the gateway, when its users span several templates (child stacks). */
  userHomes?: readonly UserHome[];
  /** The stack's name when known (the root's, from the config): IAM policies are measured with it. */
  stackName?: string;
  /** Config keys that grow a role's or managed policy's size, to name when it is over IAM's quota. */
  policyDrivers?: readonly PolicyDriver[];
}

export interface TemplateValidation {
  findings: Finding[];
  graph: DependencyGraph;
}

/** Schema, references, quotas, IAM documents, baseline rules, waivers. */
export async function runLayers(
  template: CfnTemplate,
  opts: LayerSettings = {},
): Promise<TemplateValidation> {
  const findings: Finding[] = await schemaFindings(template);
  if (!template || typeof template !== 'object' || Array.isArray(template))
    return { findings, graph: new Map() };
  const { findings: refs, graph, arnStrings } = referenceFindings(template);
  findings.push(
    ...refs,
    ...quotaFindings(template, { bodyBytes: opts.bodyBytes, text: opts.text }),
    ...hostKeyBodyFindings(template),
    ...iamPolicySizeFindings(template, {
      stackName: opts.stackName,
      drivers: opts.policyDrivers,
    }),
  );
  const docs = policyDocuments(template);
  findings.push(...policyFindings(docs));
  const { waivers, findings: waiverProblems } = collectWaivers(
    template,
    opts.waivers ?? [],
    opts.configFile,
  );
  findings.push(...waiverProblems);
  const all = applyWaivers(
    [
      ...findings,
      ...baselineFindings(
        template,
        docs,
        {
          sharedTags: opts.sharedTags,
          permissionsBoundary: opts.permissionsBoundary,
          configuredValues: opts.configuredValues,
          userHomes: opts.userHomes,
        },
        arnStrings,
      ),
    ],
    waivers,
    resourceIndex(template.Resources),
    opts.reportConfigWaivers ?? true,
  );
  return { findings: sortFindings(all), graph };
}
