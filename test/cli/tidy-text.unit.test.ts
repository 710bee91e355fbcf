// Tidy text: counts through one helper ("1 user", never "1 users"), each
// stack event printed once, and the AWS SDK's Node.js support warning said by
// sftpgw once a day instead of ten lines on every AWS command, in-process
// (the warning in a CLI process: tidy-text.test.ts).
import path from 'node:path';
import { expect } from 'chai';
import type { CloudFormationApi, StackEvent } from '../../cli/adapters/aws/cloudformation.js';
import { watchStack } from '../../cli/engine/deploy/watch.js';
import { count } from '../../cli/engine/plural.js';
import { RecordingReporter } from '../../cli/engine/reporter.js';
import {
  cacheDir,
  nodeSupportNote,
  nodeVersionNote,
  SDK_WARNING_VARIABLE,
} from '../../cli/node-support.js';
import { cleanTempDirs, tempDir } from '../helpers/project.js';

describe('tidy text', () => {
  after(() => cleanTempDirs());

  it('count: the noun in the number that fits', () => {
    expect(count(1, 'user')).to.equal('1 user');
    expect(count(0, 'user')).to.equal('0 users');
    expect(count(2, 'entry', 'entries')).to.equal('2 entries');
    expect(count(1, 'child stack')).to.equal('1 child stack');
  });

  describe('stack events', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));
    const event = (id: string, s: number, status: string, reason?: string): StackEvent => ({
      id,
      timestamp: at(s),
      logicalId: id.startsWith('stack') ? 'gw' : id.split('-')[0],
      resourceType: id.startsWith('stack') ? 'AWS::CloudFormation::Stack' : 'AWS::S3::Bucket',
      status,
      reason,
    });
    const userInitiated = event('stack-1', 0, 'CREATE_IN_PROGRESS', 'User Initiated');

    it('an event a poll returns twice is printed once', async () => {
      // A fake, as no local server produces this: DescribeStackEvents pages
      // newest first, and events arriving between two page requests push the
      // rest down, so one poll's pages hold the last event of a page again
      // (moto answers in one page). Recorded as the adapter returns them:
      // newest first, the stack's own first event twice.
      const polls: StackEvent[][] = [
        [event('Bucket-1', 1, 'CREATE_IN_PROGRESS'), userInitiated, userInitiated],
        [
          event('stack-2', 3, 'CREATE_COMPLETE'),
          event('Bucket-2', 2, 'CREATE_COMPLETE'),
          event('Bucket-1', 1, 'CREATE_IN_PROGRESS'),
          userInitiated,
        ],
      ];
      const statuses = ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE'];
      let poll = 0;
      const cfn = {
        stackEvents: async () => polls[Math.min(poll, polls.length - 1)],
        describeStack: async () => ({
          id: 'arn',
          status: statuses[Math.min(poll++, statuses.length - 1)],
          outputs: {},
          terminationProtection: false,
        }),
      } as unknown as CloudFormationApi;
      const reporter = new RecordingReporter();
      const clock = { now: () => 0, sleep: async () => {}, pollMs: 0, timeoutMs: 60_000 };
      const { events } = await watchStack({ cfn, clock, reporter }, 'gw', { since: at(0) });
      const lines = reporter.messages.map((m) => m.message);
      expect(lines).to.deep.equal([
        '12:00:00 gw CREATE_IN_PROGRESS — User Initiated',
        '12:00:01 Bucket CREATE_IN_PROGRESS',
        '12:00:02 Bucket CREATE_COMPLETE',
        '12:00:03 gw CREATE_COMPLETE',
      ]);
      expect(events.map((e) => e.id)).to.deep.equal(['stack-1', 'Bucket-1', 'Bucket-2', 'stack-2']);
    });
  });

  describe("the AWS SDK's Node.js support warning", () => {
    const day = 24 * 60 * 60 * 1000;
    const now = Date.UTC(2026, 5, 1, 9);

    it('nodeSupportNote (for sftpgw doctor): a line on Node < 22, nothing from 22 on', () => {
      expect(nodeSupportNote('20.20.2')).to.equal(
        'Node.js 20.20.2 works, but AWS SDK releases after January 2027 need Node.js 22 or newer: upgrade Node.js before then',
      );
      expect(nodeSupportNote('v20.0.0')).to.match(/^Node\.js 20\.0\.0 works/);
      expect(nodeSupportNote('22.0.0')).to.equal(undefined);
      expect(nodeSupportNote('24.1.0')).to.equal(undefined);
    });

    it('said once a day, stamped under $XDG_CACHE_HOME/sftpgw; the SDK silenced in every run', () => {
      const env: NodeJS.ProcessEnv = { XDG_CACHE_HOME: tempDir() };
      expect(cacheDir(env)).to.equal(path.join(env.XDG_CACHE_HOME!, 'sftpgw'));
      const said = (at: number, e = env) => {
        const r = new RecordingReporter();
        const run = { ...e };
        nodeVersionNote(r, { env: run, version: '20.20.2', now: at });
        expect(run[SDK_WARNING_VARIABLE], 'the SDK is silenced').to.equal('true');
        return r.warnings;
      };
      expect(said(now)).to.deep.equal([
        `${nodeSupportNote('20.20.2')} (said once a day; sftpgw doctor says it again)`,
      ]);
      expect(said(now + 60_000)).to.deep.equal([]);
      expect(said(now + day - 1)).to.deep.equal([]);
      expect(said(now + day)).to.have.length(1);
      // a user who silenced the SDK themselves opted out of the line too
      const other = { XDG_CACHE_HOME: tempDir(), [SDK_WARNING_VARIABLE]: 'true' };
      expect(said(now, other)).to.deep.equal([]);
    });
  });
});
