// directoryFromUsers (cli/engine/identity/directory-from-users.ts): the users
// of a real build (synthesize: config, user files, the shipped jsonnet, in
// process) as the identity function's directory. Policy and home are the
// rendered AWS::Transfer::User's own Fn::Sub strings; keys with expiry,
// networks, password hash and read-only come from the checked user files.
import { expect } from 'chai';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { libjsonnet } from '../../cli/adapters/jsonnet.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import { directoryFromUsers } from '../../cli/engine/identity/directory-from-users.js';
import { silentReporter } from '../../cli/engine/reporter.js';
import { synthesize, type Synthesized } from '../../cli/engine/synthesize.js';
import type { CfnResource } from '../../cli/engine/template/types.js';
import { parseDirectory } from '../../shared/identity/directory.js';
import { decide } from '../../handler/identity/decide.js';
import { writeUsers } from '../../bench/users.js';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

const HASH =
  '$scrypt$N=32768,r=8,p=3$hXfbBJ/NtwxZW851ncRQxw$gcxgknlAqdmTi9t7WsmK1tzPhm3tJy7t7bhMjUWQl98';

async function synth(dir: string, today = '2026-06-01'): Promise<Synthesized> {
  return synthesize(
    { cwd: dir, format: 'json', today },
    { jsonnet: libjsonnet, reporter: silentReporter },
  );
}

function directoryOf(s: Synthesized, passwords = false) {
  return directoryFromUsers({
    gateway: s.config.stackName,
    passwords,
    users: s.users,
    resources: [s.template.Resources, ...s.children.map((c) => c.template.Resources)],
  });
}

/** Every AWS::Transfer::User of the build, by UserName. */
function renderedUsers(s: Synthesized): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  for (const t of [s.template, ...s.children.map((c) => c.template)])
    for (const r of Object.values(t.Resources))
      if (r.Type === 'AWS::Transfer::User')
        out.set(r.Properties!.UserName as string, r.Properties!);
  return out;
}

function example(): string {
  const dir = tempDir();
  cpSync(path.join(repoRoot, 'sftpgw.yaml'), path.join(dir, 'sftpgw.yaml'));
  cpSync(path.join(repoRoot, 'users'), path.join(dir, 'users'), { recursive: true });
  return dir;
}

