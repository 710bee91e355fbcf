// The Snowflake role of a generated gateway whose downstream.snowflake.users
// names some of its users (issue 21): its largest inline policy as IAM counts
// it — as the template renders it (intrinsic functions unresolved) and at
// worst case (as the build's iam/role-policy-size check measures it) — and
// the time of whole `sftpgw build --no-lint` processes on that gateway
// (run.ts measures them; a build refused for the quota still counts: that is
// how long the answer takes).
//   node dist/bench/snowflake-users.js 1000 150   (or 1000 unset)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { libjsonnet } from '../cli/adapters/jsonnet.js';
import { silentReporter } from '../cli/engine/reporter.js';
import { synthesize } from '../cli/engine/synthesize.js';
import { pointerParts } from '../cli/engine/validate/finding.js';
import {
  iamPolicyLength,
  roleInlinePolicies,
} from '../cli/engine/validate/rules/iam/policy-size.js';
import { writeUsers } from './users.js';

/** A project of `users` users (32 child stacks past 400) with Snowflake loading the first `named`. */
export function snowflakeProject(
  users: number,
  named: number | null,
  dir = mkdtempSync(path.join(tmpdir(), `sftpgw-bench-snowflake-${users}-`)),
): string {
  const names = writeUsers(path.join(dir, 'users'), users);
  const list = named === null ? '' : `\n    users: [${names.slice(0, named).join(', ')}]`;
  writeFileSync(
    path.join(dir, 'sftpgw.yaml'),
    `stackName: bench\n${users > 400 ? 'userStacks: 32\n' : ''}downstream:\n  snowflake:\n    iamUserArn: arn:aws:iam::123456789012:user/abc1-b-self1234\n    externalId: BENCH_SFCRole=2_AbCdEfGhIjKlMnOp=${list}\n`,
  );
  return dir;
}

export interface RolePolicyFigure {
  role: string;
  policy: string;
  /** Characters IAM counts, intrinsic functions as written in the template. */
  rendered: number;
  /** The same at worst case (what the check compares with 10,240). */
  worstCase: number;
}

/** The largest inline policy of any role in the gateway's root template. */
export async function largestRolePolicy(dir: string): Promise<RolePolicyFigure> {
  const { template, config } = await synthesize(
    { cwd: dir, format: 'json' },
    { jsonnet: libjsonnet, reporter: silentReporter },
  );
  let best: RolePolicyFigure | undefined;
  for (const [role, policies] of roleInlinePolicies(template, config.stackName))
    for (const p of policies) {
      if (best && p.length <= best.worstCase) continue;
      // The document as the template holds it, found by the measured pointer.
      const doc = pointerParts(p.pointer).reduce<unknown>(
        (v, k) => (v as Record<string, unknown> | undefined)?.[k],
        template,
      );
      best = { role, policy: p.name, rendered: iamPolicyLength(doc), worstCase: p.length };
    }
  return best!;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // node dist/bench/snowflake-users.js <users> <named | unset>
  const [users = '1000', named = '150'] = process.argv.slice(2);
  const dir = snowflakeProject(Number(users), named === 'unset' ? null : Number(named));
  console.log(dir);
  console.log(JSON.stringify(await largestRolePolicy(dir)));
}
