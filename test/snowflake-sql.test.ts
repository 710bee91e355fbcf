// The Snowflake SQL, rendered from plain data: names and quoting (hostile
// usernames), placeholders and flags, never OR REPLACE, and the whole output
// against goldens (test/fixtures/snowflake/: the input beside the expected
// SQL; UPDATE_GOLDEN=1 rewrites them). No npm parser reads Snowflake's
// CREATE STORAGE INTEGRATION / STAGE / PIPE (docs/snowflake.md says which was
// tried), so the goldens are the check of the statements' text.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SftpgwError } from '../cli/engine/errors.js';
import {
  identifier,
  integrationName,
  isQualifiedName,
  literal,
  userObjects,
} from '../cli/engine/snowflake/names.js';
import { partitionOf, snowflakeRoleName } from '../cli/engine/snowflake/snowflake-sql.js';
import {
  FILE_FORMAT_PLACEHOLDER,
  integrationSql,
  pipesSql,
  TABLE_PLACEHOLDER,
} from '../cli/engine/snowflake/sql.js';
import { repoRoot } from './helpers/project.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'snowflake');
const input = JSON.parse(readFileSync(path.join(fixtures, 'input.json'), 'utf8')) as {
  stackName: string;
  integration: string;
  roleArn: string;
  externalId: string;
  bucket: string;
  topicArn: string;
  users: string[];
  nextCommand: string;
};

function golden(name: string, actual: string): void {
  const file = path.join(fixtures, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual, `${name} differs (UPDATE_GOLDEN=1 rewrites it)`).to.equal(
    readFileSync(file, 'utf8'),
  );
}

const integration = () => integrationSql({ ...input });
const pipes = (more: { table?: string; fileFormat?: string } = {}) =>
  pipesSql({ ...input, objects: userObjects(input.stackName, input.users), ...more });

