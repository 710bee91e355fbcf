// A secret typed by the operator (users passwd): on a terminal, asked for with
// no echo (raw mode: the characters are read one by one and never written
// back); from a pipe, one line. Never printed, never a flag value (a flag
// would land in the shell's history and in `ps`).
import { readFileSync } from 'node:fs';
import { usageError } from '../engine/errors.js';

/**
 * Whether stdin is a terminal: then the password is read with no echo,
 * whatever else (with stderr redirected the prompt is not seen, but a typed
 * password must still never show on the screen).
 */
export function stdinIsTerminal(): boolean {
  return Boolean(process.stdin.isTTY);
}

/** The first line of stdin (a pipe or a file), without its line end. */
export function readSecretLine(what: string): string {
  let text: string;
  try {
    text = readFileSync(0, 'utf8');
  } catch (err) {
    throw usageError(`cannot read the ${what} from stdin: ${(err as Error).message}`);
  }
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/**
 * Asks on the terminal with no echo. Enter ends the answer; Backspace
 * deletes; Ctrl-C raises SIGINT (cli/interrupt.ts says what is left); Ctrl-D
 * on an empty answer ends with an empty one (refused by the caller).
 */
export function askSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve) => {
    let answer = '';
    const done = (value: string) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(answer);
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\n');
          process.kill(process.pid, 'SIGINT');
          return;
        }
        if (ch === '\u0004') {
          if (answer.length === 0) return done('');
        } else if (ch === '\u007f' || ch === '\b') answer = [...answer].slice(0, -1).join('');
        else if (ch >= ' ') answer += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
