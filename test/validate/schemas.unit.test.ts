// Generated validators and resource-type data are build products (npm run
// build runs npm run schemas first; no schema is compiled at run time), made
// from committed inputs only (schemas/registry/: registry schemas copied from
// cfn-lint, and where they came from), so these checks pass whatever cfn-lint
// the machine has. The working copy's output must be current: tests run from
// the sources through tsx, so a schema edited without a rebuild would
// otherwise be tested against the old validators.
import { expect } from 'chai';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { generatedFiles } from '../../scripts/compile-schemas.js';
import {
  installedCfnLint,
  refreshRegistry,
  type InstalledCfnLint,
} from '../../scripts/refresh-registry.js';
import {
  readInputs,
  REGISTRY_DIR,
  registryFileName,
  SOURCE_NAME,
  type SourceRecord,
} from '../../scripts/registry-inputs.js';
import { RESOURCE_TYPES } from '../../scripts/resource-schemas.js';
import { pinnedCfnLint } from '../../cli/engine/validate/lint-version.js';
import { cleanTempDirs, listFiles, repoRoot, tempDir } from '../helpers/project.js';

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('generated schema validators', function () {
  this.timeout(120_000);
  const files = generatedFiles(readInputs(repoRoot));

  for (const file of Object.keys(files)) {
    it(`${file} is what schemas/registry/ generates (npm run build or npm run schemas regenerates it)`, () => {
      const built = path.join(repoRoot, file);
      expect(
        existsSync(built),
        `${file} is missing: run npm run build (or npm run schemas)`,
      ).to.equal(true);
      expect(
        files[file] === readFileSync(built, 'utf8'),
        `${file} is stale: run npm run build (or npm run schemas)`,
      ).to.equal(true);
    });
  }

  it('has one module for every listed resource type and nothing else', () => {
    const modules = readdirSync(path.join(repoRoot, 'cli/generated/resources')).sort();
    expect(modules).to.deep.equal(
      Object.keys(files)
        .filter((f) => f.startsWith('cli/generated/resources/'))
        .map((f) => path.basename(f))
        .sort(),
    );
    expect(modules).to.have.length(RESOURCE_TYPES.length);
  });

  it('records the cfn-lint version package.json pins, in the inputs and in the generated data', () => {
    const pinned = pinnedCfnLint(repoRoot);
    expect(pinned, 'package.json config.cfnLintVersion').to.match(/^\d+\.\d+\.\d+$/);
    const source = readJson<SourceRecord>(path.join(repoRoot, REGISTRY_DIR, SOURCE_NAME));
    expect(
      source.cfnLint,
      `${REGISTRY_DIR}/${SOURCE_NAME} vs package.json config.cfnLintVersion`,
    ).to.equal(pinned);
    const index = JSON.parse(files['cli/generated/resource-types.json']) as {
      source: { cfnLint: string; region: string };
    };
    expect(index.source).to.include({ cfnLint: pinned, region: source.region });
  });

  it('has one registry schema per listed type, holding that type', () => {
    const names = readdirSync(path.join(repoRoot, REGISTRY_DIR)).sort();
    expect(names).to.deep.equal([...RESOURCE_TYPES.map(registryFileName), SOURCE_NAME].sort());
    for (const t of RESOURCE_TYPES)
      expect(
        readJson<{ typeName: string }>(path.join(repoRoot, REGISTRY_DIR, registryFileName(t)))
          .typeName,
      ).to.equal(t);
  });
});

