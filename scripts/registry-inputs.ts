// The committed inputs of code generation, under schemas/registry/:
//   <type slug>.json   the CloudFormation registry schema of each type in
//                      RESOURCE_TYPES, byte for byte as cfn-lint ships it
//   source.json        the cfn-lint version and region they came from, and
//                      the GetAtt facts cfn-lint keeps outside the schemas
// Generation (scripts/compile-schemas.ts) reads only these, so its output
// does not depend on the cfn-lint installed on the machine. They are written
// by npm run schemas:refresh (scripts/refresh-registry.ts) and must name the
// version package.json config.cfnLintVersion pins.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinnedCfnLint } from '../cli/engine/validate/lint-version.js';
import { RESOURCE_TYPES, slug, type GetAttFacts, type Schema } from './resource-schemas.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const REGISTRY_DIR = 'schemas/registry';
export const SOURCE_NAME = 'source.json';

export interface SourceRecord {
  /** The cfn-lint release the schemas were copied from. */
  cfnLint: string;
  /** Its provider region (registry schemas differ slightly by region). */
  region: string;
  /** Where in the cfn-lint package they live. */
  path: string;
  getAtt: GetAttFacts;
  /**
   * Types of RESOURCE_TYPES the cfn-lint release has no schema for: their
   * file here is the registry schema from elsewhere, kept as committed by
   * npm run schemas:refresh, with where it came from. cfn-lint is given
   * these with --registry-schemas (cli/engine/validate/lint.ts), so it knows
   * the type.
   */
  notInCfnLint?: Record<string, NotInCfnLint>;
}

/** Where a registry schema cfn-lint lacks came from. */
export interface NotInCfnLint {
  /** Its source: a URL at a fixed commit. */
  from: string;
  /** What it is and how it differs from the registry's own, if at all. */
  note: string;
}

export interface RegistryInputs {
  source: SourceRecord;
  /** Registry schema by type name, for every type in RESOURCE_TYPES. */
  schemas: Map<string, Schema>;
}

/** File name of a type's registry schema (the registry's own naming: aws-s3-bucket.json). */
export function registryFileName(typeName: string): string {
  return `${slug(typeName)}.json`;
}

/** package.json config.cfnLintVersion, or an error saying how to set it. */
export function requirePinned(root: string): string {
  const pinned = pinnedCfnLint(root);
  if (!pinned)
    throw new Error(
      'package.json has no "config": { "cfnLintVersion": … }: set it to the cfn-lint version the registry schemas come from',
    );
  return pinned;
}

/** The committed inputs under root, checked (see parseInputs). */
export function readInputs(root: string = repoRoot): RegistryInputs {
  const pinned = requirePinned(root);
  const dir = path.join(root, REGISTRY_DIR);
  const files = new Map<string, string>();
  if (existsSync(dir))
    for (const name of readdirSync(dir))
      files.set(name, readFileSync(path.join(dir, name), 'utf8'));
  return parseInputs(files, pinned);
}

/**
 * Registry inputs from file texts (by name in schemas/registry/). Every
 * problem is reported at once, each naming its file and what to do.
 */
