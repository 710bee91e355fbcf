// Where a finding's value came from: a user file (and the field in it), the
// libsonnet file that builds the resource type, or a template file's line.
// Computed only for findings, so it costs nothing on a clean build.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../paths.js';
import { fieldLine } from '../users/field-line.js';
import { pointerParts, type Finding, type SourceLocation } from './finding.js';

export type SourceLocator = (f: Finding) => SourceLocation | undefined;

export interface UserSource {
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

/** For a template synthesized from sources: user files, then libsonnet files by resource type. */
export function synthesizedLocator(
  users: readonly UserSource[],
  jpath: readonly string[],
  types: (id: string) => string | undefined,
  fallback: SourceLocation,
): SourceLocator {
  const byId = new Map(users.map((u) => [u.id, u]));
  const typeLines = new Map<string, SourceLocation | undefined>();
  let libsonnet: { file: string; lines: string[] }[] | undefined;
  return (f) => {
    const id = f.logicalId;
    if (id === undefined) return f.source ?? fallback;
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
    const type = f.resourceType ?? types(id);
    if (!type) return fallback;
    if (!typeLines.has(type)) {
      libsonnet ??= jpath.flatMap((dir) =>
        listLibsonnet(dir).map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n') })),
      );
      let found: SourceLocation | undefined;
      for (const { file, lines } of libsonnet) {
        const i = lines.findIndex((l) => l.includes(`'${type}'`) || l.includes(`"${type}"`));
        if (i >= 0) {
          found = { file: displayPath(file), line: i + 1 };
          break;
        }
      }
      typeLines.set(type, found);
    }
    return typeLines.get(type) ?? fallback;
  };
}

function listLibsonnet(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.libsonnet'))
      .sort()
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/** For a template read from a file: the line of each pointer. */
export function fileLocator(
  shown: string,
  lineOf: (pointer: string) => number | undefined,
): SourceLocator {
  return (f) => f.source ?? { file: shown, line: lineOf(f.pointer) };
}

export function attachSources(findings: Finding[], locate: SourceLocator): void {
  for (const f of findings) {
    if (f.source && f.source.line !== undefined) continue;
    const s = locate(f);
    if (s) f.source = s;
  }
}
