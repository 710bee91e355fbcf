// The exit codes of every sftpgw command, written once. Commands return
// them; cli/report-error.ts picks one for an error. This module imports
// nothing, so any module can use it without an import cycle.
export const EXIT = {
  ok: 0,
  /** The work failed: invalid input, failed deploy, refused change. */
  failed: 1,
  /** Bad usage: unknown flag, missing argument, unknown environment. */
  usage: 2,
  /** `sftpgw diff` found changes. */
  changes: 3,
  /** Interrupted by SIGINT (Ctrl-C): 128 + 2, as a shell reports it (cli/interrupt.ts). */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
