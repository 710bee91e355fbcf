// An endpoint that answers, but not as AWS does: moto answers HTML 500 when it
// fails, a proxy answers with its own page. The SDK then throws a
// deserialization error ("… inspect the hidden field {error}.$response …") or
// an error named Unknown; cli/adapters/aws/errors.ts turns it into ONE line
// naming the HTTP status and the call, for every command. A tiny HTTP server
// on 127.0.0.1 (in this process, closed in the after hook) answers every
// request with HTML 500 (or plain text, or HTML 200); the CLI runs as a
// process against it.
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { cleanTempDirs, exampleProject, runCliAsync, tempDir } from '../helpers/project.js';

const HTML =
  '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.</p>\n';

describe('an endpoint that answers non-XML/JSON: one plain line naming the status and the call', function () {
  this.timeout(60_000);
  let server: http.Server;
  let endpoint: string;
  let answer: { status: number; type: string; body: string };
  const requests: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, { 'content-type': answer.type });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    answer = { status: 500, type: 'text/html; charset=utf-8', body: HTML };
    requests.length = 0;
  });
  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    cleanTempDirs();
  });

  const env = () => ({
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });

  /** One line on stderr, exit 1, the status and an IAM-style call named, nothing of the SDK's internals. */
  function expectOneLine(r: { status: number; stderr: string }, status: number, what: RegExp) {
    expect(r.status, r.stderr).to.equal(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('·'));
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(
      new RegExp(
        `^error: the endpoint at ${endpoint.replace(/[.]/g, '\\.')} answered [a-z0-9-]+:[A-Za-z0-9]+ with HTTP ${status} and `,
      ),
    );
    expect(lines[0]).to.match(what);
    expect(r.stderr).not.to.match(
      /\$response|Deserialization|hidden field|Unknown|SyntaxError|<html|\n\s+at /,
    );
  }

  const commands: Array<[string, string[]]> = [
    ['deploy', ['deploy', '--no-lint', '--yes', '--s3-bucket', 'artifacts']],
    ['info', ['info']],
    ['destinations list', ['destinations', 'list']],
    ['diff', ['diff', '--no-lint']],
    ['snowflake sql', ['snowflake', 'sql']],
  ];

  for (const [name, args] of commands)
    it(`${name}: HTML 500`, async () => {
      const dir = exampleProject();
      if (name === 'snowflake sql')
        writeFileSync(
          path.join(dir, 'sftpgw.yaml'),
          'stackName: html-sf\noutbound:\n  enabled: false\ndownstream:\n  snowflake:\n    iamUserArn: arn:aws:iam::123456789012:user/abc1-b-self1234\n    externalId: X_SFCRole=2_abc=\n',
        );
      const r = await runCliAsync(args, { cwd: dir, env: env() });
      expect(requests.length, 'the CLI did reach the endpoint').to.be.greaterThan(0);
      expectOneLine(r, 500, /and an HTML page, not an AWS response/);
    });

  it('plain text and HTML 200 are named as such', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'users'));
    writeFileSync(path.join(dir, 'sftpgw.yaml'), 'stackName: html-plain\n');
    answer = { status: 502, type: 'text/plain', body: 'Bad Gateway' };
    expectOneLine(
      await runCliAsync(['destinations', 'list'], { cwd: dir, env: env() }),
      502,
      /and plain text/,
    );
    answer = { status: 200, type: 'text/html', body: HTML };
    expectOneLine(await runCliAsync(['info'], { cwd: dir, env: env() }), 200, /an HTML page/);
  });
});