/** The statements of a script: comments removed, split at the semicolons ending lines. */
function statements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .split(/;\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

describe('snowflake sql: names', () => {
  it('keeps names Snowflake stores bare, and double-quotes the rest', () => {
    expect(identifier('SFTPGW_GW_ACME_STAGE')).to.equal('SFTPGW_GW_ACME_STAGE');
    expect(identifier('SFTPGW_GW_OPS@PARTNER-1.EU_STAGE')).to.equal(
      '"SFTPGW_GW_OPS@PARTNER-1.EU_STAGE"',
    );
    // lower case would be folded to upper case if left bare: quoted to stay exact
    expect(identifier('abc')).to.equal('"abc"');
    expect(identifier('A"B')).to.equal('"A""B"');
    expect(() => identifier('')).to.throw(/1–255/);
    expect(() => identifier('A'.repeat(256))).to.throw(/1–255/);
  });

  it('derives the integration name from the stack name', () => {
    expect(integrationName('sftpgw-example-prod')).to.equal('SFTPGW_SFTPGW_EXAMPLE_PROD');
    expect(integrationName('gw')).to.equal('SFTPGW_GW');
  });

  it('gives each user a stage and a pipe, quoted where the username needs it', () => {
    expect(userObjects('gw', ['acme', 'ops@partner-1.eu', 'a_b'])).to.deep.equal([
      { user: 'acme', stage: 'SFTPGW_GW_ACME_STAGE', pipe: 'SFTPGW_GW_ACME_PIPE' },
      {
        user: 'ops@partner-1.eu',
        stage: '"SFTPGW_GW_OPS@PARTNER-1.EU_STAGE"',
        pipe: '"SFTPGW_GW_OPS@PARTNER-1.EU_PIPE"',
      },
      { user: 'a_b', stage: 'SFTPGW_GW_A_B_STAGE', pipe: 'SFTPGW_GW_A_B_PIPE' },
    ]);
  });

  it('refuses two users whose names fold to the same objects, naming the key', () => {
    try {
      userObjects('gw', ['acme', 'Acme']);
      expect.fail('expected a refusal');
    } catch (err) {
      expect(err).to.be.instanceOf(SftpgwError);
      const e = err as SftpgwError;
      expect(e.kind).to.equal('invalid-input');
      expect(e.problems[0]?.field).to.equal('downstream.snowflake.users');
      expect(e.problems[0]?.message).to.include('acme and Acme');
    }
  });

  it('escapes string literals', () => {
    expect(literal("it's")).to.equal("'it''s'");
    expect(literal('a\\b')).to.equal("'a\\\\b'");
  });

  it('accepts only table and file format names, not more SQL', () => {
    for (const ok of ['T', 'RAW.SFTP.UPLOADS', '"my table"', 'db."Sch ema".t_1$', '"a""b"'])
      expect(isQualifiedName(ok), ok).to.equal(true);
    for (const bad of [
      't; DROP TABLE x',
      'a.b.c.d',
      '1abc',
      't --',
      '"unterminated',
      '"a"b"',
      '"line\nbreak"',
      '',
      'a..b',
    ])
      expect(isQualifiedName(bad), bad).to.equal(false);
  });

  it('computes the role name and the partition of a region', () => {
    expect(snowflakeRoleName('gw-prod')).to.equal('gw-prod-snowflake');
    expect(partitionOf('eu-west-1')).to.equal('aws');
    expect(partitionOf('cn-north-1')).to.equal('aws-cn');
    expect(partitionOf('us-gov-west-1')).to.equal('aws-us-gov');
  });
});

describe('snowflake sql: the integration (step 1)', () => {
  it('matches the golden', () => golden('integration.sql', integration()));

  it('creates the integration and never replaces it', () => {
    const sql = integration();
    const [create, desc] = statements(sql);
    expect(create).to.match(/^CREATE STORAGE INTEGRATION SFTPGW_SFTPGW_EXAMPLE_PROD\n/);
    expect(desc).to.equal('DESC INTEGRATION SFTPGW_SFTPGW_EXAMPLE_PROD');
    expect(statements(sql).join('\n')).not.to.match(/OR\s+REPLACE/i);
    // …and the comment says why
    expect(sql).to.match(/-- Never CREATE OR REPLACE this integration/);
  });

  it('names the computed role, the external id and one location per chosen user', () => {
    const create = statements(integration())[0]!;
    expect(create).to.include(`STORAGE_AWS_ROLE_ARN = '${input.roleArn}'`);
    expect(create).to.include(`STORAGE_AWS_EXTERNAL_ID = '${input.externalId}'`);
    const locations = [...create.matchAll(/'s3:\/\/([^']+)'/g)].map((m) => m[1]);
    expect(locations).to.deep.equal(input.users.map((u) => `${input.bucket}/ingest/${u}/`));
  });

  it('allows the whole ingest prefix when every user is loaded (a later user needs no ALTER)', () => {
    const sql = integrationSql({ ...input, users: null });
    expect(statements(sql)[0]).to.include(
      `STORAGE_ALLOWED_LOCATIONS = (\n    's3://${input.bucket}/ingest/'\n  )`,
    );
    expect(sql).to.include('a user added later needs no change');
    expect(sql).not.to.include('ALTER STORAGE INTEGRATION');
  });

  it('keeps a quote in the external id inside its literal', () => {
    const sql = integrationSql({ ...input, externalId: "x'); DROP DATABASE d; --" });
    expect(sql).to.include("STORAGE_AWS_EXTERNAL_ID = 'x''); DROP DATABASE d; --'");
    expect(statements(sql)).to.have.length(2);
  });

  it('says the steps that follow', () => {
    const sql = integration();
    expect(sql).to.include('downstream.snowflake.iamUserArn');
    expect(sql).to.include('sftpgw deploy');
    expect(sql).to.include(input.nextCommand);
  });
});

describe('snowflake sql: stages and pipes (step 4)', () => {
  it('matches the golden (placeholders)', () => golden('pipes.sql', pipes()));

  it('matches the golden (--table and --file-format)', () =>
    golden('pipes-named.sql', pipes({ table: 'RAW.SFTP.UPLOADS', fileFormat: 'RAW.SFTP."CSV"' })));

  it('gives each user a stage on its ingest prefix and an auto-ingest pipe on the topic', () => {
    const all = statements(pipes());
    expect(all).to.have.length(2 * input.users.length);
    const objects = userObjects(input.stackName, input.users);
    objects.forEach((o, i) => {
      const stage = all[2 * i]!;
      const pipe = all[2 * i + 1]!;
      expect(stage).to.equal(
        `CREATE STAGE IF NOT EXISTS ${o.stage}\n  URL = 's3://${input.bucket}/ingest/${o.user}/'\n  STORAGE_INTEGRATION = ${input.integration}`,
      );
      expect(pipe).to.include(`CREATE PIPE IF NOT EXISTS ${o.pipe}\n  AUTO_INGEST = TRUE`);
      expect(pipe).to.include(`AWS_SNS_TOPIC = '${input.topicArn}'`);
      expect(pipe).to.include(`FROM @${o.stage}`);
    });
    expect(all.join('\n')).not.to.match(/OR\s+REPLACE/i);
  });

  it('marks the table and file format as placeholders, and says so in the header', () => {
    const sql = pipes();
    expect(sql).to.include(`COPY INTO ${TABLE_PLACEHOLDER}`);
    expect(sql).to.include(`FILE_FORMAT = (${FILE_FORMAT_PLACEHOLDER}`);
    expect(sql).to.match(/Placeholders to replace before running/);
  });

  it('uses the names given instead, with no placeholder left', () => {
    const sql = pipes({ table: 'RAW.SFTP.UPLOADS', fileFormat: 'RAW.SFTP.CSV' });
    expect(sql).to.include('COPY INTO RAW.SFTP.UPLOADS');
    expect(sql).to.include('FILE_FORMAT = (FORMAT_NAME = RAW.SFTP.CSV)');
    expect(sql).not.to.include('<');
    expect(sql).not.to.match(/Placeholders/);
  });
});
