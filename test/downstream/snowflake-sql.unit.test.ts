// The Snowflake SQL, rendered from plain data: names (one rule for stacks
// and users, collisions refused), placeholders and flags, never OR REPLACE
// on the integration, the grants and USE statements, and every script
// against goldens (test/downstream/fixtures/snowflake/: the input beside the expected
// SQL; UPDATE_GOLDEN=1 rewrites them). No npm parser reads Snowflake's
// CREATE STORAGE INTEGRATION / STAGE / PIPE (docs/snowflake.md says which was
// tried), so the goldens are the check of the statements' text. The engine's
// refusals of flags are checked here without AWS (they come before any call:
// the deps throw if reached) and end to end in test/downstream/snowflake-moto.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SftpgwError } from '../../cli/engine/errors.js';
import { integrationSql } from '../../cli/engine/snowflake/integration-sql.js';
import { checkSql, refreshSql } from '../../cli/engine/snowflake/monitor-sql.js';
import {
  identifier,
  integrationName,
  isQualifiedName,
  literal,
  normalise,
  userObjects,
} from '../../cli/engine/snowflake/names.js';
import { ingestPattern } from '../../cli/engine/snowflake/pattern.js';
import { pipesSql } from '../../cli/engine/snowflake/pipes-sql.js';
import type { Script } from '../../cli/engine/snowflake/script.js';
import {
  DATABASE_PLACEHOLDER,
  FILE_FORMAT_PLACEHOLDER,
  SCHEMA_PLACEHOLDER,
  TABLE_PLACEHOLDER,
} from '../../cli/engine/snowflake/session-sql.js';
import { parseSince } from '../../cli/engine/snowflake/since.js';
import {
  ingestTopicArn,
  partitionOf,
  type SnowflakeSqlOptions,
  snowflakeRoleName,
  snowflakeSql,
} from '../../cli/engine/snowflake/snowflake-sql.js';
import { repoRoot } from '../helpers/project.js';

const fixtures = path.join(repoRoot, 'test', 'downstream', 'fixtures', 'snowflake');
const input = JSON.parse(readFileSync(path.join(fixtures, 'input.json'), 'utf8')) as {
  stackName: string;
  roleArn: string;
  externalId: string;
  bucket: string;
  topicArn: string;
  users: string[];
  nextCommand: string;
  role: string;
  database: string;
  schema: string;
  table: string;
  fileFormat: string;
  errorIntegration: string;
  now: string;
  since: string;
};
const integration = integrationName(input.stackName);
const objects = userObjects(input.stackName, input.users);
const named = { database: input.database, schema: input.schema, role: input.role };

function golden(name: string, script: Script): void {
  const actual = script.render();
  const file = path.join(fixtures, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual, `${name} differs (UPDATE_GOLDEN=1 rewrites it)`).to.equal(
    readFileSync(file, 'utf8'),
  );
}

/** The statements of a rendered script, read back from its text (comments dropped). */
function parsed(sql: string): string[] {
  return sql
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .split(/;\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (s.endsWith(';') ? s : `${s};`));
}

const { stackName, roleArn, externalId, bucket, topicArn, users, nextCommand } = input;
const step1 = (more: Partial<Parameters<typeof integrationSql>[0]> = {}) =>
  integrationSql({
    ...{ stackName, roleArn, externalId, bucket, topicArn, users, nextCommand },
    integration,
    alter: false,
    ...more,
  });
const step4 = (more: Partial<Parameters<typeof pipesSql>[0]> = {}) =>
  pipesSql({
    ...{ stackName, roleArn, bucket, topicArn },
    integration,
    objects,
    session: {},
    recreate: false,
    ...more,
  });
const step4Named = (more: Partial<Parameters<typeof pipesSql>[0]> = {}) =>
  step4({
    session: named,
    table: input.table,
    fileFormat: input.fileFormat,
    errorIntegration: input.errorIntegration,
    ...more,
  });

