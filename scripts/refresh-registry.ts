// npm run schemas:refresh [-- --move-to <version>]
//
// Copies the registry schema of every type in RESOURCE_TYPES out of the
// installed cfn-lint (its Python package: cfnlint/data/schemas) into
// schemas/registry/, byte for byte, writes schemas/registry/source.json
// (version, region, GetAtt facts), then regenerates cli/generated/ from them.
//
// The installed cfn-lint must be the release package.json
// config.cfnLintVersion pins: the pin is what CI, the scaffolded pipeline and
// the tests install, so the schemas must not move on their own. To move to
// the installed release, say so: --move-to <its version> rewrites the pin too.
// Nothing is written unless every input is read and generation succeeds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CFN_LINT_SCHEMAS_DIR, generatedFiles } from './compile-schemas.js';
import {
  parseInputs,
  REGISTRY_DIR,
  registryFileName,
  repoRoot,
  requirePinned,
  SOURCE_NAME,
  writeTree,
  type NotInCfnLint,
  type SourceRecord,
} from './registry-inputs.js';
import { RESOURCE_TYPES, type GetAttFacts } from './resource-schemas.js';

/** Registry schemas differ slightly by region; we take this one's. */
export const SOURCE_REGION = 'us_east_1';

export interface InstalledCfnLint {
  version: string;
  /** cfnlint/data/schemas of the installed package. */
  dir: string;
  /** cfn-lint's schema/_getatts.py, for every type it lists. */
  getAtt: GetAttFacts;
}

