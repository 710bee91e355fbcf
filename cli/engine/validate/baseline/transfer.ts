// Baseline for the Transfer Family server and its users.
import { isCurrentSecurityPolicy, MIN_SECURITY_POLICY } from '../../security-policy.js';
import type { Finding } from '../finding.js';
import { dig, list, props, violation, type BaselineRule } from './context.js';
import { userHomeNested } from './user-homes.js';


export const transferSftpOnly: BaselineRule = {
  id: 'baseline/transfer-sftp-only',
  description: 'servers speak SFTP only',
  check(ctx) {
    return ctx.ofType('AWS::Transfer::Server').flatMap(([id, r]) => {
      const protocols = list(props(r).Protocols);
      return protocols.length === 1 && protocols[0] === 'SFTP' ? []
        : [violation(this, id, r, ['Properties', 'Protocols'], `protocols are ${protocols.length ? JSON.stringify(protocols) : 'not set'}, not exactly ["SFTP"]`, 'set Protocols: [SFTP] (FTP and FTPS need other controls this gateway does not provide)')];
    });
  },
};

export const transferSecurityPolicy: BaselineRule = {
  id: 'baseline/transfer-security-policy',
  description: `servers use TransferSecurityPolicy-${MIN_SECURITY_POLICY} or newer`,
  check(ctx) {
    return ctx.ofType('AWS::Transfer::Server').flatMap(([id, r]) => {
      const name = props(r).SecurityPolicyName;
      if (typeof name !== 'string' && name !== undefined) return []; // computed: cfn-lint and AWS check it
      return name && isCurrentSecurityPolicy(name) ? []
        : [violation(this, id, r, ['Properties', 'SecurityPolicyName'], name ? `${name} is older than TransferSecurityPolicy-${MIN_SECURITY_POLICY}` : 'no SecurityPolicyName: the server would use the 2018 default', `set SecurityPolicyName: TransferSecurityPolicy-${MIN_SECURITY_POLICY} or newer`)];
    });
  },
};

export const transferLogging: BaselineRule = {
  id: 'baseline/transfer-logging',
  description: 'servers log (structured logs to a log group, through a logging role)',
  check(ctx) {
    const out: Finding[] = [];
    for (const [id, r] of ctx.ofType('AWS::Transfer::Server')) {
      const p = props(r);
      if (p.LoggingRole === undefined) out.push(violation(this, id, r, ['Properties', 'LoggingRole'], 'the server has no logging role', 'set LoggingRole to a role Transfer Family can assume to write logs'));
      if (list(p.StructuredLogDestinations).length === 0) out.push(violation(this, id, r, ['Properties', 'StructuredLogDestinations'], 'the server has no structured log destination', 'set StructuredLogDestinations: [the log group ARN]'));
    }
    return out;
  },
};

export const userLogicalHome: BaselineRule = {
  id: 'baseline/user-logical-home',
  description: 'users have a LOGICAL home directory mapping "/" to their own prefix',
  check(ctx) {
    const out: Finding[] = [];
    for (const [id, r] of ctx.ofType('AWS::Transfer::User')) {
      const p = props(r);
      if (p.HomeDirectoryType !== 'LOGICAL') {
        out.push(violation(this, id, r, ['Properties', 'HomeDirectoryType'], `HomeDirectoryType is ${p.HomeDirectoryType === undefined ? 'not set (PATH)' : JSON.stringify(p.HomeDirectoryType)}: the user sees real bucket paths`, 'set HomeDirectoryType: LOGICAL with HomeDirectoryMappings [{ Entry: /, Target: /<bucket>/<home> }]'));
      } else if (!list(p.HomeDirectoryMappings).some((m) => dig(m, 'Entry') === '/')) {
        out.push(violation(this, id, r, ['Properties', 'HomeDirectoryMappings'], 'no home directory mapping for "/"', 'map Entry "/" to the user\'s own prefix'));
      }
    }
    return out;
  },
};

export const userSessionPolicy: BaselineRule = {
  id: 'baseline/user-session-policy',
  description: 'users have a session policy scoping the shared role to their prefix',
  check(ctx) {
    return ctx.ofType('AWS::Transfer::User').filter(([, r]) => props(r).Policy === undefined)
      .map(([id, r]) => violation(this, id, r, ['Properties', 'Policy'], 'no session policy: the user gets everything the shared role allows (every user\'s files)', 'set Policy to a session policy limited to the user\'s prefix'));
  },
};

export const transferRules = [transferSftpOnly, transferSecurityPolicy, transferLogging, userLogicalHome, userSessionPolicy, userHomeNested];