describe('registry inputs that cannot be used (npm run schemas refuses, naming the file)', function () {
  after(cleanTempDirs);

  /** A copy of package.json and schemas/registry/ to break. */
  function copy(): string {
    const root = tempDir();
    cpSync(path.join(repoRoot, 'package.json'), path.join(root, 'package.json'));
    cpSync(path.join(repoRoot, REGISTRY_DIR), path.join(root, REGISTRY_DIR), { recursive: true });
    return root;
  }
  const file = (root: string, name: string) => path.join(root, REGISTRY_DIR, name);
  const refusal = (root: string): string => {
    try {
      readInputs(root);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('readInputs accepted broken inputs');
  };
  const pinned = pinnedCfnLint(repoRoot)!;

  it('the committed copy is usable (the cases below each break one thing)', () => {
    expect(readInputs(copy()).schemas.size).to.equal(RESOURCE_TYPES.length);
  });

  it('a listed type without its schema', () => {
    const root = copy();
    rmSync(file(root, 'aws-kms-key.json'));
    expect(refusal(root)).to.include(
      `schemas/registry/aws-kms-key.json is missing (AWS::KMS::Key is in RESOURCE_TYPES): run npm run schemas:refresh with cfn-lint ${pinned} installed`,
    );
  });

  it('a schema that is not JSON, or holds another type', () => {
    const root = copy();
    writeFileSync(file(root, 'aws-kms-key.json'), '{ "typeName": ');
    cpSync(file(root, 'aws-kms-alias.json'), file(root, 'aws-sns-topic.json'));
    const msg = refusal(root);
    expect(msg).to.match(
      /schemas\/registry\/aws-kms-key\.json is not JSON \(.+\): run npm run schemas:refresh/,
    );
    expect(msg).to.include(
      'schemas/registry/aws-sns-topic.json is not the registry schema of AWS::SNS::Topic (it holds AWS::KMS::Alias)',
    );
  });

  it('a schema of a type no longer listed', () => {
    const root = copy();
    writeFileSync(
      file(root, 'aws-ec2-vpc.json'),
      JSON.stringify({ typeName: 'AWS::EC2::VPC', properties: {} }),
    );
    expect(refusal(root)).to.include(
      'schemas/registry/aws-ec2-vpc.json is not the schema of a type in RESOURCE_TYPES (scripts/resource-schemas.ts): delete it, or add its type there',
    );
  });

  it('a source record from another cfn-lint than package.json pins', () => {
    const root = copy();
    const source = readJson<SourceRecord>(file(root, SOURCE_NAME));
    writeFileSync(file(root, SOURCE_NAME), JSON.stringify({ ...source, cfnLint: '0.0.1' }));
    expect(refusal(root)).to.include(
      `schemas/registry/source.json records cfn-lint 0.0.1 but package.json config.cfnLintVersion is ${pinned}: run npm run schemas:refresh`,
    );
  });

  it('a source record without its GetAtt facts, or missing', () => {
    const root = copy();
    const { cfnLint, region, path: where } = readJson<SourceRecord>(file(root, SOURCE_NAME));
    writeFileSync(file(root, SOURCE_NAME), JSON.stringify({ cfnLint, region, path: where }));
    expect(refusal(root)).to.include(
      'schemas/registry/source.json: getAtt is missing: run npm run schemas:refresh',
    );
    rmSync(file(root, SOURCE_NAME));
    expect(refusal(root)).to.include(
      'schemas/registry/source.json is missing: run npm run schemas:refresh',
    );
  });

  it('a schema cfn-lint lacks without where it came from (notInCfnLint needs from and note)', () => {
    const root = copy();
    const source = readJson<SourceRecord>(file(root, SOURCE_NAME));
    writeFileSync(
      file(root, SOURCE_NAME),
      JSON.stringify({ ...source, notInCfnLint: { 'AWS::Transfer::HostKey': { note: 'x' } } }),
    );
    expect(refusal(root)).to.include(
      'schemas/registry/source.json: notInCfnLint.AWS::Transfer::HostKey needs from (where the schema came from) and note',
    );
    writeFileSync(
      file(root, SOURCE_NAME),
      JSON.stringify({ ...source, notInCfnLint: { 'AWS::EC2::VPC': { from: 'x', note: 'x' } } }),
    );
    expect(refusal(root)).to.include(
      'notInCfnLint names AWS::EC2::VPC, which is not in RESOURCE_TYPES',
    );
  });

  it('no pin in package.json', () => {
    const root = copy();
    const pkg = readJson<{ config?: unknown }>(path.join(root, 'package.json'));
    delete pkg.config;
    writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg));
    expect(refusal(root)).to.include('package.json has no "config": { "cfnLintVersion": … }');
  });

  it('reports every problem at once', () => {
    const root = copy();
    rmSync(file(root, 'aws-kms-key.json'));
    rmSync(file(root, 'aws-sqs-queue.json'));
    expect(
      refusal(root)
        .split('\n')
        .filter((l) => l.includes('is missing')),
    ).to.have.length(2);
    expect(listFiles(path.join(root, 'cli'))).to.deep.equal([]); // reading never writes
  });
});

