// baseline/user-home-nested: no SFTP user's home directory lies inside
// another user's, or is the same. A session policy allows its user's prefix
// and everything below it, so the outer user reads (and, unless read-only,
// overwrites and deletes) the inner user's files: one partner reading
// another's. An intended nesting (an auditor over a team's folders) is waived
// for the inner user, with a reason, like any baseline rule.
//
// Exact, in O(n log n): homes are compared by path segments ("team" holds
// "team/sub", not "team-x"). Sorted with "/" below every other character,
// the paths come in depth-first order of their segment tree, so each path's
// enclosing paths are exactly the stack of paths still open above it.
//
// With child stacks (userStacks) the users are spread over several
// templates; the caller passes every template's users (gatewayUserHomes) so
// that a nesting across stacks is found too, reported in the inner user's
// template where its waiver applies.
import type { CfnResource, CfnTemplate } from '../../../template/types.js';
import type { Finding } from '../../finding.js';
import { isObj } from '../../values.js';
import { dig, list, props, violation, type BaselineRule } from '../baseline-rule.js';
import type { UserHome } from './user-home.js';

export type { UserHome };

/**
 * A home target as written (`text`) and as a comparable path (`key`: each
 * ${Var} of an Fn::Sub variable map replaced by the value it stands for, so
 * the same bucket compares equal however it is named).
 */
function targetPath(target: unknown): { text: string; key: string } | undefined {
  if (typeof target === 'string') return { text: target, key: target };
  const sub = isObj(target) ? target['Fn::Sub'] : undefined;
  if (typeof sub === 'string') return { text: sub, key: sub };
  if (!Array.isArray(sub) || typeof sub[0] !== 'string') return undefined;
  const vars = isObj(sub[1]) ? sub[1] : {};
  return {
    text: sub[0],
    key: sub[0].replace(/\$\{([^}!]+)\}/g, (m, name: string) =>
      Object.hasOwn(vars, name) ? `\${${JSON.stringify(vars[name])}}` : m,
    ),
  };
}

const trimSlashes = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/** Every home of the users in a gateway's templates (root, then child stacks). */
export function gatewayUserHomes(
  templates: readonly { stack?: string; template: CfnTemplate }[],
): UserHome[] {
  const out: UserHome[] = [];
  for (const { stack, template } of templates) {
    for (const [id, r] of Object.entries(template.Resources ?? {})) {
      if (!isObj(r) || r.Type !== 'AWS::Transfer::User') continue;
      const p = props(r);
      const targets =
        p.HomeDirectoryType === 'LOGICAL'
          ? list(p.HomeDirectoryMappings).map((m) => dig(m, 'Target'))
          : [p.HomeDirectory];
      const user = typeof p.UserName === 'string' ? p.UserName : id;
      for (const target of targets) {
        const t = targetPath(target);
        if (!t) continue;
        // The shipped target is /${Bucket}/<home>: show the home as the user file says it.
        out.push({
          resource: r,
          where: stack ? `${stack}/${id}` : id,
          user,
          key: trimSlashes(t.key),
          shown: trimSlashes(t.text.replace(/^\/\$\{[^}]+\}\//, '')),
        });
      }
    }
  }
  return out;
}

export interface HomeOverlap {
  home: UserHome;
  /** Users whose home holds this user's home. */
  inside: UserHome[];
  /** Users with the same home. */
  same: UserHome[];
}

/** For each user whose home is inside or the same as another user's: those users. */
export function nestedHomes(homes: readonly UserHome[]): Map<CfnResource, HomeOverlap> {
  const sortKey = (h: UserHome) => h.key.replaceAll('/', '\u0000');
  const sorted = homes
    .map((h) => ({ h, k: sortKey(h) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const out = new Map<CfnResource, HomeOverlap>();
  const open: UserHome[][] = []; // groups of equal homes, each enclosing the next
  for (let i = 0; i < sorted.length; ) {
    const group: UserHome[] = [];
    const k = sorted[i].k;
    for (; i < sorted.length && sorted[i].k === k; i++) group.push(sorted[i].h);
    const key = group[0].key;
    while (open.length > 0 && !key.startsWith(open[open.length - 1][0].key.replace(/\/?$/, '/')))
      open.pop();
    const enclosing = open.flat();
    for (const h of group) {
      const inside = enclosing.filter((o) => o.resource !== h.resource);
      const same = group.filter((o) => o.resource !== h.resource);
      if (inside.length === 0 && same.length === 0) continue;
      const seen = out.get(h.resource);
      if (seen) {
        seen.inside.push(...inside.filter((o) => !seen.inside.includes(o)));
        seen.same.push(...same.filter((o) => !seen.same.includes(o)));
      } else out.set(h.resource, { home: h, inside, same });
    }
    open.push(group);
  }
  return out;
}

const cache = new WeakMap<readonly UserHome[], Map<CfnResource, HomeOverlap>>();

function overlapsOf(homes: readonly UserHome[]): Map<CfnResource, HomeOverlap> {
  let m = cache.get(homes);
  if (!m) cache.set(homes, (m = nestedHomes(homes)));
  return m;
}

const names = (hs: readonly UserHome[]) =>
  [...new Map(hs.map((h) => [h.resource, h])).values()]
    .map((h) => `${h.user} ("${h.shown}")`)
    .join(', ');

export const userHomeNested: BaselineRule = {
  id: 'baseline/user-home-nested',
  description: "no user's home directory is inside another user's, or the same",
  check(ctx) {
    const users = ctx.ofType('AWS::Transfer::User');
    if (users.length === 0) return [];
    const overlaps = overlapsOf(ctx.userHomes ?? gatewayUserHomes([{ template: ctx.template }]));
    const out: Finding[] = [];
    for (const [id, r] of users) {
      const o = overlaps.get(r);
      if (!o) continue;
      const parts = [
        ...(o.inside.length
          ? [`is inside the home${o.inside.length > 1 ? 's' : ''} of ${names(o.inside)}`]
          : []),
        ...(o.same.length ? [`is also the home of ${names(o.same)}`] : []),
      ];
      const who = [...new Set([...o.inside, ...o.same].map((h) => h.user))].join(', ');
      const at =
        props(r).HomeDirectoryType === 'LOGICAL' ? 'HomeDirectoryMappings' : 'HomeDirectory';
      out.push(
        violation(
          this,
          id,
          r,
          ['Properties', at],
          `home directory "${o.home.shown}" ${parts.join(' and ')}: ${who} can read this user's files (and change and delete them, unless read-only)`,
          'give each user a home of its own (homeDirectory in the user file), e.g. "team-sub" rather than "team/sub"',
        ),
      );
    }
    return out;
  },
};
