// Whether a gateway may use the shipped user constructor as it is: the
// condition for instantiating users from shapes (user-shapes.ts) instead of
// running the constructor in libjsonnet once per user.
//
// Why from the sources: jsonnet cannot tell a patched function from the
// shipped one (functions cannot be compared), and a patch may depend on a
// user's values (`if name == 'x' then …`), which no evaluation with other
// values shows. So the engine reads every file of the gateway that is not
// shipped with sftpgw (templates/gateway.jsonnet of the repository, its own
// libsonnet/ files) and takes the shapes only when none of them can reach the
// constructor:
//   - no identifier `user` and no string whose value is `user` (a field of
//     that name, `user+:: {…}`, `'user'+:: {…}`, `std.get(gw, 'user')`);
//   - no computed field name (`[expr]: …`, an object comprehension), which
//     could make the name `user` out of parts;
//   - no file with the name of a shipped libsonnet file (it would shadow the
//     shipped one for the imports that find it first).
// Anything else (a patch of the key, the bucket, the tags, the server, the
// refs the users get) reaches the users through the shapes, which libjsonnet
// renders with the gateway's own objects. A gateway that fails the check is
// rendered user by user, as before: slower, never different.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { lex, stringValue } from '../jsonnet-lex.js';

export interface ConstructorSources {
  /** Every file the gateway's bundle inlined (jsonnet-bundle.ts `files`). */
  files: string[];
  /** The shipped libsonnet/ and templates/ folders. */
  shippedDirs: string[];
  read: (file: string) => string | undefined;
}

/** Why the gateway's user constructor may not be the shipped one; undefined when it is. */
export function constructorPatched(src: ConstructorSources): string | undefined {
  const shipped = src.shippedDirs.map((d) => path.resolve(d) + path.sep);
  const libDir = src.shippedDirs
    .map((d) => path.resolve(d))
    .find((d) => path.basename(d) === 'libsonnet');
  for (const file of src.files) {
    const abs = path.resolve(file);
    if (shipped.some((d) => abs.startsWith(d))) continue;
    if (libDir && existsSync(path.join(libDir, path.basename(abs))))
      return `${file} has the name of a shipped libsonnet file`;
    const text = src.read(abs);
    if (text === undefined) return `${file} could not be read`;
    const why = namesUser(text);
    if (why) return `${file} ${why}`;
  }
  return undefined;
}

/** What in one file's jsonnet text could reach `user`; undefined when nothing. */
export function namesUser(text: string): string | undefined {
  const { tokens, error } = lex(text);
  if (error) return 'could not be read as jsonnet';
  const word = (i: number) => (tokens[i] ? text.slice(tokens[i].start, tokens[i].end) : '');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'ident' && word(i) === 'user') return 'names `user`';
    if (
      (t.kind === 'string' || t.kind === 'verbatim' || t.kind === 'textblock') &&
      stringValue(text, t) === 'user'
    )
      return "has the string 'user'";
    // `]` followed by a field separator (`:`, `::`, `:::`, `+:`…) closes a
    // computed field name: nowhere else can a colon follow `]` in jsonnet.
    if (word(i) === ']' && t.kind === 'punct' && /^\+?:/.test(word(i + 1)))
      return 'has a computed field name';
  }
  return undefined;
}
