// SSH2 public keys (RFC 4716, https://www.rfc-editor.org/rfc/rfc4716): what
// `ssh-keygen -e` and PuTTYgen export, common from partners on Windows.
//
//   ---- BEGIN SSH2 PUBLIC KEY ----
//   Comment: "rsa-key-20240101"
//   AAAAB3NzaC1yc2EAAAADAQABAAABgQDA5VZR/3kKwojAfvNBQvTjLhHlGxDsnvu7Evreun
//   …
//   ---- END SSH2 PUBLIC KEY ----
//
// Header lines are `Tag: value` (§3.3); a line ending in `\` continues on the
// next (§3.3). The body is the base64 of the same wire-format blob an
// OpenSSH key line holds (§3.4), so converting it is what `ssh-keygen -i`
// does: the key type (the blob's first string), the blob in one line, and
// the Comment header as the comment.

export const SSH2_BEGIN = '---- BEGIN SSH2 PUBLIC KEY ----';
export const SSH2_END = '---- END SSH2 PUBLIC KEY ----';

const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;

/** True when the text holds (the start of) an RFC 4716 public key block. */
export function looksLikeSsh2Key(text: string): boolean {
  return text.includes('BEGIN SSH2 PUBLIC KEY');
}

export type Ssh2Conversion = { ok: true; line: string } | { ok: false; message: string };

/**
 * The OpenSSH key line for one RFC 4716 block (its lines from BEGIN to END),
 * or why it is not one. The key itself is checked later, like any key line.
 */
export function ssh2ToOpenSsh(lines: readonly string[]): Ssh2Conversion {
  const text = lines.map((l) => l.trim());
  if (text[0] !== SSH2_BEGIN) return { ok: false, message: `does not start with "${SSH2_BEGIN}"` };
  const end = text.indexOf(SSH2_END);
  if (end < 0) return { ok: false, message: `has no "${SSH2_END}" line` };
  const headers = new Map<string, string>();
  let i = 1;
  // Headers: a line with ':' (base64 has none), continued while it ends in '\'.
  while (i < end && text[i].includes(':')) {
    let header = text[i];
    while (header.endsWith('\\') && i + 1 < end) header = header.slice(0, -1) + text[++i];
    const colon = header.indexOf(':');
    headers.set(header.slice(0, colon).trim().toLowerCase(), header.slice(colon + 1).trim());
    i++;
  }
  const body = text.slice(i, end).filter((l) => l !== '');
  if (body.length === 0)
    return {
      ok: false,
      message: 'holds no key (no base64 lines between the header and the END line)',
    };
  if (!body.every((l) => BASE64_LINE.test(l)))
    return { ok: false, message: 'has a line in its key body that is not base64' };
  const blob = Buffer.from(body.join(''), 'base64');
  const typeLength = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  const type =
    typeLength > 0 && typeLength <= 64 && blob.length >= 4 + typeLength
      ? blob.subarray(4, 4 + typeLength).toString('latin1')
      : '';
  if (!/^[a-z0-9@.-]+$/.test(type))
    return { ok: false, message: 'its key body does not start with a key type' };
  const comment = (headers.get('comment') ?? '')
    .replace(/^"(.*)"$/, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return { ok: true, line: `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}` };
}

export interface KeyFileEntry {
  /** 1-based line of the key (of an RFC 4716 block: its BEGIN line). */
  line: number;
  /** An OpenSSH key line (converted from an RFC 4716 block when `converted`). */
  text: string;
  converted?: boolean;
  /** Set when an RFC 4716 block could not be converted. */
  problem?: string;
}

/**
 * The keys in a public key file: one OpenSSH line each, and RFC 4716 blocks
 * converted to OpenSSH lines. Blank lines and # comments are skipped.
 */
export function keyFileEntries(text: string): KeyFileEntry[] {
  const lines = text.split(/\r?\n/);
  const out: KeyFileEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    if (line !== SSH2_BEGIN) {
      out.push({ line: i + 1, text: line });
      continue;
    }
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== SSH2_END && lines[end].trim() !== SSH2_BEGIN)
      end++;
    const block = lines.slice(i, end + 1);
    const r = ssh2ToOpenSsh(block);
    out.push(
      r.ok
        ? { line: i + 1, text: r.line, converted: true }
        : { line: i + 1, text: '', problem: `RFC 4716 (SSH2) public key ${r.message}` },
    );
    i = lines[end]?.trim() === SSH2_END ? end : end - 1;
  }
  return out;
}
