// The text forms a TrustedHostKeys entry may take: what the docs tell users to
// paste, as the tools print it. One entry may hold several lines (a pasted
// `ssh-keyscan` output); blank lines and `#` comment lines are ignored.
//
//   ssh-ed25519 AAAA… [comment]                  a public key line (*.pub, ssh-keyscan -q)
//   host ssh-ed25519 AAAA…                        ssh-keyscan / known_hosts (host may be a list)
//   [host]:2222 ssh-ed25519 AAAA…                 ssh-keyscan -p 2222
//   |1|salt|hash ssh-ed25519 AAAA…                a hashed known_hosts line
//   SHA256:<43 base64 characters>                 a fingerprint
//   256 SHA256:<43 …> comment (ED25519)           the whole `ssh-keygen -lf` line
//
// Problems never quote the text: a pasted private key or password must not be
// echoed. The caller names the field and entry index.

export type HostKeyLine =
  | { kind: 'fingerprint'; fingerprint: string }
  /** "type base64", ready for ssh2.utils.parseKey. */
  | { kind: 'key'; text: string }
  | { kind: 'problem'; problem: string };

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const KEY_TYPE = /^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+$/;
const MD5 = /^(MD5:)?[0-9a-f]{2}(:[0-9a-f]{2}){15}$/i;
// ssh-keygen -lf: "<bits> <fingerprint> <comment…> (<TYPE>)"
const KEYGEN_LF = /^\d{1,5}\s+(\S+)(\s.*)?$/;

const ACCEPTED = 'ssh-keyscan and ssh-keygen -lf output are accepted as printed';

function fingerprintLine(token: string): HostKeyLine {
  if (FINGERPRINT.test(token)) return { kind: 'fingerprint', fingerprint: token };
  return {
    kind: 'problem',
    problem:
      'a SHA256 fingerprint is "SHA256:" followed by 43 base64 characters (as ssh-keygen -lf prints it)',
  };
}

function parseLine(line: string): HostKeyLine {
  const tokens = line.split(/\s+/);
  const [first, second] = tokens;
  if (first.startsWith('SHA256:')) return fingerprintLine(first);
  if (MD5.test(first))
    return {
      kind: 'problem',
      problem:
        'MD5 fingerprints are not accepted; pin the SHA256 fingerprint (ssh-keygen -lf prints it) or the key line',
    };
  const lf = KEYGEN_LF.exec(line);
  if (lf && second !== undefined && (second.startsWith('SHA256:') || second.startsWith('MD5:'))) {
    return second.startsWith('MD5:')
      ? {
          kind: 'problem',
          problem: 'MD5 fingerprints are not accepted; run ssh-keygen -lf without -E md5',
        }
      : fingerprintLine(second);
  }
  if (first.startsWith('@'))
    return {
      kind: 'problem',
      problem:
        'known_hosts markers (@cert-authority, @revoked) are not supported; pin the host key itself',
    };
  if (KEY_TYPE.test(first) && second !== undefined)
    return { kind: 'key', text: `${first} ${second}` };
  // A host field first: "host", "host1,host2", "[host]:port" or a hashed "|1|…".
  if (tokens.length >= 3 && KEY_TYPE.test(second))
    return { kind: 'key', text: `${second} ${tokens[2]}` };
  return {
    kind: 'problem',
    problem: `neither an OpenSSH public key line nor a SHA256: fingerprint (${ACCEPTED})`,
  };
}

/** The keys and fingerprints of one entry, or its problems; `line N` is 1-based within a multi-line entry. */
export function hostKeyLines(entry: string): HostKeyLine[] {
  const lines = entry.split(/\r?\n|\r/).map((l) => l.trim());
  const meaningful = lines
    .map((text, i) => ({ text, n: i + 1 }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  if (meaningful.length === 0)
    return [
      {
        kind: 'problem',
        problem: `holds no host key, only blank or # comment lines (${ACCEPTED})`,
      },
    ];
  const multi = lines.filter((l) => l !== '').length > 1;
  return meaningful.map(({ text, n }) => {
    const parsed = parseLine(text);
    return parsed.kind === 'problem' && multi
      ? { kind: 'problem', problem: `line ${n}: ${parsed.problem}` }
      : parsed;
  });
}
