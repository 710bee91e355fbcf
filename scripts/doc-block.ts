// A generated block in a doc, between a begin and an end marker line: what
// docs:rules, docs:config and docs:permissions share. The generators render
// the block; this splices it in and runs them as commands (write, or --check).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DocBlock {
  /** The doc, relative to the repository root. */
  file: string;
  begin: string;
  end: string;
  /** What the block holds, for messages ("the rule tables"). */
  what: string;
  /** `what` is plural (the tables are…, the table is…). */
  plural: boolean;
  /** The npm script that rewrites it. */
  script: string;
}

/** The doc with the block between the markers replaced; an error naming the file when a marker is missing or out of order. */
export function spliceBlock(doc: string, content: string, b: DocBlock, file = b.file): string {
  const begin = doc.indexOf(b.begin);
  const end = doc.indexOf(b.end);
  if (
    begin < 0 ||
    end < 0 ||
    end < begin ||
    doc.indexOf(b.begin, begin + 1) >= 0 ||
    doc.indexOf(b.end, end + 1) >= 0
  )
    throw new Error(
      `${file}: needs exactly one "${b.begin}" line followed by one "${b.end}" line, where ${b.what} ${b.plural ? 'go' : 'goes'}`,
    );
  return `${doc.slice(0, begin + b.begin.length)}\n${content}\n${doc.slice(end)}`;
}

/** The generator as a command: rewrites the block, or with --check exits 1 when it is stale. */
export function runDocBlock(root: string, b: DocBlock, render: () => string): void {
  const file = path.join(root, b.file);
  const doc = readFileSync(file, 'utf8');
  const next = spliceBlock(doc, render(), b);
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error(
        `${b.file}: ${b.what} ${b.plural ? 'are' : 'is'} stale; run npm run ${b.script}`,
      );
      process.exit(1);
    }
  } else if (next !== doc) {
    writeFileSync(file, next);
    console.log(`${b.file}: ${b.what.replace(/^the /, '')} rewritten`);
  } else console.log(`${b.file}: ${b.what.replace(/^the /, '')} already current`);
}
