// Baseline for the whole template: shared tags on everything taggable, and
// no hard-coded partition, region or account (pseudo parameters instead), so
// one template deploys to any account, region and partition.
import type { Finding } from '../finding.js';
import { isObj } from '../policies.js';
import { typeInfo } from '../resource-types.js';
import { props, violation, type BaselineRule } from './context.js';

const GATEWAY_TAG = 'sftpgw:gateway';

export const sharedTags: BaselineRule = {
  id: 'baseline/shared-tags',
  description: 'taggable resources carry every shared tag, and the sftpgw:gateway tag with the stack\'s name',
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
      const wrong = wanted.filter(([k, v]) => !tags.has(k) || (k === GATEWAY_TAG && tags.get(k) !== v)).map(([k]) => k);
      if (wrong.length > 0) out.push(violation(this, id, r, ['Properties', tagProperty], `missing shared tags: ${wrong.join(', ')}`, 'apply the shared tags (sftpgw.tags.mixin in libsonnet, or Tags with the config\'s tags)'));
    }
    return out;
  },
};

/** Tags as a map, from a list of {Key, Value} or a plain object; undefined when computed. */
function tagMap(v: unknown): Map<string, unknown> | undefined {
  if (v === undefined) return new Map();
  if (Array.isArray(v)) return new Map(v.filter(isObj).map((t) => [String(t.Key), t.Value]));
  if (isObj(v) && !Object.keys(v).some((k) => k === 'Ref' || k.startsWith('Fn::'))) return new Map(Object.entries(v));
  return undefined;
}

// Region and account are only judged inside ARNs and endpoints: a key
// comment or description may mention a region harmlessly.
const HARD_CODED: { re: RegExp; what: string; use: string; arnish?: boolean }[] = [
  { re: /arn:aws(-[a-z-]+)?:/, what: 'partition', use: 'arn:${AWS::Partition}:' },
  { re: /\b(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b/, what: 'region', use: '${AWS::Region}', arnish: true },
  { re: /:\d{12}:/, what: 'account id', use: '${AWS::AccountId}', arnish: true },
];
const ARNISH = /arn:|\.amazonaws\.com/;

export const noHardCodedLocation: BaselineRule = {
  id: 'baseline/no-hard-coded-location',
  description: 'no hard-coded partition, region or account id (use pseudo parameters)',
  check(ctx) {
    const out: Finding[] = [];
    const path: (string | number)[] = ['Properties'];
    for (const [id, r] of Object.entries(ctx.template.Resources ?? {})) {
      if (!isObj(r)) continue;
      const found = new Set<string>();
      const scan = (v: unknown) => {
        if (typeof v === 'string') {
          if (!v.includes(':') && !v.includes('-')) return;
          for (const h of HARD_CODED) {
            if (found.has(h.what) || (h.arnish && !ARNISH.test(v)) || !h.re.test(v)) continue;
            found.add(h.what);
            out.push(violation(this, id, r, [...path], `a hard-coded ${h.what}`, `write ${h.use} (Fn::Sub) so the template deploys anywhere`));
          }
        } else if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) { path.push(i); scan(v[i]); path.pop(); }
        } else if (isObj(v)) {
          for (const k in v) { path.push(k); scan(v[k]); path.pop(); }
        }
      };
      scan(r.Properties);
    }
    return out;
  },
};

export const portableRules = [sharedTags, noHardCodedLocation];
