#!/usr/bin/env node
// Entry point of the sftpgw command. The CLI is compiled to dist/ by
// `npm ci` / `npm install` (the prepare script); say so if it is missing.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'sftpgw: dist/cli/main.js is missing: run `npm ci` (or `npm run build`) in the sftpgw package first.\n',
  );
  process.exit(1);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv);
