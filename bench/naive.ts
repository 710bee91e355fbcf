// The baseline layout: one main file that `import`s every user file, rendered
// in one libjsonnet evaluation with the same resource libraries. It does no
// key checks, so it is if anything flattered. Run as a child process by
// run.ts: node dist/bench/naive.js <projectDir> <outFile>
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { libjsonnet } from '../cli/adapters/jsonnet.js';
import { discoverUsers } from '../cli/engine/users/discover.js';
import { packageRoot } from '../cli/engine/paths.js';
import type { TemplateConfig } from '../cli/engine/config/types.js';

const [projectDir, outFile] = process.argv.slice(2);
const users = await discoverUsers(path.join(projectDir, 'users'));
const main = `
local sftpgw = import 'sftpgw.libsonnet';
local users = {
${users.map((u) => `  ${JSON.stringify(u.name)}: import ${JSON.stringify('users/' + u.name + '.libsonnet')},`).join('\n')}
};
function(config)
  local gw = sftpgw.gateway.new(config);
  local shared = sftpgw.component.materialize(gw.user.shared(sftpgw.component.materialize(gw.userRefValues('root'))));
  gw.template + { Resources+: {
    ['User' + name]: gw.user.new('User' + name, name, { homeDirectory: name, readOnly: false, tags: {} } + users[name], shared).resources['User' + name]
    for name in std.objectFields(users)
  } }
`;
const mainFile = path.join(projectDir, 'naive-main.jsonnet');
writeFileSync(mainFile, main);
// The same settings `stackName: bench` resolves to in sftpgw (outbound on).
const config: TemplateConfig = {
  description: 'naive',
  stackName: 'bench',
  tags: { 'sftpgw:gateway': 'bench' },
  dns: null,
  server: {
    securityPolicy: 'TransferSecurityPolicy-2024-01',
    endpoint: null,
    hostKeys: [],
    identityProvider: {
      type: 'service-managed',
      passwords: false,
      cacheSeconds: 30,
      stage: false,
      codeKey: '',
    },
  },
  buckets: {
    gateway: null,
    accessLogs: null,
    staging: null,
    keepGeneratedGatewayName: null,
    noncurrentVersionDays: 90,
    accessLogExpirationDays: 365,
  },
  logs: { retentionDays: 365 },
  alarms: { emails: [], topicArns: [] },
  downstream: null,
  outbound: {
    secretPrefix: 'sftpgw/bench',
    reservedConcurrency: 5,
    memorySize: 512,
    timeoutSeconds: 300,
    maxRetryAttempts: 2,
    maxEventAgeSeconds: 3600,
    stagingExpirationDays: 30,
    alarms: { emails: [], topicArns: [] },
    vpc: null,
    codeKey: 'sftpgw/handler/bench.zip',
  },
  iam: { permissionsBoundary: null },
  userStacks: null,
};
const out = await libjsonnet.evaluateFile(mainFile, {
  jpath: [path.join(packageRoot, 'libsonnet')],
  tlaCode: { config: JSON.stringify(config) },
});
const template = JSON.parse(out) as { Resources: object };
writeFileSync(outFile, JSON.stringify(template, null, 2) + '\n');
