// The shapes of a deploy plan: the facts plan.ts works out from a change set
// and the templates, and the plan the guard (guard.ts) makes of them, which
// deploy and diff print (as text, and as JSON with --output json).
import type { CfnTemplate } from '../template/types.js';
import type { DirectoryDiff } from '../identity/directory-diff.js';

export interface PlannedChange {
  action: 'add' | 'modify' | 'remove';
  logicalId: string;
  type: string;
  /** Replaced (a new physical resource) rather than updated in place. */
  replacement: boolean;
  /** AWS says the replacement depends on values known only at deploy time. */
  conditional: boolean;
  /** Why it is replaced, e.g. "BucketName is create-only". */
  why?: string;
  stateful: boolean;
  /** Transfer users: the SFTP user name (from the template). */
  userName?: string;
  /** How to keep the resource instead, when sftpgw.yaml can (the config key to set). */
  keep?: string;
  /**
   * Set when the change stops the SFTP server or changes its addresses (its
   * endpoint, an Elastic IP of it): why. The guard refuses it unless
   * --allow-endpoint-change.
   */
  endpoint?: string;
  /**
   * Set when a deployed server that is not VPC becomes VPC in place (a
   * PUBLIC server switched to server.endpoint.type: vpc): CloudFormation's
   * provider then attaches the VPC's default security group next to the
   * template's (docs/endpoint.md#switching-a-deployed-public-server-to-vpc).
   */
  vpcSwitch?: {
    /** EndpointDetails.VpcId when the template gives it as a plain id. */
    vpcId?: string;
    /** How many security groups the template gives the endpoint. */
    securityGroups: number;
  };
  /**
   * Set on a deletion (the resource is not in the new template) whose
   * DeletionPolicy in the deployed template is Retain or
   * RetainExceptOnCreate: CloudFormation removes it from the stack and keeps
   * it in the account, with its data. Never set on a replacement: the policy
   * does not apply there, and the stack would point at a new, empty resource.
   */
  retained?: RetainedResource;
}

/** A resource a deletion leaves in the account (its DeletionPolicy retains it). */
export interface RetainedResource {
  deletionPolicy: 'Retain' | 'RetainExceptOnCreate';
  /** Its physical id (bucket name, log group name, …), when CloudFormation could tell. */
  physicalId?: string;
}

/** The server's addresses on one side of a change: what partners allow-list. */
export interface AddressSide {
  /** PUBLIC, VPC, … (the Transfer server's EndpointType). */
  endpointType: string;
  /** Public IPv4 addresses known now, in subnet order. */
  addresses: string[];
  /** Elastic IPs the deploy allocates: their addresses are known only after it (logical ids). */
  pending: string[];
  /** Allocation ids not found in the account, or entries that are not plain ids. */
  unknown: string[];
}

/** What partners must be told about an endpoint change: the addresses before and after. */
export interface PartnerNotice {
  before: AddressSide;
  after: AddressSide;
}

/** The Elastic IP quota against what the account holds and what the change adds. */
export interface AddressQuotaCheck {
  /** Elastic IPs the account holds in the region now. */
  allocated: number;
  /** New Elastic IPs the change set allocates (an added or replaced one; a replaced one is retained). */
  adding: number;
  limit: number;
  /** Where the limit came from: Service Quotas, the EC2 account attribute, or the default of 5. */
  source: 'service-quotas' | 'account-attribute' | 'default';
  exceeded: boolean;
}

/** An SFTP user that would leave one stack for another (root or a child stack of users). */
export interface UserMove {
  userName: string;
  from: string;
  to: string;
}

/** A change of userStacks (0 = users in the root). */
export interface PlacementChange {
  from: number;
  to: number;
}

/** A host key as a plan shows it (public facts only: never a private key). */
export interface PlanHostKey {
  /** ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, … */
  type: string;
  /** SHA256:…, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** hostkey-…; absent for a key the deploy imports. */
  id?: string;
  /** The stack's HostKey resource that holds it; absent for the generated key (or one imported by hand). */
  logicalId?: string;
  /** The secret a key the deploy imports comes from (its name or ARN, never its value). */
  secretId?: string;
}

