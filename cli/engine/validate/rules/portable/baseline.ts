// Baseline for the whole template: shared tags on everything taggable, and
// no hard-coded partition, region or account (pseudo parameters instead), so
// one template deploys to any account, region and partition.
import { pointerOf, type Finding } from '../../finding.js';
import { isObj } from '../../values.js';
import { typeInfo } from '../../resource-types.js';
import { GATEWAY_TAG } from '../../../../../shared/gateway-names.js';
import { props, violation, type BaselineRule } from '../baseline-rule.js';

export const sharedTags: BaselineRule = {
  id: 'baseline/shared-tags',
  description: `taggable resources carry every shared tag, and the ${GATEWAY_TAG} tag with the stack's name`,
  check(ctx) {
    const wanted = Object.entries(ctx.sharedTags);
    if (wanted.length === 0) return [];
    const out: Finding[] = [];
    for (const [id, r] of Object.entries(ctx.template.Resources ?? {})) {
      const tagProperty = isObj(r) && typeInfo(r.Type)?.tagProperty;
      if (!tagProperty) continue;
      const tags = tagMap(props(r)[tagProperty]);
      if (!tags) continue; // computed tags: not ours to judge
      // A resource may give a shared tag its own value (a partner's cost centre);
      // the gateway tag, which access conditions rely on, must be exact.
      const wrong = wanted
        .filter(([k, v]) => !tags.has(k) || (k === GATEWAY_TAG && tags.get(k) !== v))
        .map(([k]) => k);
      if (wrong.length > 0)
        out.push(
          violation(
            this,
            id,
            r,
            ['Properties', tagProperty],
            `missing shared tags: ${wrong.join(', ')}`,
            "apply the shared tags (sftpgw.tags.mixin in libsonnet, or Tags with the config's tags)",
          ),
        );
    }
    return out;
  },
};

/** Tags as a map, from a list of {Key, Value} or a plain object; undefined when computed. */
function tagMap(v: unknown): Map<string, unknown> | undefined {
  if (v === undefined) return new Map();
  if (Array.isArray(v)) return new Map(v.filter(isObj).map((t) => [String(t.Key), t.Value]));
  if (isObj(v) && !Object.keys(v).some((k) => k === 'Ref' || k.startsWith('Fn::')))
    return new Map(Object.entries(v));
  return undefined;
}

// Region and account are only judged inside ARNs and endpoints (the strings
// the reference walk collects): a key comment may mention a region harmlessly.
const HARD_CODED: { re: RegExp; what: string; use: string }[] = [
  { re: /arn:aws(-[a-z-]+)?:/, what: 'partition', use: 'arn:${AWS::Partition}:' },
  {
    re: /\b(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b/,
    what: 'region',
    use: '${AWS::Region}',
  },
  { re: /:\d{12}:/, what: 'account id', use: '${AWS::AccountId}' },
];

export const noHardCodedLocation: BaselineRule = {
  id: 'baseline/no-hard-coded-location',
  description: 'no hard-coded partition, region or account id (use pseudo parameters)',
  check(ctx) {
    const out: Finding[] = [];
    const reported = new Set<string>();
    for (const s of ctx.arnStrings) {
      // An ARN the config supplies (iam.permissionsBoundary, outbound.alarms.topicArns)
      // is a per-environment setting, not a location written into the templates.
      if (ctx.configuredValues.has(s.value)) continue;
      for (const h of HARD_CODED) {
        const key = `${s.logicalId}|${h.what}`;
        if (reported.has(key) || !h.re.test(s.value)) continue;
        reported.add(key);
        const r = ctx.resource(s.logicalId)!;
        out.push({
          ...violation(
            this,
            s.logicalId,
            r,
            [],
            `a hard-coded ${h.what}`,
            `write ${h.use} (Fn::Sub) so the template deploys anywhere`,
          ),
          pointer: pointerOf(...s.path),
        });
      }
    }
    return out;
  },
};

export const portableRules = [sharedTags, noHardCodedLocation];
