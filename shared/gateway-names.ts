// Names the CLI, the push function and the template must spell the same way:
// the gateway tag decides which destination secrets the function may read, so
// a spelling that differs in one place locks deliveries out (or lets another
// gateway's secret in). The template spells the tag in jsonnet
// (libsonnet/tags.libsonnet `gatewayTag`); test/config/gateway-names.unit.test.ts checks
// the two agree.

/** Tag key on every resource and destination secret; its value is the stack name. */
export const GATEWAY_TAG = 'sftpgw:gateway';

/** outbound.secretPrefix when sftpgw.yaml sets none: secrets are `<prefix>/<key>`. */
export function defaultSecretPrefix(stackName: string): string {
  return `sftpgw/${stackName}`;
}

/** The secret that names destination `key`: `<prefix>/<key>` (a trailing slash on the prefix is dropped). */
export function destinationSecretName(prefix: string, key: string): string {
  return `${prefix.replace(/\/+$/, '')}/${key}`;
}
