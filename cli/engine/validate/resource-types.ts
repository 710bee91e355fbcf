// The bundled resource-type data (cli/generated/, made at build time by
// scripts/compile-schemas.ts and shipped in the npm package): per type, a
// Properties validator (ajv standalone, imported only when a template uses
// the type; each imports the shared intrinsic-function check,
// cli/generated/intrinsic.js), the createOnly properties that force
// replacement, the attributes Fn::GetAtt can read, and the tag property.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorObject } from 'ajv';
import { packageRoot } from '../paths.js';

/** What sftpgw knows about a bundled type besides its schema (made by scripts/resource-schemas.ts). */
export interface TypeInfo {
  module: string;
  /** JSON pointers of properties whose change replaces the resource (the deploy guard). */
  createOnly: string[];
  /** Attributes Fn::GetAtt can read. */
  attributes: string[];
  /** Properties that exist but only CloudFormation sets. */
  readOnly: string[];
  tagProperty?: string;
  /** Registry patterns JavaScript cannot compile (left to cfn-lint). */
  droppedPatterns?: number;
}

export interface ResourceTypes {
  source: { cfnLint: string; region: string; path: string };
  types: Record<string, TypeInfo>;
}

export type PropertiesValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const generatedDir = path.join(packageRoot, 'cli', 'generated');
let index: ResourceTypes | undefined;

export function resourceTypes(): ResourceTypes {
  index ??= JSON.parse(
    readFileSync(path.join(generatedDir, 'resource-types.json'), 'utf8'),
  ) as ResourceTypes;
  return index;
}

export function typeInfo(typeName: string): TypeInfo | undefined {
  return Object.hasOwn(resourceTypes().types, typeName)
    ? resourceTypes().types[typeName]
    : undefined;
}

const loading = new Map<string, Promise<PropertiesValidator>>();

/** The Properties validator of a bundled type (undefined for any other type). */
export function propertiesValidator(typeName: string): Promise<PropertiesValidator> | undefined {
  const info = typeInfo(typeName);
  if (!info) return undefined;
  let p = loading.get(typeName);
  if (!p) {
    p = import(pathToFileURL(path.join(generatedDir, 'resources', info.module)).href).then(
      (m: { default: PropertiesValidator }) => m.default,
    );
    loading.set(typeName, p);
  }
  return p;
}

/** Start loading validators ahead of need (module parsing overlaps jsonnet evaluation). */
export function preloadValidators(typeNames: Iterable<string>): void {
  for (const t of typeNames) propertiesValidator(t)?.catch(() => undefined);
}
