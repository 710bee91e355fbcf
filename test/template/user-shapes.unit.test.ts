// Users instantiated from shapes (cli/engine/template/user-shapes.ts) against
// the full libjsonnet render of every user (synthesize's renderEachUser): the
// same templates, byte for byte, over every fixture project, the shipped
// example and a generated variety of user files; and the fallbacks to the
// full render (a patched user constructor, a computed field name, users
// with tags of their own, shapes that do not reproduce the samples).
// The jsonnet engine is the real libjsonnet, wrapped only to record which
// parts each build asked it for.
import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { libjsonnet, type JsonnetEngine } from '../../cli/adapters/jsonnet.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import { synthesize, type Synthesized } from '../../cli/engine/synthesize.js';
import type { RenderUser } from '../../cli/engine/template/evaluate-gateway.js';
import { constructorPatched, namesUser } from '../../cli/engine/template/user-constructor.js';
import {
  compileShape,
  instantiate,
  sameJson,
  ShapeError,
  shapeable,
  type UserShapes,
} from '../../cli/engine/template/user-shapes.js';
import { ed25519PublicKey } from '../../cli/engine/users/keys.js';
import { packageRoot } from '../../cli/engine/paths.js';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

const TODAY = '2026-06-01';

/** libjsonnet, recording the users each `users` part rendered and whether the root was asked for shapes. */
function recordingJsonnet() {
  const calls = { usersRendered: 0, shapesAsked: false };
  const engine: JsonnetEngine = {
    evaluateFile: (f, o) => libjsonnet.evaluateFile(f, o),
    evaluateSnippet: (code, filename, opts) => {
      const part = opts.tlaString?.part;
      if (part === 'users')
        calls.usersRendered += Object.keys(JSON.parse(opts.tlaString?.users ?? '{}')).length;
      if (part === 'root' && opts.tlaString?.shapes === 'yes') calls.shapesAsked = true;
      return libjsonnet.evaluateSnippet(code, filename, opts);
    },
  };
  return { engine, calls };
}

async function build(dir: string, env: string | undefined, renderEachUser: boolean) {
  const { engine, calls } = recordingJsonnet();
  const out = await synthesize(
    {
      configFile: path.join(dir, 'sftpgw.yaml'),
      env,
      cwd: dir,
      environment: {},
      today: TODAY,
      renderEachUser,
    },
    { jsonnet: engine, reporter: new RecordingReporter() },
  );
  return { out, calls };
}

/** The text the build writes depends on field order too: compared as JSON text. */
function texts(s: Synthesized): string[] {
  return [
    JSON.stringify(s.template),
    ...s.children.map((c) => c.file + JSON.stringify(c.template)),
  ];
}

/** The users libjsonnet renders one by one even with shapes: tags of their own, or a value not printable ASCII. */
const withTags = (s: Synthesized) => s.users.filter((u) => !shapeable(u));

/** Renders both ways; expects the same text, and returns what each asked of libjsonnet. */
async function expectSame(dir: string, env?: string) {
  const shaped = await build(dir, env, false);
  const full = await build(dir, env, true);
  expect(full.calls.shapesAsked).to.equal(false);
  expect(full.calls.usersRendered).to.equal(full.out.users.length);
  const a = texts(shaped.out);
  const b = texts(full.out);
  expect(a.length).to.equal(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).to.equal(b[i]);
  return { shaped, full };
}

function environments(dir: string): (string | undefined)[] {
  const cfg = parseYaml(readFileSync(path.join(dir, 'sftpgw.yaml'), 'utf8')) as {
    environments?: Record<string, unknown>;
  };
  return [undefined, ...Object.keys(cfg.environments ?? {})];
}

