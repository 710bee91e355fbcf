// Stable JSON: every `--output json` document against its JSON Schema
// (cli/output-schemas/, written to docs/json-output/ for users), with the
// real commands: the offline ones (validate, users list) in a project folder,
// the AWS ones against moto (through test/helpers/moto/launcher.py: the
// downstream gateway deployed through the CLI) and sshd (destinations test).
// Every schema requires every key of every object: a value not known is null,
// never a key left out (`info` before the first deploy: hostKeys and
// endpointHostName null).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { OUTPUT_SCHEMAS, outputSchema } from '../../cli/output-schemas/index.js';
import { keyPair } from '../helpers/keys.js';
import {
  cleanTempDirs,
  exampleProject,
  repoRoot,
  runCli,
  runCliAsync,
  tempDir,
  type RunResult,
} from '../helpers/project.js';
import { startMoto, startSshd, startTogether, type Moto, type Sshd } from '../helpers/servers.js';

const SCHEMA_DIR = path.join(repoRoot, 'docs', 'json-output');
const ajv = new Ajv({ allErrors: true });

/** The document on stdout, valid against the schema file (the whole of stdout is one document). */
function expectValid(file: string, r: RunResult): any {
  expect(r.stderr, 'stderr').to.be.a('string');
  const doc = JSON.parse(r.stdout);
  const validate = ajv.compile(outputSchema(file));
  expect(validate(doc), `${file}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
  return doc;
}

/** Objects in a schema that do not require all their keys, or allow others. */
function looseObjects(s: unknown, at = '#'): string[] {
  if (Array.isArray(s)) return s.flatMap((x, i) => looseObjects(x, `${at}/${i}`));
  if (s === null || typeof s !== 'object') return [];
  const o = s as Record<string, unknown>;
  const out: string[] = [];
  if (o.properties) {
    const keys = Object.keys(o.properties as object).sort();
    const required = [...((o.required as string[]) ?? [])].sort();
    if (JSON.stringify(keys) !== JSON.stringify(required))
      out.push(`${at}: required ${required.join(',')} ≠ properties ${keys.join(',')}`);
    if (o.additionalProperties !== false) out.push(`${at}: additionalProperties is not false`);
  } else if (o.type === 'object') out.push(`${at}: an object without properties`);
  for (const [k, v] of Object.entries(o))
    if (k !== 'enum' && k !== 'required') out.push(...looseObjects(v, `${at}/${k}`));
  return out;
}

describe('--output json: one schema per document, every key present', function () {
  this.timeout(180_000);
  after(() => cleanTempDirs());

  describe('the schemas', () => {
    it('docs/json-output/ holds each schema as cli/output-schemas/ makes it (UPDATE_GOLDEN=1 rewrites)', () => {
      for (const { file, schema } of OUTPUT_SCHEMAS) {
        const text = `${JSON.stringify(schema, null, 2)}\n`;
        if (process.env.UPDATE_GOLDEN) writeFileSync(path.join(SCHEMA_DIR, file), text);
        expect(readFileSync(path.join(SCHEMA_DIR, file), 'utf8'), file).to.equal(text);
      }
    });

    it('every object of every schema requires all its keys and allows no others', () => {
      for (const { file, schema } of OUTPUT_SCHEMAS) {
        expect(looseObjects(schema), file).to.deep.equal([]);
        // and each is a schema ajv (strict) compiles
        ajv.compile(schema);
      }
    });

    it('the check above catches an optional key', () => {
      expect(
        looseObjects({
          type: 'object',
          additionalProperties: false,
          required: ['a'],
          properties: { a: {}, b: { type: 'object', properties: { c: {} }, required: ['c'] } },
        }),
      ).to.deep.equal([
        '#: required a ≠ properties a,b',
        '#/properties/b: additionalProperties is not false',
      ]);
    });

    it('docs/json-output.md lists every schema file', () => {
      const doc = readFileSync(path.join(repoRoot, 'docs', 'json-output.md'), 'utf8');
      for (const { file, command } of OUTPUT_SCHEMAS) {
        expect(doc, file).to.include(`(json-output/${file})`);
        expect(doc, command).to.include(command);
      }
    });
  });

  describe('offline commands', () => {
    it('validate: a valid project, and one whose config never loads', () => {
      const dir = exampleProject();
      const ok = expectValid(
        'validate.schema.json',
        runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir }),
      );
      expect(ok.error).to.equal(null);
      // findings carry every key: null where a finding has no value
      for (const f of ok.findings) expect(Object.keys(f)).to.have.length(10);
      writeFileSync(path.join(dir, 'sftpgw.yaml'), 'stackName: [not, a, name]\n');
      const bad = expectValid(
        'validate.schema.json',
        runCli(['validate', '--no-lint', '--output', 'json'], { cwd: dir }),
      );
      expect(bad.ok).to.equal(false);
      expect(bad.findings[0].source.file).to.equal('sftpgw.yaml');
      expect(bad.findings[0]).to.have.property('logicalId', null);
    });

    it('users list', () => {
      const dir = exampleProject();
      const users = expectValid(
        'users-list.schema.json',
        runCli(['users', 'list', '--output', 'json'], { cwd: dir }),
      );
      expect(users).to.not.be.empty;
    });

    it('users list and users keys with keys that expire (the date pinned)', () => {
      const dir = tempDir();
      cpSync(path.join(repoRoot, 'test', 'fixtures', 'projects', 'user-key-expiry'), dir, {
        recursive: true,
      });
      const list = expectValid(
        'users-list.schema.json',
        runCli(['users', 'list', '--today', '2026-06-01', '--output', 'json'], { cwd: dir }),
      );
      expect(list[0].keys.map((k: { state: string }) => k.state)).to.deep.equal([
        'expired',
        'ok',
        'expiring',
      ]);
      const r = runCli(
        ['users', 'keys', '--today', '2026-06-01', '--expired', '--output', 'json'],
        {
          cwd: dir,
        },
      );
      expect(r.status, r.stderr).to.equal(1);
      const keys = expectValid('users-keys.schema.json', r);
      expect(keys).to.deep.include({
        today: '2026-06-01',
        expired: true,
        expiring: null,
        matched: 2,
      });
    });

    it('doctor --offline', () => {
      const r = runCli(['doctor', '--offline', '--output', 'json'], { cwd: tempDir() });
      // exit 1 where a required part is missing on this machine; the shape is the same
      const report = expectValid('doctor.schema.json', r);
      expect(report.checks.map((c: { id: string }) => c.id)).to.include.members([
        'node',
        'cfn-lint',
        'aws-credentials',
      ]);
      expect(report.checks.find((c: { id: string }) => c.id === 'aws-credentials').status).to.equal(
        'skip',
      );
    });
  });

  describe('AWS commands against moto (the downstream gateway) and sshd', () => {
    let moto: Moto;
    let sshd: Sshd;
    let dir: string;
    let env: Record<string, string>;
    const cli = (args: string[]) => runCliAsync(args, { cwd: dir, env });

    before(async function () {
      [moto, sshd] = await startTogether(startMoto(), startSshd());
      env = { ...moto.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
      await new S3Client({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      }).send(new CreateBucketCommand({ Bucket: 'json-artifacts' }));
      dir = tempDir();
      cpSync(path.join(repoRoot, 'test', 'fixtures', 'projects', 'downstream'), dir, {
        recursive: true,
      });
      writeFileSync(path.join(dir, 'client_key'), sshd.clientKey.privateKey, { mode: 0o600 });
    });
    after(async () => {
      await Promise.all([moto?.stop(), sshd?.stop()]);
    });

    it('info and diff before the first deploy: the unknown as null', async () => {
      const info = expectValid('info.schema.json', await cli(['info', '--output', 'json']));
      expect(info).to.include({
        stackStatus: null,
        serverId: null,
        endpointHostName: null,
        hostKeys: null,
        addressQuota: null,
      });
      const diff = expectValid(
        'diff.schema.json',
        await cli(['diff', '--no-lint', '--output', 'json']),
      );
      expect(diff).to.include({ exists: false, changed: true, templateDiff: null });
      expect(diff.plan.changes).to.not.be.empty;
    });

    it('deployed: info with host keys, diff with no changes and with a change, snowflake sql', async () => {
      const deploy = await cli(['deploy', '--no-lint', '--yes', '--s3-bucket', 'json-artifacts']);
      expect(deploy.status, deploy.stderr).to.equal(0);
      expect(
        deploy.stderr.split('\n').filter((l) => /CREATE_IN_PROGRESS — User Initiated/.test(l)),
        'the stack event once',
      ).to.have.length(1);
      const info = expectValid('info.schema.json', await cli(['info', '--output', 'json']));
      expect(info.hostKeys).to.have.length(1);
      expect(info.endpointHostName).to.match(/^s-[0-9a-f]{17}\.server\.transfer\./);
      const same = expectValid(
        'diff.schema.json',
        await cli(['diff', '--no-lint', '--s3-bucket', 'json-artifacts', '--output', 'json']),
      );
      expect(same).to.deep.equal({
        stackName: 'fixture-downstream',
        exists: true,
        changed: false,
        plan: null,
        templateDiff: null,
        directory: null,
        changeSetSkipped: null,
      });
      writeFileSync(
        path.join(dir, 'users', 'initech.libsonnet'),
        `{ sshPublicKeys: ['${keyPair('ed25519', 'json@initech').publicKey}'] }\n`,
      );
      const changed = expectValid(
        'diff.schema.json',
        await cli(['diff', '--no-lint', '--s3-bucket', 'json-artifacts', '--output', 'json']),
      );
      expect(changed.changed).to.equal(true);
      expect(changed.templateDiff).to.not.be.empty;
      for (const args of [[], ['--integration']]) {
        const sql = expectValid(
          'snowflake-sql.schema.json',
          await cli(['snowflake', 'sql', ...args, '--output', 'json']),
        );
        expect(sql.stackName).to.equal('fixture-downstream');
      }
    });

    it('destinations list (JSON, and text with a header row), test and test --scan', async () => {
      const put = await cli([
        'destinations',
        'put',
        'partner',
        '--host',
        '127.0.0.1',
        '--port',
        String(sshd.port),
        '--username',
        sshd.user,
        '--private-key-file',
        'client_key',
        '--trusted-host-key',
        sshd.hostPublicKey,
        '--remote-dir',
        sshd.root,
        '--pattern',
        '.*',
      ]);
      expect(put.status, put.stderr).to.equal(0);
      const list = expectValid(
        'destinations-list.schema.json',
        await cli(['destinations', 'list', '--output', 'json']),
      );
      expect(list.map((d: { key: string }) => d.key)).to.deep.equal(['partner']);
      const text = (await cli(['destinations', 'list'])).stdout.split('\n');
      expect(text[0]).to.match(/^KEY +SECRET +LAST CHANGED +NOTE$/);
      expect(text[1]).to.match(/^partner +\S+\/partner +\d{4}-\d\d-\d\dT[\d:]+Z$/);
      const test = expectValid(
        'destinations-test.schema.json',
        await cli(['destinations', 'test', 'partner', '--output', 'json']),
      );
      expect(test.ok).to.equal(true);
      expectValid(
        'destinations-scan.schema.json',
        await cli(['destinations', 'test', 'partner', '--scan', '--output', 'json']),
      );
    });
  });
});
