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
 * material (a PEM body line is 64 characters, an OpenSSH one 70), not a name:
 * no setting of sftpgw.yaml holds one.
 */
const BASE64_RUN = /[A-Za-z0-9+/]{100,}={0,2}/;

function looksLikeKeyMaterial(line: string): boolean {
  if (looksLikePrivateKey(line)) return true;
  const run = BASE64_RUN.exec(line)?.[0];
  return run !== undefined && /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run);
}

/** The dotted path (list indexes included) of the value or key written at an offset, if the text parses. */
function fieldAt(text: string, offset: number): string | undefined {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false });
  let found: string | undefined;
  visit(doc, {
    Scalar(_k, s, path) {
      if (found !== undefined || !s.range || offset < s.range[0] || offset > s.range[1]) return;
      const keys: string[] = [];
      for (let i = 0; i < path.length; i++) {
        const p = path[i];
        if (isPair(p) && isScalar(p.key)) keys.push(String(p.key.value));
        if (isSeq(p)) {
          const child = (path[i + 1] ?? s) as Node;
          keys.push(String(p.items.indexOf(child)));
        }
      }
      // A key pasted as a map key would be a segment: never shown either.
      found = keys.map((k) => (looksLikeKeyMaterial(k) ? '(not shown)' : k)).join('.') || undefined;
    },
  });
  return found;
}

/**
 * One problem per block of lines that look like private key material (a
 * PEM or OpenSSH header or footer, "PRIVATE KEY", an OpenSSH key blob, a long
 * base64 run); none when the text holds none. No problem carries the text.
 */
export function privateKeyProblems(text: string, file: string): Problem[] {
  const raw = text.split('\n');
  const problems: Problem[] = [];
  let offset = 0;
  let previous = false;
  for (const [i, written] of raw.entries()) {
    const line = written.replace(/\r$/, '');
    const hit = looksLikeKeyMaterial(line);
    if (hit && !previous) {
      const indent = /^\s*/.exec(line)![0].length;
      const field = fieldAt(text, offset + indent);
      problems.push({
        file,
        line: i + 1,
        ...(field ? { field } : {}),
        message: `line ${i + 1} looks like a private key (not shown)`,
        hint: 'sftpgw.yaml names the Secrets Manager secret that holds a host key (server.hostKeys: [{ secret: <name or ARN> }]), never the key: remove it from the file, put it in a secret (aws secretsmanager create-secret --name … --secret-string file://key), and treat the key as exposed if the file was ever committed (docs/keys.md#the-servers-host-keys)',
      });
    }
    previous = hit;
    offset += written.length + 1;
  }
  return problems;
}
