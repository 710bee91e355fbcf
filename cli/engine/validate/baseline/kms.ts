// Baseline for the gateway's KMS key: rotation, an alias, and a key policy
// that never grants to a wildcard principal.
import type { Finding } from '../finding.js';
import { statementsOf, strings, label } from '../policies.js';
import { dig, isTrue, props, target, violation, type BaselineRule } from './context.js';

const KEY = 'AWS::KMS::Key';

export const kmsRotation: BaselineRule = {
  id: 'baseline/kms-rotation',
  description: 'symmetric keys rotate yearly',
  check(ctx) {
    const out: Finding[] = [];
    for (const [id, r] of ctx.ofType(KEY)) {
      const p = props(r);
      const symmetric = p.KeySpec === undefined || p.KeySpec === 'SYMMETRIC_DEFAULT';
      if (symmetric && !isTrue(p.EnableKeyRotation)) out.push(violation(this, id, r, ['Properties', 'EnableKeyRotation'], 'key rotation is off', 'set EnableKeyRotation: true'));
    }
    return out;
  },
};

export const kmsAlias: BaselineRule = {
  id: 'baseline/kms-alias',
  description: 'every key has an alias (operators find it by name)',
  check(ctx) {
    const aliased = new Set(ctx.ofType('AWS::KMS::Alias').map(([, a]) => target(props(a).TargetKeyId)));
    return ctx.ofType(KEY).filter(([id]) => !aliased.has(id)).map(([id, r]) => violation(this, id, r, [], 'no AWS::KMS::Alias points at this key', 'add an alias, e.g. alias/sftpgw/<stack>, with TargetKeyId: { Ref: <key> }'));
  },
};

export const kmsNoWildcardPrincipal: BaselineRule = {
  id: 'baseline/kms-no-wildcard-principal',
  description: 'key policies grant only to named principals',
  check(ctx) {
    const out: Finding[] = [];
    for (const doc of ctx.docs) {
      if (doc.kind !== 'key') continue;
      const r = ctx.resource(doc.logicalId);
      if (!r) continue;
      for (const st of statementsOf(doc)) {
        const s = st.statement;
        const wildcard = s.Principal === '*' || strings(dig(s, 'Principal', 'AWS')).includes('*');
        if (s.Effect === 'Allow' && wildcard) {
          out.push({ ...violation(this, doc.logicalId, r, [], `key policy statement ${label(st)} allows Principal "*"`, 'name the account root, roles or services that need the key'), pointer: st.pointer });
        }
      }
    }
    return out;
  },
};

export const kmsRules = [kmsRotation, kmsAlias, kmsNoWildcardPrincipal];