export function parseInputs(files: ReadonlyMap<string, string>, pinned: string): RegistryInputs {
  const problems: string[] = [];
  const refresh = `run npm run schemas:refresh with cfn-lint ${pinned} installed`;
  const where = (name: string) => `${REGISTRY_DIR}/${name}`;
  const parse = (name: string): unknown => {
    const text = files.get(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch (err) {
      problems.push(`${where(name)} is not JSON (${(err as Error).message}): ${refresh}`);
      return undefined;
    }
  };

  const source = parse(SOURCE_NAME);
  if (!files.has(SOURCE_NAME)) problems.push(`${where(SOURCE_NAME)} is missing: ${refresh}`);
  else if (source !== undefined) {
    const bad = sourceProblem(source);
    if (bad) problems.push(`${where(SOURCE_NAME)}: ${bad}: ${refresh}`);
    else if ((source as SourceRecord).cfnLint !== pinned) {
      problems.push(
        `${where(SOURCE_NAME)} records cfn-lint ${(source as SourceRecord).cfnLint} but package.json config.cfnLintVersion is ${pinned}: ${refresh}, or set the pin back`,
      );
    }
  }

  const schemas = new Map<string, Schema>();
  const expected = new Set<string>([SOURCE_NAME]);
  for (const typeName of RESOURCE_TYPES) {
    const name = registryFileName(typeName);
    expected.add(name);
    if (!files.has(name)) {
      problems.push(`${where(name)} is missing (${typeName} is in RESOURCE_TYPES): ${refresh}`);
      continue;
    }
    const schema = parse(name);
    if (schema === undefined) continue;
    const s = schema as Schema;
    if (
      typeof s !== 'object' ||
      s === null ||
      Array.isArray(s) ||
      s.typeName !== typeName ||
      typeof s.properties !== 'object'
    ) {
      const held =
        typeof s === 'object' && s !== null && typeof s.typeName === 'string'
          ? s.typeName
          : 'no typeName';
      problems.push(
        `${where(name)} is not the registry schema of ${typeName} (it holds ${held}${typeof s?.properties === 'object' ? '' : ', no properties'}): ${refresh}`,
      );
      continue;
    }
    schemas.set(typeName, s);
  }
  for (const name of [...files.keys()].sort()) {
    if (!expected.has(name))
      problems.push(
        `${where(name)} is not the schema of a type in RESOURCE_TYPES (scripts/resource-schemas.ts): delete it, or add its type there and ${refresh}`,
      );
  }

  if (problems.length > 0)
    throw new Error(`the registry inputs are not usable:\n  ${problems.join('\n  ')}`);
  return { source: source as SourceRecord, schemas };
}

/** What is wrong with a parsed source.json, if anything. */
function sourceProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not an object';
  const s = v as Record<string, unknown>;
  for (const field of ['cfnLint', 'region', 'path'] as const) {
    if (typeof s[field] !== 'string' || s[field] === '')
      return `${field} is missing or not a string`;
  }
  const g = s.getAtt as Record<string, unknown> | undefined;
  if (typeof g !== 'object' || g === null) return 'getAtt is missing';
  if (
    !Array.isArray(g.allPropertyAttributes) ||
    !g.allPropertyAttributes.every((t) => typeof t === 'string')
  )
    return 'getAtt.allPropertyAttributes is not a list of type names';
  const ex = g.attributeExceptions;
  if (
    typeof ex !== 'object' ||
    ex === null ||
    !Object.values(ex).every((a) => Array.isArray(a) && a.every((x) => typeof x === 'string'))
  ) {
    return 'getAtt.attributeExceptions is not a map of type name to attribute names';
  }
  const extra = s.notInCfnLint;
  if (extra !== undefined) {
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
      return 'notInCfnLint is not a map of type name to { from, note }';
    for (const [t, rec] of Object.entries(extra)) {
      const r = rec as Record<string, unknown>;
      if (!(RESOURCE_TYPES as readonly string[]).includes(t))
        return `notInCfnLint names ${t}, which is not in RESOURCE_TYPES`;
      if (typeof r?.from !== 'string' || r.from === '' || typeof r.note !== 'string')
        return `notInCfnLint.${t} needs from (where the schema came from) and note`;
    }
  }
  return undefined;
}

/**
 * Writes files (paths relative to root), and deletes the other files of each
 * folder in `owned`: those folders hold only what generation writes.
 */
export function writeTree(root: string, files: Record<string, string>, owned: string[]): void {
  for (const dir of owned) {
    const abs = path.join(root, dir);
    mkdirSync(abs, { recursive: true });
    for (const f of readdirSync(abs)) if (!(`${dir}/${f}` in files)) rmSync(path.join(abs, f));
  }
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}
