// sftpgw outbound redeliver: flags → the plan (printed) → confirmation → the
// copies → one line per key (or one JSON document). Where nobody can answer
// (no terminal) and without --yes, the plan is the result: printed, nothing
// changed, exit 0 — as `sftpgw deploy` leaves its change set for review.
import { explainAwsError } from '../adapters/aws/errors.js';
import { count } from '../engine/plural.js';
import { newRun } from '../engine/outbound/redelivery-run.js';
import {
  checkKeys,
  type Outcome,
  planRedelivery,
  REDELIVERABLE,
  type Redeliverable,
  restage,
} from '../engine/outbound/redeliver.js';
import { checkDestination } from '../engine/outbound/staged-key.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { outcomeLine, planText } from '../outbound-text.js';
import { redeliverDocument } from '../output-schemas/outbound.js';
import { listingProgress, type OutboundFlags, outboundContext } from './outbound-context.js';
import { confirm, decision } from './prompt.js';

interface RedeliverFlags extends OutboundFlags {
  destination: string;
  status?: Redeliverable;
  key: string[];
  yes?: boolean;
}

/** --status S: S; else with --key: the named keys only; else rejected and failed. */
export function statusesOf(flags: Pick<RedeliverFlags, 'status' | 'key'>): Redeliverable[] {
  if (flags.status) return [flags.status];
  return flags.key.length > 0 ? [] : [...REDELIVERABLE];
}

/** An S3 error of one key, explained as every AWS error is (the action denied, what to do). */
function explained(o: Outcome): Outcome {
  if (o.outcome !== 'failed') return o;
  const e = explainAwsError(o.error);
  const hint = (e as { hint?: string }).hint;
  return { ...o, reason: `${(e as Error).message ?? o.reason}${hint ? ` (${hint})` : ''}` };
}

export async function run(flags: RedeliverFlags): Promise<ExitCode> {
  checkDestination(flags.destination);
  checkKeys(flags.destination, flags.key);
  const json = flags.output === 'json';
  const ask = decision(flags.yes, false);
  const run = newRun();
  const { stackName, bucket, objects, reporter } = await outboundContext(flags);
  const progress = listingProgress(reporter);
  let pages = 0;
  const statuses = statusesOf(flags);
  const plan = await planRedelivery(
    objects,
    {
      bucket,
      destination: flags.destination,
      statuses,
      keys: flags.key,
      pageSize: flags.pageSize,
    },
    run,
    (listed) => progress(listed, ++pages),
  );
  const toCopy = plan.items.filter((i) => i.action === 'restage');
  const refused = plan.items.some((i) => i.action === 'refuse');
  const print = (outcomes?: Outcome[]) => {
    if (json)
      process.stdout.write(
        JSON.stringify(redeliverDocument(stackName, plan, run.id, outcomes), null, 2) + '\n',
      );
  };
  const chosenText = [
    statuses.length > 0 ? `${statuses.join(' or ')} files` : '',
    flags.key.length > 0 ? count(flags.key.length, 'named key') : '',
  ]
    .filter(Boolean)
    .join(' and ');
  if (plan.items.length === 0) {
    print();
    if (!json)
      process.stdout.write(
        `nothing to redeliver: no ${chosenText} in s3://${bucket}/${flags.destination}/\n`,
      );
    return EXIT.ok;
  }
  if (!json) {
    process.stdout.write(planText(plan));
    process.stdout.write(
      `${count(toCopy.length, 'file')} to re-stage in s3://${bucket}/${flags.destination}/ (run ${run.id})\n`,
    );
  }
  if (toCopy.length === 0) {
    print();
    return refused ? EXIT.failed : EXIT.ok;
  }
  if (ask === 'no') {
    print();
    process.stderr.write(
      `not a terminal and no --yes: nothing re-staged, nothing changed (pass --yes to re-stage ${count(toCopy.length, 'file')})\n`,
    );
    return EXIT.ok;
  }
  if (
    ask === 'ask' &&
    !(await confirm(`Re-stage ${count(toCopy.length, 'file')} of ${flags.destination}?`))
  ) {
    print();
    process.stderr.write('not re-staged: nothing changed\n');
    return EXIT.failed;
  }
  const outcomes = (await restage(objects, plan, run)).map(explained);
  print(outcomes);
  if (!json)
    for (const o of outcomes) process.stdout.write(`${outcomeLine(o, flags.destination)}\n`);
  const n = (k: Outcome['outcome']) => outcomes.filter((o) => o.outcome === k).length;
  process.stderr.write(
    `${count(n('restaged'), 'file')} re-staged, ${n('skipped')} skipped, ${n('refused')} refused, ${n('failed')} failed (run ${run.id}); the push function runs again for each re-staged file: follow with sftpgw outbound status --destination ${flags.destination}\n`,
  );
  return n('failed') + n('refused') > 0 ? EXIT.failed : EXIT.ok;
}
