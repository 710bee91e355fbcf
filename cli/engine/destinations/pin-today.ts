// "Today" for destination pins in the CLI: the build's clock
// (cli/engine/clock.ts: SFTPGW_TODAY, else the real UTC date), so pins and
// user keys are judged by the same day and tests pin both with one variable.
import { today } from '../clock.js';

export function pinToday(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  return today({ environment: env }, () => now);
}

/** The instant connect() judges pins by: 00:00 UTC of `today`. */
export const startOf = (today: string): Date => new Date(`${today}T00:00:00Z`);