/** A project of generated user files: every form of a user file the shapes must reproduce. */
function varietyProject(yaml: string, gateway?: string): string {
  const dir = tempDir('sftpgw-shapes-');
  writeFileSync(path.join(dir, 'sftpgw.yaml'), yaml);
  mkdirSync(path.join(dir, 'users'));
  const key = (c: string) => ed25519PublicKey(c);
  const files: Record<string, string> = {
    // Plain data, read without jsonnet (users/plain-data.ts).
    'acme-corp': `{ sshPublicKeys: ['${key('a@acme')}'], homeDirectory: 'partners/acme/in' }`,
    'reader@example.com': `{ sshPublicKeys: ['${key('r@ex')}', '${key('r2@ex')}'], readOnly: true }`,
    'bob.auditor': `{ sshPublicKeys: ['${key('b@audit')}'], homeDirectory: 'reports', readOnly: true }`,
    // Keys with lifetimes: kept, expired (left out), expiring soon; all expired: no key.
    carol_rotates: `{ sshPublicKeys: [
      { key: '${key('c-old@x')}', expires: '2026-05-31' },
      '${key('c-new@x')}',
      { key: '${key('c-next@x')}', expires: '2026-06-15' },
    ], homeDirectory: 'partners/carol' }`,
    'dave-gone': `{ sshPublicKeys: [{ key: '${key('d@x')}', expires: '2026-01-31' }], readOnly: false }`,
    // Written with jsonnet (a local, a function call): evaluated by libjsonnet.
    erin: `local home = 'partners/' + std.asciiLower('ERIN');\n{ sshPublicKeys: ['${key('e@x')}'], homeDirectory: home }`,
    // Tags of its own: rendered by libjsonnet, beside the users from shapes.
    'frank.tagged': `{ sshPublicKeys: ['${key('f@x')}'], tags: { costCenter: 'cc-4711' } }`,
    // A key comment that is not ASCII: rendered by libjsonnet, beside the users from shapes.
    henri: `{ sshPublicKeys: ['${key('henri@zürich')}'] }`,
    // Home folders with every character a folder name may have.
    grace: `{ sshPublicKeys: ['${key('g@x')}'], homeDirectory: 'a_b/c.d@e=f,g+h-i/0' }`,
  };
  for (let i = 0; i < 12; i++)
    files[`partner${String(i).padStart(3, '0')}`] =
      `{ sshPublicKeys: ['${key(`p${i}@bench`)}'], homeDirectory: 'partners/p${i}'${i % 3 === 0 ? ', readOnly: true' : ''} }`;
  for (const [name, text] of Object.entries(files))
    writeFileSync(path.join(dir, 'users', `${name}.libsonnet`), `${text}\n`);
  if (gateway !== undefined) {
    mkdirSync(path.join(dir, 'templates'));
    writeFileSync(path.join(dir, 'templates', 'gateway.jsonnet'), gateway);
  }
  return dir;
}

const GATEWAY_HEAD =
  "local sftpgw = import 'sftpgw.libsonnet';\nfunction(config) sftpgw.gateway.new(config) + ";

