// Tidy text in a CLI process: the AWS SDK's Node.js support warning said by
// sftpgw once a day instead of ten lines on every AWS command (the rest of
// tidy text runs in-process: tidy-text.unit.test.ts).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { nodeSupportNote, SDK_WARNING_VARIABLE } from '../../cli/node-support.js';
import { cleanTempDirs, repoRoot, tempDir } from '../helpers/project.js';

describe('tidy text', () => {
  after(() => cleanTempDirs());

  describe("the AWS SDK's Node.js support warning", () => {
    it('a CLI process: no ten-line SDK warning, the note once, then not in the next run', () => {
      const cache = tempDir();
      // the compiled module, as the CLI runs it; an SDK client made after it, as every AWS command does
      const script = `
        const { nodeVersionNote } = await import(${JSON.stringify(path.join(repoRoot, 'dist/cli/node-support.js'))});
        const { S3Client } = await import('@aws-sdk/client-s3');
        nodeVersionNote({ warn: (m) => process.stderr.write('warning: ' + m + '\\n') }, { version: '20.20.2' });
        new S3Client({ region: 'us-east-1' });
        await new Promise((r) => setTimeout(r, 50));`;
      const run = () => {
        const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache };
        delete env[SDK_WARNING_VARIABLE];
        return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
          cwd: repoRoot,
          env,
          encoding: 'utf8',
        });
      };
      const first = run();
      expect(first.status, first.stderr).to.equal(0);
      expect(first.stderr).to.not.include('NodeVersionSupportWarning');
      expect(first.stderr.trim().split('\n')).to.deep.equal([
        `warning: ${nodeSupportNote('20.20.2')} (said once a day; sftpgw doctor says it again)`,
      ]);
      const second = run();
      expect(second.status, second.stderr).to.equal(0);
      expect(second.stderr).to.equal('');
    });
  });
});