describe('snowflake sql: names', () => {
  it('maps stack names and usernames by one rule: upper case, other characters to _', () => {
    expect(normalise('sftpgw-example-prod')).to.equal('SFTPGW_EXAMPLE_PROD');
    expect(normalise('ops@partner-1.eu')).to.equal('OPS_PARTNER_1_EU');
    expect(integrationName('sftpgw-example-prod')).to.equal('SFTPGW_SFTPGW_EXAMPLE_PROD');
    expect(userObjects('gw-2', ['acme', 'ops@partner-1.eu', 'a_b'])).to.deep.equal([
      { user: 'acme', stage: 'SFTPGW_GW_2_ACME_STAGE', pipe: 'SFTPGW_GW_2_ACME_PIPE' },
      {
        user: 'ops@partner-1.eu',
        stage: 'SFTPGW_GW_2_OPS_PARTNER_1_EU_STAGE',
        pipe: 'SFTPGW_GW_2_OPS_PARTNER_1_EU_PIPE',
      },
      { user: 'a_b', stage: 'SFTPGW_GW_2_A_B_STAGE', pipe: 'SFTPGW_GW_2_A_B_PIPE' },
    ]);
    // never quoted: what Snowflake stores for an unquoted name
    for (const o of userObjects('Gw', ['x.y@z-w'])) expect(o.pipe).to.match(/^[A-Z0-9_]+$/);
  });

  it('quotes only what an unquoted identifier cannot hold', () => {
    expect(identifier('SFTPGW_GW_ACME_STAGE')).to.equal('SFTPGW_GW_ACME_STAGE');
    expect(identifier('abc')).to.equal('"abc"');
    expect(identifier('A"B')).to.equal('"A""B"');
    expect(() => identifier('')).to.throw(/1–255/);
    expect(() => identifier('A'.repeat(256))).to.throw(/1–255/);
  });

  for (const [a, b] of [
    ['acme', 'Acme'],
    ['a-b', 'a.b'],
    ['ops@x', 'OPS_X'],
  ])
    it(`refuses ${a} and ${b}, which map to the same objects, naming the key and the rule`, () => {
      try {
        userObjects('gw', [a, b]);
        expect.fail('expected a refusal');
      } catch (err) {
        expect(err).to.be.instanceOf(SftpgwError);
        const e = err as SftpgwError;
        expect(e.kind).to.equal('invalid-input');
        expect(e.problems[0]?.field).to.equal('downstream.snowflake.users');
        expect(e.problems[0]?.message).to.include(`${a} and ${b} both become`);
        expect(e.problems[0]?.message).to.include('become _');
      }
    });

  it('escapes string literals', () => {
    expect(literal("it's")).to.equal("'it''s'");
    expect(literal('a\\b')).to.equal("'a\\\\b'");
  });

  it('accepts only names, not more SQL (three parts for tables, one for the rest)', () => {
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
    expect(isQualifiedName('RAW', 1)).to.equal(true);
    expect(isQualifiedName('"My Role"', 1)).to.equal(true);
    expect(isQualifiedName('RAW.SFTP', 1)).to.equal(false);
  });

  it('computes the role name, the partition of a region and the topic ARN before deploy', () => {
    expect(snowflakeRoleName('gw-prod')).to.equal('gw-prod-snowflake');
    expect(partitionOf('eu-west-1')).to.equal('aws');
    expect(partitionOf('cn-north-1')).to.equal('aws-cn');
    expect(partitionOf('us-gov-west-1')).to.equal('aws-us-gov');
    expect(ingestTopicArn('cn-north-1', '123456789012', 'gw')).to.equal(
      'arn:aws-cn:sns:cn-north-1:123456789012:gw-ingest',
    );
  });
});

