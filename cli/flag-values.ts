// Parsers for flags that take numbers. commander runs them while it parses
// the command line, so a bad value is a usage error (exit 2, the flag named)
// on every path of every command, before any work starts.
import { InvalidArgumentError } from 'commander';

/** A number greater than 0 (fractions allowed: --wait-timeout 0.5). */
export function positiveNumber(unit: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`expected a number of ${unit} greater than 0`);
    return n;
  };
}

/** A TCP port: a whole number from 1 to 65535. */
export function portNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('expected a port number from 1 to 65535');
  return n;
}