describe('users from shapes: the same templates as the full libjsonnet render', function () {
  this.timeout(60_000);
  after(cleanTempDirs);

  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'projects');
  const projects = [
    { name: 'example', dir: repoRoot },
    ...readdirSync(fixtures).map((name) => ({ name, dir: path.join(fixtures, name) })),
  ];
  for (const p of projects)
    for (const env of environments(p.dir))
      it(`${p.name} / ${env ?? 'default'}`, async () => {
        // Synthesis writes nothing: the project is rendered where it is, as the golden test does.
        const { shaped } = await expectSame(p.dir, env);
        // The patched fixture patches the user constructor: every user by libjsonnet.
        const all = p.name === 'patched-gateway';
        expect(shaped.calls.shapesAsked).to.equal(!all);
        expect(shaped.calls.usersRendered).to.equal(
          all ? shaped.out.users.length : withTags(shaped.out).length,
        );
      });

  it('generated user files, users in the root stack, shared tags', async () => {
    const dir = varietyProject('stackName: shapes\ntags:\n  owner: team-a\n  env: test\n');
    const { shaped } = await expectSame(dir);
    expect(shaped.calls.shapesAsked).to.equal(true);
    expect(withTags(shaped.out).map((u) => u.name)).to.deep.equal(['frank.tagged', 'henri']);
    expect(shaped.calls.usersRendered).to.equal(withTags(shaped.out).length);
    // The expired keys are left out exactly as the full render leaves them out.
    const dave = Object.values(shaped.out.template.Resources).find(
      (r) => r.Properties?.UserName === 'dave-gone',
    );
    expect(dave?.Properties?.SshPublicKeys).to.deep.equal([]);
  });

  it('generated user files, child stacks, a permissions boundary, no outbound', async () => {
    const dir = varietyProject(
      'stackName: shapes-child\nuserStacks: 3\noutbound:\n  enabled: false\niam:\n  permissionsBoundary: arn:aws:iam::aws:policy/PowerUserAccess\n',
    );
    const { shaped } = await expectSame(dir);
    expect(shaped.out.children).to.have.length(3);
    expect(shaped.calls.usersRendered).to.equal(withTags(shaped.out).length);
  });

  it('a gateway patching other parts (the child stacks, the refs of the users) keeps the shapes, and they follow the patch', async () => {
    const dir = varietyProject(
      'stackName: shapes-patched\nuserStacks: 2\n',
      `${GATEWAY_HEAD}{
  userStackTemplate(id):: super.userStackTemplate(id) + { Metadata: { contact: 'ops@example.com' } },
  userRefs+:: {},
}
`,
    );
    // userRefs is read by the users, but it is not `user`: the shapes stay, made from the patched refs.
    const { shaped } = await expectSame(dir);
    expect(shaped.calls.shapesAsked).to.equal(true);
    expect(shaped.out.children[0].template.Metadata).to.deep.equal({ contact: 'ops@example.com' });
  });

  it('a gateway patching the session policy (not new) keeps the shapes, and they follow the patch', async () => {
    const dir = varietyProject(
      'stackName: shapes-policy\nuserStacks: 2\n',
      `${GATEWAY_HEAD}{
  user+:: {
    sessionPolicy(home, readOnly)::
      super.sessionPolicy(home, readOnly) + {
        Statement+: [{ Sid: 'KeepArchive', Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:\${AWS::Partition}:s3:::\${Bucket}/' + home + '/archive/*' }],
      },
  },
}
`,
    );
    const { shaped } = await expectSame(dir);
    expect(shaped.calls.shapesAsked).to.equal(true);
    const acme = Object.values(shaped.out.children[0].template.Resources)
      .concat(Object.values(shaped.out.children[1].template.Resources))
      .find((r) => r.Properties?.UserName === 'acme-corp');
    expect(JSON.stringify(acme?.Properties?.Policy)).to.include('partners/acme/in/archive/*');
  });

  it('shapes that do not reproduce the samples: every user without tags rendered by libjsonnet after all', async () => {
    // The one altered value in these tests: libjsonnet's shapes always
    // reproduce the samples, so a wrong shape is made here by changing the
    // root part's answer (the engine's fallback is what is under test).
    const dir = varietyProject('stackName: shapes-wrong\nuserStacks: 2\n');
    const { engine, calls } = recordingJsonnet();
    const altered: JsonnetEngine = {
      evaluateFile: engine.evaluateFile,
      evaluateSnippet: async (code, filename, opts) => {
        const out = await engine.evaluateSnippet(code, filename, opts);
        if (opts.tlaString?.part !== 'root' || opts.tlaString?.shapes !== 'yes') return out;
        const root = JSON.parse(out) as { userShapes: UserShapes };
        for (const r of Object.values(root.userShapes.readWrite))
          r.Properties = { ...r.Properties, HomeDirectoryType: 'PATH' };
        return JSON.stringify(root);
      },
    };
    const out = await synthesize(
      { configFile: path.join(dir, 'sftpgw.yaml'), cwd: dir, environment: {}, today: TODAY },
      { jsonnet: altered, reporter: new RecordingReporter() },
    );
    const full = await build(dir, undefined, true);
    expect(texts(out)).to.deep.equal(texts(full.out));
    expect(calls.shapesAsked).to.equal(true);
    expect(calls.usersRendered).to.equal(out.users.length);
  });

  it('a patched user constructor: every user by libjsonnet, with the patch', async () => {
    const dir = varietyProject(
      'stackName: shapes-user-patch\n',
      `${GATEWAY_HEAD}{
  user+:: {
    new(id, name, spec, shared):: super.new(id, name, spec, shared)
      + sftpgw.component.patch(id, { Properties+: { Tags+: [{ Key: 'n', Value: std.md5(name) }] } }),
  },
}
`,
    );
    const { shaped } = await expectSame(dir);
    expect(shaped.calls.shapesAsked).to.equal(false);
    expect(shaped.calls.usersRendered).to.equal(shaped.out.users.length);
    const acme = Object.values(shaped.out.template.Resources).find(
      (r) => r.Properties?.UserName === 'acme-corp',
    );
    expect(JSON.stringify(acme?.Properties?.Tags)).to.include('"Key":"n"');
  });

  it('a user constructor patched through a computed field name: every user by libjsonnet', async () => {
    const dir = varietyProject(
      'stackName: shapes-computed\n',
      `${GATEWAY_HEAD}{
  ['us' + 'er']+:: {
    new(id, name, spec, shared):: super.new(id, name, spec, shared)
      + (if name == 'grace' then sftpgw.component.patch(id, { Properties+: { HomeDirectoryType: 'PATH' } }) else {}),
  },
}
`,
    );
    const { shaped } = await expectSame(dir);
    expect(shaped.calls.shapesAsked).to.equal(false);
    const grace = Object.values(shaped.out.template.Resources).find(
      (r) => r.Properties?.UserName === 'grace',
    );
    expect(grace?.Properties?.HomeDirectoryType).to.equal('PATH');
  });
});

