// Reading a lambda gateway's deployed directory (cli/engine/identity/
// deployed-directory.ts) and how `sftpgw info` prints the identity provider
// (cli/info-text.ts). The store is a fake here for what moto cannot produce:
// moto does not enforce IAM or KMS, so a refused GetObject (AccessDenied)
// and a refused version listing are made by hand; a store whose read()
// gives no time stands for a store that does not return it. Everything moto
// can show (missing, corrupt, versions) is tested against it in
// identity-commands-moto.test.ts.
import { expect } from 'chai';
import type { DirectoryStore } from '../../cli/adapters/aws/directory-store.js';
import type { GatewayInfo } from '../../cli/engine/endpoint/info.js';
import { SftpgwError } from '../../cli/engine/errors.js';
import {
  readDeployedDirectory,
  versionText,
} from '../../cli/engine/identity/deployed-directory.js';
import { formatInfo } from '../../cli/info-text.js';

const DIRECTORY = JSON.stringify({
  format: 'sftpgw-directory/1',
  gateway: 'gw',
  passwords: false,
  users: {},
});

function store(over: Partial<DirectoryStore>): DirectoryStore {
  return {
    bucket: 'b',
    read: async () => ({ text: DIRECTORY, versionId: 'v2' }),
    write: async () => ({}),
    versions: async () => [],
    ...over,
  };
}

describe('the deployed directory (reading it)', () => {
  it('a refused GetObject: names the stack, the object and the permissions, keeps the cause', async () => {
    const denied = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      $action: 's3:GetObject',
    });
    const err = await readDeployedDirectory(
      'gw',
      'gw-directorybucket-1',
      store({
        read: async () => {
          throw denied;
        },
      }),
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SftpgwError);
    const e = err as SftpgwError;
    expect(e.message).to.equal(
      'could not read the directory of stack gw, s3://gw-directorybucket-1/directory.json (s3:GetObject): AccessDenied: Access Denied',
    );
    expect(e.hint).to.include('s3:GetObject on s3://gw-directorybucket-1/directory.json');
    expect(e.hint).to.include('kms:Decrypt on the gateway key');
    expect(e.cause).to.equal(denied);
  });

  it("the store's own error (the bucket is gone) passes through as it is", async () => {
    const gone = new SftpgwError(
      'failed',
      'reading s3://b/directory.json: the directory bucket does not exist',
    );
    const err = await readDeployedDirectory(
      'gw',
      'b',
      store({
        read: async () => {
          throw gone;
        },
      }),
    ).catch((e: unknown) => e);
    expect(err).to.equal(gone);
  });

  it('no time from GetObject: the time of that version from the version listing', async () => {
    const at = new Date('2026-12-07T10:00:00.123Z');
    const d = await readDeployedDirectory(
      'gw',
      'b',
      store({
        versions: async () => [
          { versionId: 'v2', lastModified: at, isLatest: true, size: DIRECTORY.length },
          { versionId: 'v1', lastModified: new Date(0), isLatest: false, size: 1 },
        ],
      }),
    );
    expect(d).to.deep.include({ versionId: 'v2', lastModified: at, bytes: DIRECTORY.length });
    expect(versionText(d)).to.equal('version v2 of 2026-12-07T10:00:00Z');
  });

  it('the version listing refused too: the version without a time, no failure', async () => {
    const d = await readDeployedDirectory(
      'gw',
      'b',
      store({
        versions: async () => {
          throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
        },
      }),
    );
    expect(d.lastModified).to.equal(undefined);
    expect(versionText(d)).to.equal('version v2');
  });

  it('an unversioned object: its time, said to be unversioned', () => {
    expect(versionText({ lastModified: new Date('2026-12-07T10:00:00Z') })).to.equal(
      'written 2026-12-07T10:00:00Z (unversioned)',
    );
    expect(versionText({})).to.equal('version unknown');
  });
});

describe('sftpgw info: the identity provider rows', () => {
  const base: GatewayInfo = {
    stackName: 'gw',
    region: 'eu-west-1',
    stackStatus: 'UPDATE_COMPLETE',
    addresses: [],
    serverNetworks: [],
    users: [{ name: 'alice', allowedSourceCidrs: ['198.51.100.0/24'], admitted: [] }],
    usersFrom: 'directory',
    missing: [],
  };

  it('lambda, passwords off: the function, the directory URL, version, time, users and bytes', () => {
    const text = formatInfo(
      {
        ...base,
        identityProvider: {
          type: 'lambda',
          deployed: true,
          functionName: 'gw-IdentityFunction-X',
          directory: {
            bucket: 'gw-dir',
            key: 'directory.json',
            versionId: 'v9',
            lastModified: new Date('2026-12-07T11:00:00Z'),
            bytes: 1234,
            users: 1,
            passwords: false,
            usersWithPassword: 0,
          },
        },
      },
      false,
    );
    expect(text).to.include(
      '\n  Identity provider: lambda: function gw-IdentityFunction-X, passwords off\n',
    );
    expect(text).to.include(
      '\n    directory: s3://gw-dir/directory.json version v9 of 2026-12-07T11:00:00Z: 1 user, 1234 bytes\n',
    );
    expect(text).to.include('    alice: 198.51.100.0/24\n');
  });

  it('staging: says the server still answers from its Transfer users', () => {
    const text = formatInfo(
      {
        ...base,
        usersFrom: 'user-files',
        identityProvider: { type: 'staging', deployed: true, functionName: 'f' },
      },
      false,
    );
    expect(text).to.include(
      'Identity provider: staging: the server still answers from its Transfer users; function f and the directory are staged for the switch\n',
    );
    expect(text).to.include("server-wide: any admitted network may try any user's key");
  });

  it('not deployed: the configured type', () => {
    const text = formatInfo(
      {
        ...base,
        stackStatus: undefined,
        usersFrom: 'user-files',
        identityProvider: { type: 'lambda', deployed: false },
      },
      false,
    );
    expect(text).to.include(
      'Identity provider: lambda (as configured: the stack does not exist yet)\n',
    );
  });
});