/** What partners see for one algorithm (RSA, ECDSA, ED25519): its active key before and after. */
export interface HostKeyAlgorithmChange {
  algorithm: string;
  /** Absent: no key of this algorithm before (a new algorithm clients may switch to). */
  before?: PlanHostKey;
  /** Absent: no key of this algorithm after (its clients switch to another). */
  after?: PlanHostKey;
}

/** A change set's effect on the host keys the server presents (set when HostKey resources change). */
export interface HostKeyFacts {
  serverId: string;
  /** Only the algorithms whose active key changes; empty: partners see the same keys. */
  algorithms: HostKeyAlgorithmChange[];
}

/**
 * The SFTP server's IdentityProviderType changes in place (SERVICE_MANAGED ⇄
 * AWS_LAMBDA, docs/identity-provider.md#switching-modes).
 */
export interface IdentityProviderSwitch {
  /** The logical id of the server. */
  server: string;
  from: string;
  to: string;
  /** AWS::Transfer::User resources the change removes (forward) or creates (reverse). */
  users: number;
  /** The stacks that hold them: child stack logical ids, `(root stack)` for the root. */
  stacks: string[];
}

/** The directory a lambda gateway's deploy uploads, against the one deployed (docs/identity-provider.md). */
export interface DirectoryPlan {
  /** s3://<DirectoryBucket>/directory.json; absent while the bucket is still to be created. */
  location?: string;
  /** The current object's version id; absent: no directory yet. */
  currentVersion?: string;
  /** The new document is byte for byte the current object: no upload. */
  unchanged: boolean;
  /** Size of the new document. */
  bytes: number;
  users: number;
  diff: DirectoryDiff;
}

/** What a change set does, before the guard has judged it. */
export interface PlanFacts {
  changes: PlannedChange[];
  /** Updates only: changes inside child stacks, per child (from the deployed and the new child templates). */
  nested?: Array<{ stack: string; changes: PlannedChange[] }>;
  /** Updates only: users that would move between stacks. */
  moves?: UserMove[];
  /** Updates only: userStacks changes while users are deployed. */
  placementChange?: PlacementChange;
  /** Updates whose HostKey resources change: the active host key per algorithm, before and after. */
  hostKeys?: HostKeyFacts;
  /** Updates that change the server's IdentityProviderType. */
  identityProvider?: IdentityProviderSwitch;
}

/** The facts and the guard's verdict on them (guard.ts): what deploy and diff print. */
export interface Plan {
  changes: PlannedChange[];
  /** Stateful resources that would be replaced or deleted and were not allowed. */
  refused: PlannedChange[];
  /** SFTP users removed (their user file is gone): intended, listed prominently. */
  removedUsers: PlannedChange[];
  /**
   * Resources the change deletes from the stack whose DeletionPolicy keeps
   * them in the account (PlannedChange.retained): not refused, listed (`Child/Id`
   * inside a child stack).
   */
  retained: PlannedChange[];
  nested?: Array<{ stack: string; changes: PlannedChange[] }>;
  /** Users that would move between stacks and were not allowed to. */
  moves?: UserMove[];
  /** A userStacks change that was not allowed. */
  placementChange?: PlacementChange;
  /** Present when the change stops the server or changes its addresses. */
  endpoint?: {
    changes: PlannedChange[];
    /** --allow-endpoint-change was given. */
    allowed: boolean;
    /** Old and new addresses (deploy and diff fill it in from the account). */
    notice?: PartnerNotice;
  };
  /** Present when the change set allocates Elastic IPs and the account could be asked. */
  addressQuota?: AddressQuotaCheck;
  /** Present when HostKey resources change: refused when an active key changes, unless allowed. */
  hostKeys?: HostKeyFacts & {
    /** --allow-host-key-change was given. */
    allowed: boolean;
  };
  /** Present when the server's IdentityProviderType changes: refused unless allowed. */
  identityProvider?: IdentityProviderSwitch & {
    /** --allow-identity-provider-change was given. */
    allowed: boolean;
  };
}

/** A root template and its child templates by the logical id of their stack. */
export interface StackTemplates {
  root: CfnTemplate;
  children: Record<string, CfnTemplate>;
}