/** The installed cfn-lint's version and data (one Python process, ~3 s: importing cfnlint is slow). */
export function installedCfnLint(
  python: string = process.env.PYTHON ?? 'python3',
): InstalledCfnLint {
  const script = [
    'import os, json, cfnlint, cfnlint.version',
    'from cfnlint.schema import _getatts as g',
    'print(json.dumps({"version": cfnlint.version.__version__, "dir": os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas"),',
    '  "getAtt": {"allPropertyAttributes": sorted(g._all_property_types), "attributeExceptions": g._exceptions}}))',
  ].join('\n');
  let out: string;
  try {
    out = execFileSync(python, ['-c', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new Error(
      `cannot import cfn-lint's Python package with ${python} (pip install cfn-lint, or set PYTHON to the interpreter that has it): ${(err as Error).message}`,
    );
  }
  return JSON.parse(out) as InstalledCfnLint;
}

/**
 * The committed inputs' files (by name in schemas/registry/) as the installed
 * cfn-lint has them. A type cfn-lint lacks keeps its committed file when
 * source.json's notInCfnLint says where it came from (`committed`: the
 * committed source record and files); once cfn-lint has the type, its
 * schema is taken and the record dropped.
 */
export function extractInputs(
  cfnLint: InstalledCfnLint,
  committed?: { source?: SourceRecord; files: ReadonlyMap<string, string> },
): Map<string, string> {
  const providers = readFileSync(
    path.join(cfnLint.dir, 'providers', `${SOURCE_REGION}.py`),
    'utf8',
  );
  const files = new Map<string, string>();
  const missing: string[] = [];
  const notInCfnLint: Record<string, NotInCfnLint> = {};
  for (const typeName of [...RESOURCE_TYPES].sort()) {
    const m = new RegExp(
      `"${typeName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}": "([0-9a-f]+)"`,
    ).exec(providers);
    const kept = committed?.source?.notInCfnLint?.[typeName];
    const keptText = committed?.files.get(registryFileName(typeName));
    if (!m && kept && keptText !== undefined) {
      notInCfnLint[typeName] = kept;
      files.set(registryFileName(typeName), keptText);
    } else if (!m) missing.push(typeName);
    else
      files.set(
        registryFileName(typeName),
        readFileSync(path.join(cfnLint.dir, 'resources', `${m[1]}.json`), 'utf8'),
      );
  }
  if (missing.length > 0)
    throw new Error(
      `cfn-lint ${cfnLint.version} has no ${SOURCE_REGION} registry schema for ${missing.join(', ')}: remove it from RESOURCE_TYPES, use a cfn-lint that has it, or commit its registry schema under ${REGISTRY_DIR}/ with where it came from in ${SOURCE_NAME} notInCfnLint`,
    );
  const listed = (t: string) => (RESOURCE_TYPES as readonly string[]).includes(t);
  const source: SourceRecord = {
    cfnLint: cfnLint.version,
    region: SOURCE_REGION,
    path: 'cfnlint/data/schemas/resources',
    // Only the listed types: the record changes only when something we use does.
    getAtt: {
      allPropertyAttributes: cfnLint.getAtt.allPropertyAttributes.filter(listed).sort(),
      attributeExceptions: Object.fromEntries(
        Object.entries(cfnLint.getAtt.attributeExceptions)
          .filter(([t]) => listed(t))
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
    },
    ...(Object.keys(notInCfnLint).length > 0 ? { notInCfnLint } : {}),
  };
  files.set(SOURCE_NAME, JSON.stringify(source, null, 2) + '\n');
  return files;
}

/** The committed source record and files, for the types cfn-lint lacks (extractInputs). */
function committedInputs(root: string): {
  source?: SourceRecord;
  files: Map<string, string>;
} {
  const dir = path.join(root, REGISTRY_DIR);
  const files = new Map<string, string>();
  if (existsSync(dir))
    for (const name of readdirSync(dir))
      files.set(name, readFileSync(path.join(dir, name), 'utf8'));
  let source: SourceRecord | undefined;
  try {
    source = JSON.parse(files.get(SOURCE_NAME) ?? 'null') as SourceRecord | undefined;
  } catch {
    source = undefined;
  }
  return { source: source ?? undefined, files };
}

export interface RefreshOptions {
  /** Repository root (package.json, schemas/registry/, cli/generated/). */
  root?: string;
  /** Move the pin to this version, which must be the installed one. */
  moveTo?: string;
  /** The installed cfn-lint (asked when not given). */
  cfnLint?: InstalledCfnLint;
}

export interface RefreshResult {
  version: string;
  /** The pin before, when it moved. */
  movedFrom?: string;
  written: string[];
}

export function refreshRegistry(opts: RefreshOptions = {}): RefreshResult {
  const root = opts.root ?? repoRoot;
  const pinned = requirePinned(root);
  const cfnLint = opts.cfnLint ?? installedCfnLint();
  const installed = cfnLint.version;
  if (opts.moveTo !== undefined && opts.moveTo !== installed) {
    throw new Error(
      `--move-to ${opts.moveTo}: the installed cfn-lint is ${installed}; install ${opts.moveTo} first (pip install cfn-lint==${opts.moveTo}), or move to ${installed}`,
    );
  }
  if (installed !== pinned && opts.moveTo === undefined) {
    throw new Error(
      [
        `cfn-lint ${installed} is installed, but package.json config.cfnLintVersion pins ${pinned}: nothing written.`,
        `  To refresh ${pinned}'s schemas, install it: pip install cfn-lint==${pinned}`,
        `  To move sftpgw to ${installed} (schemas, CI, the scaffolded pipeline): npm run schemas:refresh -- --move-to ${installed}`,
      ].join('\n'),
    );
  }
  const registry = extractInputs(cfnLint, committedInputs(root));
  const generated = generatedFiles(parseInputs(registry, installed));
  const files: Record<string, string> = { ...generated };
  for (const [name, text] of registry) files[`${REGISTRY_DIR}/${name}`] = text;
  if (installed !== pinned)
    files['package.json'] = withPin(
      readFileSync(path.join(root, 'package.json'), 'utf8'),
      pinned,
      installed,
    );
  writeTree(root, files, [REGISTRY_DIR, 'cli/generated/resources', CFN_LINT_SCHEMAS_DIR]);
  return {
    version: installed,
    movedFrom: installed !== pinned ? pinned : undefined,
    written: Object.keys(files).sort(),
  };
}

/** package.json text with the pin changed and nothing else (its formatting kept). */
function withPin(text: string, from: string, to: string): string {
  const re = /("cfnLintVersion"\s*:\s*)"([^"]*)"/;
  const out = text.replace(re, (_m, key: string) => `${key}${JSON.stringify(to)}`);
  const pkg = JSON.parse(out) as { config?: { cfnLintVersion?: string } };
  if (pkg.config?.cfnLintVersion !== to)
    throw new Error(
      `could not change config.cfnLintVersion from ${from} to ${to} in package.json: edit it by hand and run again`,
    );
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { 'move-to': { type: 'string' } } });
    const r = refreshRegistry({ moveTo: values['move-to'] });
    const moved = r.movedFrom
      ? `; package.json config.cfnLintVersion moved from ${r.movedFrom} to ${r.version} (run npm test: tests that run cfn-lint expect ${r.version} now)`
      : '';
    console.log(
      `schemas:refresh: cfn-lint ${r.version}: wrote ${r.written.length} files (schemas/registry/, cli/generated/, shared/generated/)${moved}`,
    );
  } catch (err) {
    console.error(`npm run schemas:refresh: ${(err as Error).message}`);
    process.exit(1);
  }
}
