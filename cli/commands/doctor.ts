// sftpgw doctor: checks this machine for what sftpgw needs and prints each
// check with what to do. The probes are the real adapters; the AWS SDK loads
// only without --offline.
import { jsonnetAddon, toolVersion } from '../adapters/probes.js';
import {
  type Check,
  type CheckStatus,
  doctor,
  type DoctorReport,
} from '../engine/doctor/doctor.js';
import { ownPackage } from '../engine/own-package.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { useColor } from '../output.js';
import { doctorDocument } from '../output-schemas/doctor.js';
import { palette } from '../style.js';

export interface DoctorFlags {
  offline?: boolean;
  region?: string;
  timeout: number;
  output: 'text' | 'json';
  debug?: boolean;
  color?: boolean;
}

export async function run(flags: DoctorFlags): Promise<ExitCode> {
  const own = ownPackage();
  // doctor reports the SDK's Node.js note itself, as one check.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const aws = flags.offline
    ? undefined
    : (await import('../adapters/aws/doctor.js')).awsProbe({
        region: flags.region,
        timeoutMs: flags.timeout * 1000,
      });
  const report = await doctor({
    nodeVersion: process.versions.node,
    nodeEngine: own.nodeEngine,
    pinnedCfnLint: own.cfnLintVersion,
    cfnLint: () => toolVersion(process.env.SFTPGW_CFN_LINT || 'cfn-lint'),
    jsonnetAddon,
    buildTool: (name) => toolVersion(name),
    aws,
  });
  if (flags.output === 'json')
    process.stdout.write(JSON.stringify(doctorDocument(report), null, 2) + '\n');
  else process.stdout.write(text(report, useColor(flags, process.stdout)));
  return report.ok ? EXIT.ok : EXIT.failed;
}

function text(report: DoctorReport, color: boolean): string {
  const p = palette(color);
  const paint: Record<CheckStatus, (s: string) => string> = {
    ok: p.added,
    warn: p.warning,
    fail: p.error,
    skip: p.dim,
  };
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const line = (c: Check) =>
    `${paint[c.status](c.status.padEnd(4))}  ${c.title.padEnd(width)}  ${c.detail}\n` +
    (c.fix ? `${' '.repeat(6 + width + 2)}→ ${c.fix}\n` : '');
  const { ok, warn, fail, skip } = report.counts;
  const summary = [`${ok} ok`, `${warn} warning${warn === 1 ? '' : 's'}`, `${fail} failed`]
    .concat(skip ? [`${skip} skipped`] : [])
    .join(', ');
  return `${report.checks.map(line).join('')}\n${summary}${report.ok ? '' : ': sftpgw cannot work here until the failed checks are fixed'}\n`;
}