describe('user-constructor: which gateway sources may reach the user constructor', () => {
  it('passes text that calls new, patches user with +, reads user, or names them in comments', () => {
    expect(
      namesUser(
        `// user:: new(…):: is documented here\nlocal sftpgw = import 'sftpgw.libsonnet';\nfunction(config) sftpgw.gateway.new(config) + {\n  user+:: { sessionPolicy(home, readOnly):: super.sessionPolicy(home, readOnly) },\n  userRefs+:: {}, x:: self.user, y: 'users',\n}`,
      ),
    ).to.equal(undefined);
    expect(namesUser('{ a: [[1, 2], [3]], b: x[1:2] }')).to.equal(undefined);
  });

  it('refuses a definition of new, a replaced user, the strings in every spelling, and computed field names', () => {
    expect(namesUser('{ user+:: { new(a, b, c, d):: {} } }')).to.equal('defines `new`');
    expect(namesUser('local new = 1; {}')).to.equal('defines `new`');
    expect(namesUser("{ user+:: { 'new':: 1 } }")).to.equal("has the string 'new'");
    expect(namesUser('{ user+:: { "n\\u0065w":: 1 } }')).to.equal("has the string 'new'");
    expect(namesUser('{ user:: {} }')).to.equal('replaces `user`');
    expect(namesUser("{ 'user': {} }")).to.equal('replaces `user`');
    expect(namesUser("{ @'user':::  {} }")).to.equal('replaces `user`');
    expect(namesUser("{ ['us' + 'er']+:: {} }")).to.equal('has a computed field name');
    expect(namesUser("{ [k]: 1 for k in ['a'] }")).to.equal('has a computed field name');
    expect(namesUser("{ a: 'open")).to.equal('could not be read as jsonnet');
  });

  it('refuses a repository file with the name of a shipped libsonnet file, passes shipped files unread', () => {
    const lib = path.join(packageRoot, 'libsonnet');
    const tpl = path.join(packageRoot, 'templates');
    const read = (f: string) => (f.includes('mine') ? '{ a: 1 }' : undefined);
    const src = (files: string[]) => ({ files, shippedDirs: [lib, tpl], read });
    expect(constructorPatched(src([path.join(lib, 'user.libsonnet')]))).to.equal(undefined);
    expect(constructorPatched(src(['/repo/mine/libsonnet/helpers.libsonnet']))).to.equal(undefined);
    expect(constructorPatched(src(['/repo/mine/libsonnet/user.libsonnet']))).to.match(
      /name of a shipped libsonnet file/,
    );
    expect(constructorPatched(src(['/repo/other/x.libsonnet']))).to.match(/could not be read/);
  });
});

