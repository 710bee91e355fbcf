// Execute-or-not and recreate-or-not from flags: yes with the flag, ask on a
// terminal, and in CI (no terminal) a usage error rather than a silent guess.
import { createInterface } from 'node:readline/promises';
import type { Decision } from '../engine/deploy/deploy.js';

export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

export function decision(yes: boolean | undefined, no: boolean | undefined): Decision {
  if (yes) return 'yes';
  if (no) return 'no';
  return interactive() ? 'ask' : 'no';
}

export async function confirm(question: string): Promise<boolean> {
  if (!interactive()) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // On a terminal readline reads Ctrl-C as a key and would only close itself:
  // raise the signal, so the command says what it leaves (cli/interrupt.ts).
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