describe('snowflake sql: the integration (step 1)', () => {
  it('matches the golden (--role)', () => golden('integration.sql', step1({ role: input.role })));
  it('matches the golden (--alter)', () =>
    golden('integration-alter.sql', step1({ role: input.role, alter: true })));

  it('creates, grants, describes and asks for the SNS policy, never replacing', () => {
    const s = step1({ role: input.role });
    const [create, grant, desc, policy, ...rest] = s.statements();
    expect(rest).to.deep.equal([]);
    expect(create).to.match(/^CREATE STORAGE INTEGRATION SFTPGW_SFTPGW_EXAMPLE_PRODUCTION\n/);
    expect(grant).to.equal(
      'GRANT USAGE ON INTEGRATION SFTPGW_SFTPGW_EXAMPLE_PRODUCTION TO ROLE SFTPGW_LOADER;',
    );
    expect(desc).to.equal('DESC INTEGRATION SFTPGW_SFTPGW_EXAMPLE_PRODUCTION;');
    expect(policy).to.equal(`SELECT SYSTEM$GET_AWS_SNS_IAM_POLICY('${input.topicArn}');`);
    expect(s.statements().join('\n')).not.to.match(/OR\s+REPLACE/i);
    expect(s.render()).to.match(/Never CREATE OR REPLACE this integration/);
    expect(s.render()).to.include('downstream.snowflake.subscriberArn');
    // the text and the statement list say the same
    expect(parsed(s.render())).to.deep.equal(s.statements());
  });

  it('prints the ALTER beside the CREATE, and alone with --alter', () => {
    const beside = step1().render();
    expect(beside).to.include(
      `--   ALTER STORAGE INTEGRATION ${integration}\n--     SET STORAGE_ALLOWED_LOCATIONS = (`,
    );
    const alter = step1({ alter: true });
    expect(alter.statements()[0]).to.match(
      /^ALTER STORAGE INTEGRATION SFTPGW_SFTPGW_EXAMPLE_PRODUCTION\n {2}SET STORAGE_ALLOWED_LOCATIONS = \(\n/,
    );
    expect(alter.statements().join('\n')).not.to.match(/CREATE/);
  });

  it('without --role, says which grant the stages need instead of guessing a role', () => {
    const s = step1();
    expect(s.statements().some((x) => x.startsWith('GRANT'))).to.equal(false);
    expect(s.render()).to.include('--role NAME this prints GRANT USAGE ON INTEGRATION');
  });

  it('names the computed role, the external id and one location per chosen user', () => {
    const create = step1().statements()[0]!;
    expect(create).to.include(`STORAGE_AWS_ROLE_ARN = '${input.roleArn}'`);
    expect(create).to.include(`STORAGE_AWS_EXTERNAL_ID = '${input.externalId}'`);
    const locations = [...create.matchAll(/'s3:\/\/([^']+)'/g)].map((m) => m[1]);
    expect(locations).to.deep.equal(input.users.map((u) => `${input.bucket}/ingest/${u}/`));
  });

  it('allows the whole ingest prefix when every user is loaded', () => {
    const s = step1({ users: null });
    expect(s.statements()[0]).to.include(
      `STORAGE_ALLOWED_LOCATIONS = (\n    's3://${input.bucket}/ingest/'\n  )`,
    );
  });

  it('keeps a quote in the external id inside its literal', () => {
    const s = step1({ externalId: "x'); DROP DATABASE d; --" });
    expect(s.render()).to.include("STORAGE_AWS_EXTERNAL_ID = 'x''); DROP DATABASE d; --'");
    expect(parsed(s.render())).to.deep.equal(s.statements());
  });
});

describe('snowflake sql: stages and pipes (step 4)', () => {
  it('matches the golden (placeholders)', () => golden('pipes.sql', step4()));
  it('matches the golden (every flag)', () => golden('pipes-named.sql', step4Named()));
  it('matches the golden (--recreate-pipes)', () =>
    golden('pipes-recreate.sql', step4Named({ recreate: true })));

  it('uses the database and schema, grants the owner role what it needs, then switches to it', () => {
    const all = step4Named().statements();
    expect(all.slice(0, 10)).to.deep.equal([
      'USE DATABASE RAW;',
      'USE SCHEMA SFTP;',
      'GRANT USAGE ON DATABASE RAW TO ROLE SFTPGW_LOADER;',
      'GRANT USAGE ON SCHEMA SFTP TO ROLE SFTPGW_LOADER;',
      'GRANT CREATE STAGE, CREATE PIPE ON SCHEMA SFTP TO ROLE SFTPGW_LOADER;',
      'GRANT INSERT, SELECT ON TABLE UPLOADS TO ROLE SFTPGW_LOADER;',
      `GRANT USAGE ON FILE FORMAT ${input.fileFormat} TO ROLE SFTPGW_LOADER;`,
      'GRANT USAGE ON INTEGRATION SFTPGW_ERRORS TO ROLE SFTPGW_LOADER;',
      'USE ROLE SFTPGW_LOADER;',
      `CREATE STAGE IF NOT EXISTS ${objects[0]!.stage}\n  URL = 's3://${input.bucket}/ingest/acme/'\n  STORAGE_INTEGRATION = ${integration};`,
    ]);
  });

  it('gives each user a stage and an auto-ingest pipe with the layout PATTERN and the error integration', () => {
    const all = step4Named().statements();
    for (const o of objects) {
      const pipe = all.find((s) => s.startsWith(`CREATE PIPE IF NOT EXISTS ${o.pipe}\n`))!;
      expect(pipe).to.include(
        `  AUTO_INGEST = TRUE\n  ERROR_INTEGRATION = SFTPGW_ERRORS\n  AWS_SNS_TOPIC = '${input.topicArn}'`,
      );
      expect(pipe).to.include(`FROM @${o.stage}\n  PATTERN = '${ingestPattern()}'\n`);
      // a pipe made before the error integration gets it too
      expect(all).to.include(`ALTER PIPE ${o.pipe} SET ERROR_INTEGRATION = SFTPGW_ERRORS;`);
    }
    expect(all.join('\n')).not.to.match(/OR\s+REPLACE/i);
    const plain = step4().statements().join('\n');
    expect(plain).not.to.include('ERROR_INTEGRATION');
    expect(plain).not.to.include('GRANT');
    expect(plain).not.to.include('USE ROLE');
  });

  it('leaves clearly marked placeholders that Snowflake refuses, and says so', () => {
    const s = step4();
    const all = s.statements();
    expect(all.slice(0, 2)).to.deep.equal([
      `USE DATABASE ${DATABASE_PLACEHOLDER};`,
      `USE SCHEMA ${SCHEMA_PLACEHOLDER};`,
    ]);
    expect(s.render()).to.include(`COPY INTO ${TABLE_PLACEHOLDER}`);
    expect(s.render()).to.include(`FILE_FORMAT = (${FILE_FORMAT_PLACEHOLDER}`);
    expect(s.render()).to.match(/Placeholders to replace before running/);
    const full = step4Named().render();
    for (const p of [
      DATABASE_PLACEHOLDER,
      SCHEMA_PLACEHOLDER,
      TABLE_PLACEHOLDER,
      FILE_FORMAT_PLACEHOLDER,
    ])
      expect(full).not.to.include(p);
    expect(full).not.to.match(/Placeholders/);
  });

  it('--recreate-pipes replaces the pipes only, and says what that costs', () => {
    const s = step4Named({ recreate: true });
    const all = s.statements();
    expect(all.filter((x) => x.startsWith('CREATE OR REPLACE PIPE '))).to.have.length(
      objects.length,
    );
    expect(all.filter((x) => x.startsWith('CREATE STAGE IF NOT EXISTS '))).to.have.length(
      objects.length,
    );
    expect(all.some((x) => x.startsWith('ALTER PIPE'))).to.equal(false);
    expect(s.render()).to.include('empty load history');
    expect(s.render()).to.include('wait 72 hours');
    expect(parsed(s.render())).to.deep.equal(all);
  });
});

describe('snowflake sql: --check and --refresh', () => {
  const now = new Date(input.now);

  it('matches the goldens', () => {
    golden('check.sql', checkSql({ stackName, objects, session: named, table: input.table }));
    golden(
      'refresh.sql',
      refreshSql({ stackName, objects, session: named, since: parseSince(input.since, now) }),
    );
  });

  it('--check reads the pipe status, the copy history and the validation of every pipe', () => {
    const all = checkSql({ stackName, objects, session: named, table: input.table }).statements();
    for (const o of objects) {
      expect(all).to.include(`SELECT SYSTEM$PIPE_STATUS('${o.pipe}');`);
      expect(all.join('\n')).to.include(`VALIDATE_PIPE_LOAD(PIPE_NAME => '${o.pipe}'`);
    }
    expect(all.join('\n')).to.include("TABLE_NAME => 'UPLOADS'");
    // a placeholder table stays a name, so the query fails instead of reading nothing
    const unnamed = checkSql({ stackName, objects, session: {} }).statements().join('\n');
    expect(unnamed).to.include(`TABLE_NAME => ${TABLE_PLACEHOLDER},`);
  });

  it('--refresh refreshes every pipe from SINCE, in UTC', () => {
    const since = parseSince('2025-06-05T10:30:00+02:00', now);
    const all = refreshSql({ stackName, objects, session: named, since }).statements();
    expect(all.filter((x) => x.startsWith('ALTER PIPE'))).to.deep.equal(
      objects.map(
        (o) => `ALTER PIPE ${o.pipe} REFRESH MODIFIED_AFTER = '2025-06-05T08:30:00+00:00';`,
      ),
    );
  });

  it('--refresh takes a date or an ISO 8601 time within the last 7 days, and refuses the rest naming the flag', () => {
    expect(parseSince('2025-06-02', now).toISOString()).to.equal('2025-06-02T00:00:00.000Z');
    expect(parseSince('2025-06-08T11:59Z', now).toISOString()).to.equal('2025-06-08T11:59:00.000Z');
    for (const [bad, says] of [
      ['yesterday', /--refresh "yesterday" is not a date or an ISO 8601 time/],
      ['2025-02-31', /--refresh "2025-02-31" is not a date/],
      ['2025-06-05T08:30', /is not a date or an ISO 8601 time/], // no zone: ambiguous
      ['2025-06-09', /--refresh 2025-06-09 is in the future/],
      ['2025-05-31', /--refresh 2025-05-31 is more than 7 days ago/],
    ] as const)
      expect(() => parseSince(bad, now), bad)
        .to.throw(SftpgwError, says)
        .with.property('kind', 'usage');
  });
});

describe('snowflake sql: the engine refuses flags before reaching AWS', () => {
  const base: SnowflakeSqlOptions = {
    config: {
      file: '/x/sftpgw.yaml',
      stackName: 'gw',
      buckets: { gateway: 'b' } as never,
      downstream: {
        events: false,
        malwareScan: false,
        snowflake: { iamUserArn: null, subscriberArn: null, externalId: 'e-x', users: null },
      },
    },
    allUsers: ['acme'],
    region: 'eu-west-1',
    integration: false,
    nextCommand: 'sftpgw snowflake sql',
  };
  const unreachable = {
    account: {
      accountId: () => Promise.reject(new Error('AWS reached')),
    },
    stack: { resources: () => Promise.reject(new Error('AWS reached')) },
  };
  const refused = async (more: Partial<SnowflakeSqlOptions>, says: RegExp) => {
    const err = await snowflakeSql({ ...base, ...more }, unreachable).then(
      () => expect.fail('expected a refusal'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(SftpgwError);
    expect((err as SftpgwError).kind).to.equal('usage');
    expect((err as SftpgwError).message).to.match(says);
  };

  it('names that are not names, per flag', async () => {
    await refused({ table: 't; DROP TABLE x' }, /^--table "t; DROP TABLE x" is not/);
    await refused({ fileFormat: 'a b' }, /^--file-format "a b" is not/);
    await refused({ database: 'RAW.SFTP' }, /^--database "RAW.SFTP" is not a Snowflake identifier/);
    await refused({ schema: 'x;' }, /^--schema "x;" is not/);
    await refused({ role: 'ACCOUNTADMIN; DROP' }, /^--role "ACCOUNTADMIN; DROP" is not/);
    await refused({ errorIntegration: '1X' }, /^--error-integration "1X" is not/);
  });

  it('flags that do not fit together', async () => {
    await refused(
      { check: true, refresh: '2025-06-01' },
      /--check and --refresh print different scripts/,
    );
    await refused({ integration: true, check: true }, /--integration and --check/);
    await refused({ alter: true }, /--alter .* needs --integration/);
    await refused(
      { integration: true, recreatePipes: true },
      /--recreate-pipes belongs to the stages and pipes, not to --integration/,
    );
    await refused(
      { check: true, errorIntegration: 'E' },
      /--error-integration belongs to the stages and pipes, not to --check/,
    );
    await refused({ refresh: 'soon' }, /--refresh "soon"/);
  });

  it('--check and --refresh need no AWS call', async () => {
    const r = await snowflakeSql(
      { ...base, check: true, database: 'RAW', schema: 'SFTP', table: 'T' },
      unreachable,
    );
    expect(r.step).to.equal('check');
    expect(r.pipes).to.deep.equal(['SFTPGW_GW_ACME_PIPE']);
    expect(parsed(r.sql)).to.deep.equal(r.statements);
    const f = await snowflakeSql(
      { ...base, refresh: '2025-06-07', now: new Date('2025-06-08T00:00:00Z') },
      unreachable,
    );
    expect(f.statements.at(-1)).to.equal(
      "ALTER PIPE SFTPGW_GW_ACME_PIPE REFRESH MODIFIED_AFTER = '2025-06-07T00:00:00+00:00';",
    );
  });
});
