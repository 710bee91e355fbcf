// Layer 2: an AWS::Transfer::HostKey's HostKeyBody is a Secrets Manager
// dynamic reference, never the key. The shipped libsonnet writes
// {{resolve:secretsmanager:<secret>:SecretString}} (host-keys.libsonnet); a
// hand-patched template or a --template could put the private key itself
// there, and a template is written to disk, uploaded to S3 and shown by
// GetTemplate to anyone who may read the stack. Not a baseline rule: a
// private key in a template is never waived. No finding quotes the value.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
import type { CfnTemplate } from '../../../template/types.js';
import { looksLikePrivateKey } from '../../../users/keys.js';
import { pointerOf, type Finding } from '../../finding.js';
import { isObj } from '../../values.js';

export const HOST_KEY_TYPE = 'AWS::Transfer::HostKey';
export const HOST_KEY_BODY_RULE = 'transfer/host-key-dynamic-reference';

/**
 * {{resolve:secretsmanager:<secret-id>[:SecretString[:json-key[:version-stage[:version-id]]]]}},
 * alone (in Fn::Sub it may hold ${…} variables).
 */
const SECRETS_MANAGER_REFERENCE = /^\{\{resolve:secretsmanager:(?:[^{}\s$]|\$\{[^{}\s]*\})+\}\}$/;

const HINT =
  'set HostKeyBody to {{resolve:secretsmanager:<secret name or ARN>:SecretString}}, the private key kept in that secret (server.hostKeys in sftpgw.yaml writes it so; docs/keys.md#the-servers-host-keys)';

/** What HostKeyBody is, in words that never include it; undefined when it is a dynamic reference. */
function problemOf(body: unknown): { message: string; severity: 'error' | 'warning' } | undefined {
  if (typeof body === 'string') {
    if (SECRETS_MANAGER_REFERENCE.test(body)) return undefined;
    if (looksLikePrivateKey(body))
      return {
        severity: 'error',
        message:
          'HostKeyBody holds a private key (not shown): the template would carry it to disk, S3 and GetTemplate; treat the key as exposed',
      };
    return {
      severity: 'error',
      message: `HostKeyBody is literal text (${body.length} characters, not shown), not a {{resolve:secretsmanager:…}} dynamic reference`,
    };
  }
  if (isObj(body) && typeof body['Fn::Sub'] === 'string') {
    return SECRETS_MANAGER_REFERENCE.test(body['Fn::Sub']) ? undefined : problemOf(body['Fn::Sub']);
  }
  if (isObj(body) && Array.isArray(body['Fn::Sub']) && typeof body['Fn::Sub'][0] === 'string') {
    return SECRETS_MANAGER_REFERENCE.test(body['Fn::Sub'][0])
      ? undefined
      : problemOf(body['Fn::Sub'][0]);
  }
  const fn = isObj(body) ? Object.keys(body)[0] : typeof body;
  return {
    severity: 'warning',
    message: `HostKeyBody is ${fn}, not a {{resolve:secretsmanager:…}} dynamic reference: the private key may pass through a parameter or another value CloudFormation keeps and shows`,
  };
}

export function hostKeyBodyFindings(template: CfnTemplate): Finding[] {
  const out: Finding[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (!isObj(r) || r.Type !== HOST_KEY_TYPE || !isObj(r.Properties)) continue;
    if (!('HostKeyBody' in r.Properties)) continue;
    const problem = problemOf(r.Properties.HostKeyBody);
    if (!problem) continue;
    out.push({
      severity: problem.severity,
      rule: HOST_KEY_BODY_RULE,
      layer: 'semantic',
      logicalId: id,
      resourceType: HOST_KEY_TYPE,
      pointer: pointerOf('Resources', id, 'Properties', 'HostKeyBody'),
      message: problem.message,
      hint: HINT,
    });
  }
  return out;
}