// The real cfn-lint's Python package; the cases hold for any release of it
// (the pin of the temporary copy is set against whatever is installed).
describe('npm run schemas:refresh (the installed cfn-lint, any version)', function () {
  this.timeout(120_000);
  let cfnLint: InstalledCfnLint;
  before(() => {
    cfnLint = installedCfnLint();
  });
  after(cleanTempDirs);

  /** A folder with only a package.json pinning `pin`. */
  function withPin(pin: string): string {
    const root = tempDir();
    const pkg = readJson<{ config: { cfnLintVersion: string } }>(
      path.join(repoRoot, 'package.json'),
    );
    pkg.config.cfnLintVersion = pin;
    writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    return root;
  }
  const refusal = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('refreshRegistry did not refuse');
  };

  it('refuses when the installed cfn-lint is not the pinned one, saying how to install it or move, and writes nothing', () => {
    const root = withPin('0.0.1');
    const msg = refusal(() => refreshRegistry({ root, cfnLint }));
    expect(msg).to.include(
      `cfn-lint ${cfnLint.version} is installed, but package.json config.cfnLintVersion pins 0.0.1: nothing written`,
    );
    expect(msg).to.include('pip install cfn-lint==0.0.1');
    expect(msg).to.include(`npm run schemas:refresh -- --move-to ${cfnLint.version}`);
    expect(listFiles(root)).to.deep.equal(['package.json']);
  });

  it('refuses --move-to a version that is not installed, and writes nothing', () => {
    const root = withPin('0.0.1');
    expect(refusal(() => refreshRegistry({ root, cfnLint, moveTo: '0.0.2' }))).to.include(
      `--move-to 0.0.2: the installed cfn-lint is ${cfnLint.version}`,
    );
    expect(listFiles(root)).to.deep.equal(['package.json']);
  });

  /** The committed registry schemas cfn-lint lacks, and source.json naming them, as a checkout has them. */
  function withKeptSchemas(root: string): string[] {
    const source = readJson<{ notInCfnLint?: Record<string, unknown> }>(
      path.join(repoRoot, REGISTRY_DIR, SOURCE_NAME),
    );
    const kept = Object.keys(source.notInCfnLint ?? {}).map(registryFileName);
    for (const f of [SOURCE_NAME, ...kept])
      writeFileSync(
        path.join(tempDirFile(root, REGISTRY_DIR), f),
        readFileSync(path.join(repoRoot, REGISTRY_DIR, f)),
      );
    return kept;
  }

  it('refuses a listed type the installed cfn-lint lacks unless its schema is committed with its source (notInCfnLint)', () => {
    const root = withPin(cfnLint.version);
    const msg = refusal(() => refreshRegistry({ root, cfnLint }));
    expect(msg).to.include('AWS::Transfer::HostKey');
    expect(msg).to.include('source.json notInCfnLint');
    expect(listFiles(root)).to.deep.equal(['package.json']);
  });

  it('--move-to the installed version copies its schemas, moves the pin, regenerates, and removes what is no longer listed; again, it changes nothing', () => {
    const root = withPin('0.0.1');
    const kept = withKeptSchemas(root);
    expect(kept).to.deep.equal(['aws-transfer-hostkey.json']);
    const pkgBefore = readFileSync(path.join(root, 'package.json'), 'utf8');
    writeFileSync(path.join(tempDirFile(root, REGISTRY_DIR), 'aws-ec2-vpc.json'), '{}');
    writeFileSync(path.join(tempDirFile(root, 'cli/generated/resources'), 'aws-ec2-vpc.js'), '');
    const r = refreshRegistry({ root, cfnLint, moveTo: cfnLint.version });
    expect(r).to.include({ version: cfnLint.version, movedFrom: '0.0.1' });
    // Only the pin changed in package.json.
    expect(readFileSync(path.join(root, 'package.json'), 'utf8')).to.equal(
      pkgBefore.replace('"cfnLintVersion": "0.0.1"', `"cfnLintVersion": "${cfnLint.version}"`),
    );
    expect(readdirSync(path.join(root, REGISTRY_DIR)).sort()).to.deep.equal(
      [...RESOURCE_TYPES.map(registryFileName), SOURCE_NAME].sort(),
    );
    const registryDir = path.join(cfnLint.dir, 'resources');
    const bucket = readFileSync(path.join(root, REGISTRY_DIR, 'aws-s3-bucket.json'), 'utf8');
    expect(
      readdirSync(registryDir).some(
        (f) => readFileSync(path.join(registryDir, f), 'utf8') === bucket,
      ),
      'copied byte for byte',
    ).to.equal(true);
    // A type cfn-lint lacks keeps its committed schema and its source record,
    // and is copied where validate points cfn-lint's --registry-schemas.
    for (const f of kept) {
      expect(readFileSync(path.join(root, REGISTRY_DIR, f), 'utf8'), f).to.equal(
        readFileSync(path.join(repoRoot, REGISTRY_DIR, f), 'utf8'),
      );
      expect(
        JSON.parse(readFileSync(path.join(root, 'cli/generated/cfn-lint-schemas', f), 'utf8')),
      ).to.deep.equal(JSON.parse(readFileSync(path.join(repoRoot, REGISTRY_DIR, f), 'utf8')));
    }
    const inputs = readInputs(root);
    expect(inputs.source).to.include({ cfnLint: cfnLint.version, region: 'us_east_1' });
    expect(Object.keys(inputs.source.notInCfnLint ?? {})).to.deep.equal(['AWS::Transfer::HostKey']);
    expect(readdirSync(path.join(root, 'cli/generated/resources'))).to.have.length(
      RESOURCE_TYPES.length,
    );
    expect(
      readJson<{ source: { cfnLint: string } }>(
        path.join(root, 'cli/generated/resource-types.json'),
      ).source.cfnLint,
    ).to.equal(cfnLint.version);

    const before = new Map(
      listFiles(root).map((f) => [f, readFileSync(path.join(root, f), 'utf8')]),
    );
    const again = refreshRegistry({ root, cfnLint });
    expect(again.movedFrom).to.equal(undefined);
    expect(
      new Map(listFiles(root).map((f) => [f, readFileSync(path.join(root, f), 'utf8')])),
    ).to.deep.equal(before);
  });
});

/** A folder below root, made if missing. */
function tempDirFile(root: string, dir: string): string {
  const abs = path.join(root, dir);
  mkdirSync(abs, { recursive: true });
  return abs;
}
