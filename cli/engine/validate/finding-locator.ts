// Where a finding's value came from: a user file (and the field in it), the
// config for what the engine names from it (child stacks of users), the
// jsonnet file and line where the resource's logical id is defined
// (./definition-sites.ts), or a template file's line. Computed only for
// findings, so it costs nothing on a clean build.
import { fieldLine } from '../users/field-line.js';
import type { DefinitionLookup } from './definition-sites.js';
import { pointerParts, type Finding, type SourceLocation } from './finding.js';

export type SourceLocator = (f: Finding) => SourceLocation | undefined;

export interface UserFileOrigin {
  id: string;
  shown: string;
  text?: string;
}

/** Transfer::User property -> the user-file field it is made from. */
const USER_FIELDS: Record<string, string> = {
  SshPublicKeys: 'sshPublicKeys',
  HomeDirectoryMappings: 'homeDirectory',
  HomeDirectory: 'homeDirectory',
  Policy: 'homeDirectory',
  Tags: 'tags',
};

export interface SynthesisOrigins {
  users: readonly UserFileOrigin[];
  /** Resources the engine names from the config (child stacks of users): where in it. */
  configured: ReadonlyMap<string, SourceLocation>;
  /** The rest: where the jsonnet the gateway was rendered from defines the logical id. */
  definedAt: DefinitionLookup;
  types: (id: string) => string | undefined;
  /** The config file, without a line: for findings on no resource, or an id defined nowhere we can tell. */
  fallback: SourceLocation;
}

/** For a template synthesized from sources. */
export function synthesizedLocator(s: SynthesisOrigins): SourceLocator {
  const byId = new Map(s.users.map((u) => [u.id, u]));
  return (f) => {
    const id = f.logicalId;
    if (id === undefined) return f.source ?? s.fallback;
    const user = byId.get(id);
    if (user) {
      const property = pointerParts(f.pointer)[3];
      const field = property === undefined ? undefined : USER_FIELDS[property];
      const line = field ? fieldLine(user.text, field) : undefined;
      return {
        file: user.shown,
        ...(line !== undefined ? { line } : {}),
        ...(field ? { field } : {}),
      };
    }
    return s.configured.get(id) ?? s.definedAt(id, f.resourceType ?? s.types(id)) ?? s.fallback;
  };
}

/** For a template read from a file: the line of each pointer. */
export function fileLocator(
  shown: string,
  lineOf: (pointer: string) => number | undefined,
): SourceLocator {
  return (f) => f.source ?? { file: shown, line: lineOf(f.pointer) };
}

export function locateFindings(findings: Finding[], locate: SourceLocator): void {
  for (const f of findings) {
    if (f.source && f.source.line !== undefined) continue;
    const s = locate(f);
    if (s) f.source = s;
  }
}