describe('directoryFromUsers: the users as the identity directory v1', function () {
  this.timeout(120_000);
  afterEach(cleanTempDirs);

  it('the example gateway: policy and home are the rendered Fn::Sub strings; parseDirectory reads it back', async function () {
    const s = await synth(example());
    const { directory, text } = directoryOf(s);
    expect(directory.format).to.equal('sftpgw-directory/1');
    expect(directory.gateway).to.equal('sftpgw-example');
    expect(directory.passwords).to.equal(false);
    expect(Object.keys(directory.users)).to.deep.equal(['acme-corp', 'alice', 'bob.auditor']);
    const rendered = renderedUsers(s);
    for (const [name, u] of Object.entries(directory.users)) {
      const r = rendered.get(name)!;
      expect(u.policy, name).to.equal(r.Policy['Fn::Sub'][0]);
      expect(u.home, name).to.deep.equal([
        { Entry: '/', Target: r.HomeDirectoryMappings[0].Target['Fn::Sub'][0] },
      ]);
      expect(
        u.keys.map((k) => k.key),
        name,
      ).to.deep.equal(r.SshPublicKeys);
      expect(u.keys.every((k) => k.expires === null)).to.equal(true);
      expect(u).not.to.have.property('cidrs');
      expect(u).not.to.have.property('passwordHash');
    }
    expect(directory.users.alice.home).to.deep.equal([{ Entry: '/', Target: '/${Bucket}/alice' }]);
    expect(directory.users['acme-corp'].home[0].Target).to.equal('/${Bucket}/partners/acme');
    const bob = directory.users['bob.auditor'];
    expect(bob.readOnly).to.equal(true);
    expect(bob.policy).not.to.include('s3:PutObject');
    expect(directory.users.alice.readOnly).to.equal(false);
    expect(directory.users.alice.policy).to.include('s3:PutObject');
    for (const p of ['${Bucket}', '${KeyArn}', '${AWS::Partition}'])
      expect(directory.users.alice.policy).to.include(p);
    expect(JSON.parse(directory.users.alice.policy).Version).to.equal('2012-10-17');
    expect(parseDirectory(text)).to.deep.equal(directory);
  });

  it("the identity function's decision on it (handler/identity/decide.ts) answers as the template's user would be", async function () {
    const s = await synth(example());
    const { directory } = directoryOf(s);
    const settings = {
      role: 'arn:aws:iam::123456789012:role/users',
      bucket: 'gw-data',
      keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
      partition: 'aws',
    };
    const rendered = renderedUsers(s);
    const noPassword = async () => false;
    for (const name of Object.keys(directory.users)) {
      const d = await decide(
        directory,
        { username: name, protocol: 'SFTP', serverId: 's-1', sourceIp: '192.0.2.1' },
        '2026-06-01',
        settings,
        noPassword,
      );
      expect(d.allow, name).to.equal(true);
      if (!d.allow) continue;
      const r = rendered.get(name)!;
      // Fn::Sub as CloudFormation would resolve it with the same values.
      const sub = (text: string) =>
        text
          .replaceAll('${AWS::Partition}', settings.partition)
          .replaceAll('${Bucket}', settings.bucket)
          .replaceAll('${KeyArn}', settings.keyArn);
      expect(JSON.parse(d.answer.Policy), name).to.deep.equal(
        JSON.parse(sub(r.Policy['Fn::Sub'][0])),
      );
      expect(JSON.parse(d.answer.HomeDirectoryDetails), name).to.deep.equal([
        { Entry: '/', Target: sub(r.HomeDirectoryMappings[0].Target['Fn::Sub'][0]) },
      ]);
      expect(d.answer.PublicKeys, name).to.deep.equal(r.SshPublicKeys);
      expect(d.answer.Role).to.equal(settings.role);
    }
  });

  it('every key with its expiry (also one expired and left out of the template), networks and password hash', async function () {
    const dir = example();
    const cfg = path.join(dir, 'sftpgw.yaml');
    writeFileSync(
      cfg,
      readFileSync(cfg, 'utf8').replace(
        '  # endpoint:',
        '  endpoint:\n    type: vpc\n    vpcId: vpc-0123456789abcdef0\n    subnetIds: [subnet-0123456789abcdef0]\n  # was endpoint:',
      ),
    );
    const alice = readFileSync(path.join(repoRoot, 'users', 'alice.libsonnet'), 'utf8');
    const key = /'(ssh-ed25519 [^']+)'/.exec(alice)![1];
    const bobKey = /'(ssh-rsa [^']+)'/.exec(
      readFileSync(path.join(repoRoot, 'users', 'bob.auditor.libsonnet'), 'utf8'),
    )![1];
    writeFileSync(
      path.join(dir, 'users', 'alice.libsonnet'),
      `{\n  sshPublicKeys: [\n    { key: '${key}', expires: '2026-12-31' },\n    { key: '${bobKey.replace('bob@audit', 'old@alice')}', expires: '2026-05-31' },\n  ],\n  allowedSourceCidrs: ['203.0.113.0/24', '198.51.100.7/32'],\n  passwordHash: '${HASH}',\n}\n`,
    );
    const s = await synth(dir, '2026-06-01');
    const { directory, text } = directoryOf(s, true);
    const a = directory.users.alice;
    expect(a.keys).to.deep.equal([
      { key, expires: '2026-12-31' },
      { key: bobKey.replace('bob@audit', 'old@alice'), expires: '2026-05-31' },
    ]);
    // The template has the live key only; the directory has both, for the function to judge at login.
    expect(renderedUsers(s).get('alice')!.SshPublicKeys).to.deep.equal([key]);
    expect(a.cidrs).to.deep.equal(['203.0.113.0/24', '198.51.100.7/32']);
    expect(a.passwordHash).to.equal(HASH);
    expect(directory.passwords).to.equal(true);
    expect(parseDirectory(text)).to.deep.equal(directory);
  });

  it('500 generated users in 32 child stacks (rendered from shapes): one entry each, matching its rendered resource', async function () {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'sftpgw.yaml'), 'stackName: bench\nuserStacks: 32\n');
    const names = writeUsers(path.join(dir, 'users'), 500);
    const s = await synth(dir);
    expect(s.children.length).to.be.greaterThan(1);
    const { directory, text } = directoryOf(s);
    expect(Object.keys(directory.users)).to.deep.equal(names);
    const rendered = renderedUsers(s);
    for (const name of [names[0], names[1], names[499]]) {
      const u = directory.users[name];
      expect(u.policy).to.equal(rendered.get(name)!.Policy['Fn::Sub'][0]);
      expect(u.home).to.deep.equal([{ Entry: '/', Target: `/\${Bucket}/partners/${name}` }]);
    }
    expect(directory.users[names[0]].readOnly).to.equal(true); // every tenth is read-only
    expect(directory.users[names[1]].readOnly).to.equal(false);
    expect(parseDirectory(text)).to.deep.equal(directory);
  });

  const user = (name: string) =>
    ({
      name,
      id: 'U',
      spec: {
        keys: [],
        sshPublicKeys: [],
        homeDirectory: name,
        readOnly: false,
        tags: {},
        allowedSourceCidrs: [],
      },
    }) as Synthesized['users'][number];
  const resource = (props: Record<string, unknown>): Record<string, CfnResource> => ({
    U: {
      Type: 'AWS::Transfer::User',
      Properties: {
        UserName: 'carol',
        HomeDirectoryType: 'LOGICAL',
        HomeDirectoryMappings: [{ Entry: '/', Target: { 'Fn::Sub': '/${Bucket}/carol' } }],
        Policy: { 'Fn::Sub': ['{"Resource":"arn:${AWS::Partition}:s3:::${Bucket}"}', {}] },
        ...props,
      },
    },
  });
  const refusal = (resources: Record<string, CfnResource>[]) => {
    try {
      directoryFromUsers({
        gateway: 'g',
        passwords: false,
        users: [user('carol')],
        resources,
        shownByName: new Map([['carol', 'users/carol.libsonnet']]),
      });
    } catch (err) {
      expect(err).to.be.instanceOf(SftpgwError);
      return (err as SftpgwError).problems;
    }
    throw new Error('accepted');
  };

  it('accepts a plain string policy and an Fn::Sub without variables (a patched constructor may write either)', function () {
    const { directory } = directoryFromUsers({
      gateway: 'g',
      passwords: false,
      users: [user('carol')],
      resources: [resource({ Policy: '{"Version":"2012-10-17"}' })],
    });
    expect(directory.users.carol.policy).to.equal('{"Version":"2012-10-17"}');
    expect(directory.users.carol.home[0].Target).to.equal('/${Bucket}/carol');
  });

  it('refuses a placeholder the function cannot fill, a missing resource, a home not LOGICAL: naming file and field', function () {
    const [p] = refusal([
      resource({ Policy: { 'Fn::Sub': ['{"Resource":"${OtherBucket}"}', { OtherBucket: 'x' }] } }),
    ]);
    expect(p).to.include({ file: 'users/carol.libsonnet', field: 'Policy' });
    expect(p.message).to.include('names ${OtherBucket}, which the identity function cannot fill');
    const [missing] = refusal([]);
    expect(missing.message).to.equal('has no AWS::Transfer::User resource with UserName carol');
    const [path] = refusal([resource({ HomeDirectoryType: 'PATH' })]);
    expect(path).to.include({ field: 'HomeDirectoryMappings' });
    const [target] = refusal([
      resource({ HomeDirectoryMappings: [{ Entry: '/', Target: { 'Fn::Join': ['', ['/x']] } }] }),
    ]);
    expect(target).to.include({ field: 'HomeDirectoryMappings[0].Target' });
    expect(target.message).to.include('is neither a string nor an Fn::Sub of one');
  });
});