describe('user-shapes: instantiating and checking shapes', () => {
  const s = {
    id: '\u0001i\u0001',
    name: '\u0001n\u0001',
    home: '\u0001h\u0001',
    key: '\u0001k\u0001',
  };
  const shape = {
    [s.id]: {
      Type: 'AWS::Transfer::User',
      Properties: {
        UserName: s.name,
        Policy: { 'Fn::Sub': [`a${s.home}b${s.home}c`, { Bucket: { Ref: 'B' } }] },
        SshPublicKeys: [s.key],
        Count: 1,
        On: true,
        Nothing: null,
      },
    },
  };
  const user = (name: string, readOnly: boolean, keys: string[]): RenderUser => ({
    name,
    id: `User${name}`,
    spec: {
      keys: keys.map((line) => ({ line })),
      sshPublicKeys: keys,
      homeDirectory: `home/${name}`,
      readOnly,
      tags: {},
      allowedSourceCidrs: [],
    },
  });

  it('puts each value where its sentinel is, in fresh objects', () => {
    const make = compileShape(shape, s);
    const keys = ['k1', 'k2'];
    const a = make({ id: 'Ua', name: 'a', home: 'h/a', keys });
    expect(a).to.deep.equal({
      Ua: {
        Type: 'AWS::Transfer::User',
        Properties: {
          UserName: 'a',
          Policy: { 'Fn::Sub': ['ah/abh/ac', { Bucket: { Ref: 'B' } }] },
          SshPublicKeys: ['k1', 'k2'],
          Count: 1,
          On: true,
          Nothing: null,
        },
      },
    });
    const b = make({ id: 'Ub', name: 'b', home: '$&', keys: [] });
    expect(b.Ub.Properties?.Policy).to.deep.equal({
      'Fn::Sub': ['a$&b$&c', { Bucket: { Ref: 'B' } }],
    });
    expect(a.Ua.Properties?.SshPublicKeys).to.not.equal(keys);
  });

  it('refuses shapes it cannot reproduce exactly', () => {
    expect(() => compileShape({ x: `key:${s.key}` }, s)).to.throw(ShapeError, /key sentinel/);
    expect(() => compileShape({ [s.id]: 1, Other: 2 }, s)).to.throw(
      ShapeError,
      /beside other fields/,
    );
  });

  it('compares JSON with field order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { a: 1, b: [1, { c: 2 }] })).to.equal(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).to.equal(false);
    expect(sameJson([1], { 0: 1 })).to.equal(false);
  });

  const shapes = (samples: UserShapes['samples'], stock = true): UserShapes => ({
    sentinels: s,
    stock,
    readOnly: shape,
    readWrite: shape,
    samples,
  });
  const users = [user('bob', false, ['k']), user('amy', true, ['k2'])];
  const rendered = (u: RenderUser) =>
    compileShape(
      shape,
      s,
    )({ id: u.id, name: u.name, home: u.spec.homeDirectory, keys: u.spec.sshPublicKeys });

  it('instantiates every user when the samples (sorted by name) match', () => {
    const chunk = instantiate(shapes([rendered(users[1]), rendered(users[0])]), users, users);
    expect(chunk?.names).to.deep.equal(['bob', 'amy']);
    expect(chunk?.fragments[1]).to.deep.equal(rendered(users[1]));
  });

  it('falls back when a sample differs, when the constructor is not the stock one, or the shape cannot be compiled', () => {
    const wrong = rendered(users[0]);
    wrong.Userbob.Properties = { ...wrong.Userbob.Properties, UserName: 'other' };
    expect(instantiate(shapes([rendered(users[1]), wrong]), users, users)).to.equal(undefined);
    expect(instantiate(shapes([rendered(users[1])]), users, users)).to.equal(undefined);
    expect(
      instantiate(shapes([rendered(users[1]), rendered(users[0])], false), users, users),
    ).to.equal(undefined);
    // The key list's sentinel inside a string: a shape the engine does not instantiate.
    const keyInText = { Type: 'AWS::Transfer::User', Properties: { Comment: `k${s.key}` } };
    const bad: UserShapes = { ...shapes([]), readOnly: { [s.id]: keyInText } };
    expect(instantiate(bad, users, [])).to.equal(undefined);
  });
});
