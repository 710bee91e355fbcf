// The parts of a deployed gateway the operations commands read (outbound
// status and redeliver, uploads): their physical names, found through the
// stack's resources (DescribeStackResources) by the logical ids its template
// names in Metadata.sftpgw.ids (libsonnet/gateway.libsonnet), else the ids
// the shipped libraries have always given them. Errors say what to deploy
// or which flag to check; nothing here is printed.
import type { DeployedResource, StackResources } from '../adapters/aws/stack-resources.js';
import { SftpgwError } from './errors.js';
import {
  gatewayIds,
  type GatewayIds,
  type TemplateIdentityProvider,
  identityProviderOf,
} from './template/gateway-metadata.js';
import { readTemplateText } from './template/read.js';

/** The ids the shipped libraries give these parts, for a template without Metadata.sftpgw.ids. */
const DEFAULT_IDS = {
  server: 'Server',
  bucket: 'GatewayBucket',
  serverLogGroup: 'ServerLogGroup',
  stagingBucket: 'StagingBucket',
  pushFunction: 'PushFunction',
  pushLogGroup: 'PushLogGroup',
  failureQueue: 'FailureQueue',
  directoryBucket: 'DirectoryBucket',
  identityFunction: 'IdentityFunction',
  identityLogGroup: 'IdentityLogGroup',
} as const satisfies Partial<Record<keyof GatewayIds, string>>;

export type PartName = keyof typeof DEFAULT_IDS;

const TYPES: Record<PartName, string> = {
  server: 'AWS::Transfer::Server',
  bucket: 'AWS::S3::Bucket',
  serverLogGroup: 'AWS::Logs::LogGroup',
  stagingBucket: 'AWS::S3::Bucket',
  pushFunction: 'AWS::Lambda::Function',
  pushLogGroup: 'AWS::Logs::LogGroup',
  failureQueue: 'AWS::SQS::Queue',
  directoryBucket: 'AWS::S3::Bucket',
  identityFunction: 'AWS::Lambda::Function',
  identityLogGroup: 'AWS::Logs::LogGroup',
};

/** What each part is, in words, for errors ("stack X has no <what>"). */
const WHAT: Record<PartName, { what: string; needs: string }> = {
  server: { what: 'Transfer Family server', needs: 'deploy the gateway (sftpgw deploy)' },
  bucket: { what: 'gateway bucket', needs: 'deploy the gateway (sftpgw deploy)' },
  serverLogGroup: {
    what: 'structured-log group for the server',
    needs: 'deploy the gateway (sftpgw deploy)',
  },
  stagingBucket: {
    what: 'outbound staging bucket',
    needs: 'turn outbound on in sftpgw.yaml (outbound:) and deploy (sftpgw deploy)',
  },
  pushFunction: {
    what: 'push function',
    needs: 'turn outbound on in sftpgw.yaml (outbound:) and deploy (sftpgw deploy)',
  },
  pushLogGroup: {
    what: 'log group for the push function',
    needs: 'turn outbound on in sftpgw.yaml (outbound:) and deploy (sftpgw deploy)',
  },
  failureQueue: {
    what: 'failure queue for the push function',
    needs: 'turn outbound on in sftpgw.yaml (outbound:) and deploy (sftpgw deploy)',
  },
  directoryBucket: {
    what: "identity provider's directory bucket",
    needs:
      'set server.identityProvider.type: lambda in sftpgw.yaml and deploy (sftpgw deploy; docs/identity-provider.md)',
  },
  identityFunction: {
    what: 'identity function',
    needs:
      'set server.identityProvider.type: lambda in sftpgw.yaml and deploy (sftpgw deploy; docs/identity-provider.md)',
  },
  identityLogGroup: {
    what: 'log group for the identity function',
    needs:
      'set server.identityProvider.type: lambda in sftpgw.yaml and deploy (sftpgw deploy; docs/identity-provider.md)',
  },
};

/**
 * Physical ids of a deployed gateway's parts: a bucket's is its name, a log
 * group's its name, a queue's its URL, a function's its name, a server's its
 * id (s-…).
 */
export interface DeployedParts {
  stackName: string;
  /** Who answers logins, as the deployed template's Metadata.sftpgw says (service-managed without it). */
  identityProvider: TemplateIdentityProvider;
  /** The physical id of a part, or an error naming what to deploy when the stack has none. */
  require(part: PartName): string;
  /** The physical id of a part, undefined when the stack has none. */
  find(part: PartName): string | undefined;
  /** Every resource of a type the stack holds (e.g. its AWS::Transfer::HostKey resources). */
  ofType(type: string): Array<{ logicalId: string; physicalId: string }>;
}

export async function deployedParts(
  stack: StackResources,
  stackName: string,
): Promise<DeployedParts> {
  const resources = await stack.resources(stackName);
  if (!resources)
    throw new SftpgwError('failed', `stack ${stackName} does not exist`, {
      hint: 'deploy the gateway first (sftpgw deploy); check --stack-name, --env and --region',
    });
  const text = stack.template ? await stack.template(stackName) : undefined;
  const template =
    text === undefined
      ? undefined
      : readTemplateText(text, `the deployed template of ${stackName}`);
  const ids = gatewayIds(template);
  const find = (part: PartName): string | undefined => {
    const id = (ids[part] as string | undefined) ?? DEFAULT_IDS[part];
    const r: DeployedResource | undefined = resources[id];
    return r && r.type === TYPES[part] ? r.physicalId : undefined;
  };
  return {
    stackName,
    identityProvider: identityProviderOf(template),
    find,
    ofType: (type) =>
      Object.entries(resources)
        .filter(([, r]) => r.type === type)
        .map(([logicalId, r]) => ({ logicalId, physicalId: r.physicalId })),
    require(part) {
      const id = find(part);
      if (id !== undefined) return id;
      // "has no outbound staging bucket": WHAT's article does not fit here.
      throw new SftpgwError(
        'failed',
        `stack ${stackName} has no ${WHAT[part].what.replace(/^the /, '')}`,
        {
          hint: `${WHAT[part].needs}, then run this again`,
        },
      );
    },
  };
}
