// A private key pasted into sftpgw.yaml, refused before anything else reads
// the file. sftpgw.yaml names the Secrets Manager secret that holds a host
// key (server.hostKeys[].secret), never the key. The check reads the text
// line by line, comments included (a commented-out key is in Git all the
// same), BEFORE the YAML parser, the schema and the "did you mean"
// suggestions run: each of those may quote what it read (a syntax error
// shows the line, a pattern error or an unknown key names the value or
// key), so a file with key material gets only these problems, which name
// the line and the key path and never show the text.
import { isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Node } from 'yaml';
import type { Problem } from '../errors.js';
import { looksLikePrivateKey } from '../users/keys.js';

/**
 * A run of base64 this long with upper case, lower case and digits is key
 * material (a PEM body line is 64 characters, an OpenSSH one 70: a line
 * pasted without its header), not a name: no setting of sftpgw.yaml holds
 * one (names and ARNs break runs with - and :).
 */
const BASE64_RUN = /[A-Za-z0-9+/]{60,}={0,2}/;

function looksLikeKeyMaterial(line: string): boolean {
  if (looksLikePrivateKey(line)) return true;
  const run = BASE64_RUN.exec(line)?.[0];
  return run !== undefined && /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}

/**
 * The dotted path (list indexes included) of the value or key written on a
 * line (from `start` to `end`), if the text parses: the scalar there that
 * holds key material, else the last one on the line.
 */
function fieldOnLine(text: string, start: number, end: number): string | undefined {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false });
  let best: { path: string; material: boolean } | undefined;
  visit(doc, {
    Scalar(_k, s, path) {
      if (!s.range || s.range[1] < start || s.range[0] > end) return;
      if (best?.material) return;
      const keys: string[] = [];
      for (let i = 0; i < path.length; i++) {
        const p = path[i];
        if (isPair(p) && isScalar(p.key)) keys.push(String(p.key.value));
        if (isSeq(p)) keys.push(String(p.items.indexOf((path[i + 1] ?? s) as Node)));
      }
      // A key pasted as a map key would be a segment: never shown either.
      best = {
        path: keys.map((k) => (looksLikeKeyMaterial(k) ? '(not shown)' : k)).join('.'),
        material: looksLikeKeyMaterial(String(s.value)),
      };
    },
  });
  return best?.path || undefined;
}

/** A line that may continue a key block: base64, or blank. */
const BLOCK_LINE = /^\s*[A-Za-z0-9+/=]*\s*$/;

/**
 * One problem per block of lines that look like private key material (a
 * PEM or OpenSSH header or footer, "PRIVATE KEY", an OpenSSH key blob, a long
 * base64 run); none when the text holds none. No problem carries the text.
 */
export function privateKeyProblems(text: string, file: string): Problem[] {
  const raw = text.split('\n');
  const problems: Problem[] = [];
  let offset = 0;
  // Inside a block (from a line that looks like key material through its
  // base64 lines to an -----END line) only the block's first line is named.
  let inBlock = false;
  for (const [i, written] of raw.entries()) {
    const line = written.replace(/\r$/, '');
    const hit = looksLikeKeyMaterial(line);
    if (hit && !inBlock) {
      const field = fieldOnLine(text, offset, offset + line.length);
      problems.push({
        file,
        line: i + 1,
        ...(field ? { field } : {}),
        message: `line ${i + 1} looks like a private key (not shown)`,
        hint: 'sftpgw.yaml names the Secrets Manager secret that holds a host key (server.hostKeys: [{ secret: <name or ARN> }]), never the key: remove it from the file, put it in a secret (aws secretsmanager create-secret --name … --secret-string file://key), and treat the key as exposed if the file was ever committed (docs/keys.md#the-servers-host-keys)',
      });
    }
    inBlock = (hit || (inBlock && BLOCK_LINE.test(line))) && !/-----END /.test(line);
    offset += written.length + 1;
  }
  return problems;
}
