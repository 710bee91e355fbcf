// What the root template says about itself: Metadata.sftpgw, written by
// libsonnet/gateway.libsonnet (`metadata::`). The engine reads the logical
// ids of the gateway's parts from here instead of spelling them, so a
// repository that renames a part (e.g. endpoint.new's addressPrefix) is read
// right. A template without it (hand-written, or deployed by an sftpgw
// before the ids were written) gets undefined: each caller says its fallback.
import type { CfnTemplate } from './types.js';

/** Metadata.sftpgw.ids: logical ids of the root stack's parts (absent: not in this gateway). */
export interface GatewayIds {
  server?: string;
  bucket?: string;
  key?: string;
  userRole?: string;
  /** The server's structured-log group (CONNECTED, CLOSE, … entries: sftpgw uploads). */
  serverLogGroup?: string;
  /** Outbound's staging bucket, push function, its log group and failure queue. */
  stagingBucket?: string;
  pushFunction?: string;
  pushLogGroup?: string;
  failureQueue?: string;
  /**
   * The server's own host keys (AWS::Transfer::HostKey), oldest first:
   * server.hostKeys in order, each DependsOn the one before; the ids come
   * from the secrets (HostKeyEd255192026a34c09), not the positions.
   * Absent: the gateway lists none.
   */
  hostKeys?: string[];
  /** Elastic IPs the stack allocates for a VPC endpoint (empty with given allocation ids). */
  serverAddresses?: string[];
  /** The prefix of their logical ids (endpoint.new's addressPrefix). */
  addressPrefix?: string;
  ingestFunction?: string;
  ingestTopic?: string;
  snowflakeRole?: string;
  /** The identity provider's parts (server.identityProvider.type lambda, and the staging template). */
  directoryBucket?: string;
  identityFunction?: string;
  identityLogGroup?: string;
}

/**
 * Who decides at login, as the template says (Metadata.sftpgw.identityProvider):
 * 'lambda' (the identity function), 'staging' (the forward switch's first
 * template: the function exists, the server is still service-managed), or
 * 'service-managed' when absent (every template before the identity provider).
 */
export type TemplateIdentityProvider = 'service-managed' | 'lambda' | 'staging';

export function identityProviderOf(template: CfnTemplate | undefined): TemplateIdentityProvider {
  const v = sftpgwMetadata(template)?.identityProvider;
  return v === 'lambda' || v === 'staging' ? v : 'service-managed';
}

function sftpgwMetadata(template: CfnTemplate | undefined): Record<string, unknown> | undefined {
  const m = (template?.Metadata as Record<string, unknown> | undefined)?.sftpgw;
  return m && typeof m === 'object' && !Array.isArray(m)
    ? (m as Record<string, unknown>)
    : undefined;
}

/** The ids the template names ({} when it has no Metadata.sftpgw.ids). */
export function gatewayIds(template: CfnTemplate | undefined): GatewayIds {
  const ids = sftpgwMetadata(template)?.ids;
  return ids && typeof ids === 'object' && !Array.isArray(ids) ? (ids as GatewayIds) : {};
}

/** True when the template says which ids its parts have (a template sftpgw rendered). */
export function hasGatewayIds(template: CfnTemplate | undefined): boolean {
  return sftpgwMetadata(template)?.ids !== undefined;
}

/**
 * The ids of a change between two root templates (a deploy or diff): the
 * Elastic IPs of either (one removed is only in the deployed one), the rest
 * as the new template names them, else as the deployed one did.
 */
export function idsOfChange(
  deployed: CfnTemplate | undefined,
  next: CfnTemplate | undefined,
): GatewayIds {
  const before = gatewayIds(deployed);
  const after = gatewayIds(next);
  const addresses = [...(before.serverAddresses ?? []), ...(after.serverAddresses ?? [])];
  return {
    ...before,
    ...after,
    ...(addresses.length > 0 ? { serverAddresses: [...new Set(addresses)] } : {}),
  };
}

/**
 * Used only for a template without Metadata.sftpgw.ids — a hand-written
 * `--template`, or one deployed by an sftpgw older than the ids: the ids the
 * shipped libraries have always given these parts.
 */
export const IDS_WITHOUT_METADATA = {
  bucket: 'GatewayBucket',
  addressPrefix: 'ServerAddress',
  ingestTopic: 'IngestTopic',
  snowflakeRole: 'SnowflakeRole',
} as const;
