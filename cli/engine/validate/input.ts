// What the validation pipeline (./pipeline.ts) takes: the gateway's templates
// (the root and its child stacks of users), each with the way its findings are
// located in what made it, and the config when there is one. Made from
// synthesis (./input-from-synthesis.ts: build, validate from the project) or
// from files (./input-from-files.ts: validate --template).
import type { Directory } from '../../../shared/identity/directory.js';
import type { ResolvedConfig } from '../config/types.js';
import type { OutputFormat } from '../template/serialize.js';
import type { CfnResource, CfnTemplate } from '../template/types.js';
import type { SourceLocator } from './finding-locator.js';
import type { Finding } from './finding.js';
import type { UserHome } from './rules/transfer/user-home.js';

export interface TemplateInput {
  template: CfnTemplate;
  /** The template's text as it will be written (or as read). */
  content: string;
  format: OutputFormat;
  /** When the template is already a file, cfn-lint reads it in place. */
  file?: string;
  /** Where a finding's value came from (a user file, the jsonnet, the template file's line). */
  locate: SourceLocator;
  /** Bytes of the template as deploy sends it, when known without measuring (else measured). */
  bodyBytes?: number;
}

export interface ChildInput extends TemplateInput {
  /** Logical id of its stack in the root: prefixes its findings (Users07/UserAlice). */
  id: string;
}

export interface GatewayInput {
  root: TemplateInput;
  /** Child stacks of users; empty when the users are in the root. */
  children: ChildInput[];
  /** Optional only for a template file validated without a sftpgw.yaml. */
  config?: ResolvedConfig;
  /** The gateway's usernames, when synthesized from the project (not a template file). */
  users?: readonly string[];
  /** Findings on the user files' keys the synthesis made (expiry, shared keys: rules/users/). */
  userFindings?: readonly Finding[];
  /** Lambda mode (and the staging template): the directory the deploy uploads, and its exact text. */
  directory?: { directory: Directory; text: string };
  /**
   * A lambda gateway's users as resources beside the root's (Synthesized.
   * directoryUsers): checked by the same layers, without cfn-lint; only the
   * findings on `userIds` are kept. Never written.
   */
  directoryUsers?: TemplateInput & {
    userIds: ReadonlySet<string>;
    /** Every user's home, for baseline/user-home-nested over the whole gateway. */
    userHomes: readonly UserHome[];
    /** Every user's resources: what the config's waivers may name. */
    everyUser: Readonly<Record<string, CfnResource>>;
  };
}
