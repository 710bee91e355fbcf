// Baseline for the server's VPC endpoint (docs/endpoint.md): its Elastic IPs
// outlive every stack operation, and its security groups admit SFTP only,
// only from listed networks, and send nothing out.
//
// The security group rules apply to the groups a Transfer server's
// EndpointDetails names (and to separate ingress/egress resources of those
// groups): a group a repository adds for something else (say, a function in
// a VPC that connects out) is not the endpoint's and may need other rules.
import type { CfnResource } from '../../../template/types.js';
import type { Finding } from '../../finding.js';
import { isObj, type Obj } from '../../values.js';
import {
  dig,
  list,
  props,
  retains,
  target,
  violation,
  warning,
  type BaselineContext,
  type BaselineRule,
} from '../baseline-rule.js';

export const ANYWHERE_IPV4 = '0.0.0.0/0';
const ANYWHERE_IPV6 = '::/0';

/** Logical ids of the security groups on a Transfer server's endpoint. */
function endpointGroups(ctx: BaselineContext): Set<string> {
  const ids = new Set<string>();
  for (const [, r] of ctx.ofType('AWS::Transfer::Server'))
    for (const g of list(dig(props(r), 'EndpointDetails', 'SecurityGroupIds'))) {
      const id = target(g);
      if (id) ids.add(id);
    }
  return ids;
}

interface RuleAt {
  id: string;
  r: CfnResource;
  at: (string | number)[];
  rule: Obj;
}

/** Every ingress (or egress) rule of the endpoint's groups: inline, or a resource of its own. */
function rulesOf(ctx: BaselineContext, direction: 'Ingress' | 'Egress'): RuleAt[] {
  const groups = endpointGroups(ctx);
  const out: RuleAt[] = [];
  for (const [id, r] of ctx.ofType('AWS::EC2::SecurityGroup')) {
    if (!groups.has(id)) continue;
    list(props(r)[`SecurityGroup${direction}`]).forEach((rule, i) => {
      if (isObj(rule))
        out.push({ id, r, at: ['Properties', `SecurityGroup${direction}`, i], rule });
    });
  }
  for (const [id, r] of ctx.ofType(`AWS::EC2::SecurityGroup${direction}`)) {
    const group = target(props(r).GroupId);
    if (group && groups.has(group)) out.push({ id, r, at: ['Properties'], rule: props(r) });
  }
  return out;
}

const isTcp = (p: unknown) => p === 'tcp' || p === '6' || p === 6;
const port = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);

export const eipRetained: BaselineRule = {
  id: 'baseline/eip-retained',
  description: 'Elastic IPs are kept on stack deletion and replacement (partners allow-list them)',
  check(ctx) {
    return ctx
      .ofType('AWS::EC2::EIP')
      .filter(([, r]) => !retains(r.DeletionPolicy) || !retains(r.UpdateReplacePolicy))
      .map(([id, r]) =>
        violation(
          this,
          id,
          r,
          [],
          `DeletionPolicy ${r.DeletionPolicy ?? '(Delete)'} / UpdateReplacePolicy ${r.UpdateReplacePolicy ?? '(Delete)'}: a stack operation would release the address partners allow-list`,
          'set DeletionPolicy: Retain and UpdateReplacePolicy: Retain',
        ),
      );
  },
};

export const endpointSshOnly: BaselineRule = {
  id: 'baseline/endpoint-ssh-only',
  description: "the endpoint's security groups admit TCP port 22 only",
  check(ctx) {
    return rulesOf(ctx, 'Ingress')
      .filter(
        ({ rule }) =>
          !isTcp(rule.IpProtocol) || port(rule.FromPort) !== 22 || port(rule.ToPort) !== 22,
      )
      .map(({ id, r, at, rule }) =>
        violation(
          this,
          id,
          r,
          at,
          `admits protocol ${JSON.stringify(rule.IpProtocol)} ports ${JSON.stringify(rule.FromPort)}–${JSON.stringify(rule.ToPort)}, not TCP 22 alone`,
          'admit IpProtocol tcp, FromPort 22, ToPort 22 only: the server speaks SFTP and nothing else',
        ),
      );
  },
};

export const endpointOpenIngress: BaselineRule = {
  id: 'baseline/endpoint-open-ingress',
  description:
    "the endpoint's security groups admit listed networks, not the whole internet (0.0.0.0/0 in server.allowedSourceCidrs: a warning)",
  check(ctx) {
    const out: Finding[] = [];
    for (const { id, r, at, rule } of rulesOf(ctx, 'Ingress')) {
      const v4 = rule.CidrIp === ANYWHERE_IPV4;
      if (!v4 && rule.CidrIpv6 !== ANYWHERE_IPV6) continue;
      const message = `admits ${v4 ? ANYWHERE_IPV4 : ANYWHERE_IPV6}: the server is open to the whole internet`;
      // Asked for in sftpgw.yaml (server.allowedSourceCidrs): a finding to see, not a broken protection.
      out.push(
        v4 && ctx.configuredValues.has(ANYWHERE_IPV4)
          ? warning(
              this,
              id,
              r,
              at,
              `${message} (server.allowedSourceCidrs asks for it)`,
              "list the partners' networks instead (their user files' allowedSourceCidrs)",
            )
          : violation(
              this,
              id,
              r,
              at,
              message,
              "admit the partners' networks only: allowedSourceCidrs in their user files",
            ),
      );
    }
    return out;
  },
};

export const endpointEgressRestricted: BaselineRule = {
  id: 'baseline/endpoint-egress-restricted',
  description:
    "the endpoint's security groups replace EC2's allow-all egress (the endpoint only answers)",
  check(ctx) {
    const groups = endpointGroups(ctx);
    const out: Finding[] = [];
    for (const [id, r] of ctx.ofType('AWS::EC2::SecurityGroup'))
      if (groups.has(id) && props(r).SecurityGroupEgress === undefined)
        out.push(
          violation(
            this,
            id,
            r,
            ['Properties'],
            'no SecurityGroupEgress: EC2 adds a rule allowing all traffic out',
            'set SecurityGroupEgress to a rule that matches nothing (see libsonnet/endpoint.libsonnet noEgress): replies to admitted sessions need no egress rule',
          ),
        );
    for (const { id, r, at, rule } of rulesOf(ctx, 'Egress'))
      if (rule.CidrIp === ANYWHERE_IPV4 || rule.CidrIpv6 === ANYWHERE_IPV6)
        out.push(
          violation(
            this,
            id,
            r,
            at,
            `allows traffic out to ${rule.CidrIp ?? rule.CidrIpv6}`,
            'remove it: the endpoint starts no connection of its own',
          ),
        );
    return out;
  },
};

export const networkRules = [
  eipRetained,
  endpointSshOnly,
  endpointOpenIngress,
  endpointEgressRestricted,
];
