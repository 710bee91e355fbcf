// Whether a gateway may use the shipped user constructor as it is: the
// condition for instantiating users from shapes (user-shapes.ts) instead of
// running the constructor in libjsonnet once per user.
//
// Only `user.new` matters: it is the one function of `user` called per user.
// `user.shared` is called once per chunk with the stack's refs, and
// `user.sessionPolicy` by the shipped `shared` with a placeholder home: their
// patches reach the shapes, which libjsonnet renders from the gateway's own
// `shared` (the recipes of docs/customizing.md that patch the session policy
// keep the shapes). A patched `new` does not: jsonnet cannot tell a patched
// function from the shipped one (functions cannot be compared), and a patch
// may depend on a user's values (`if name == 'x' then …`), which no
// evaluation with other values shows. So the engine reads every file of the
// gateway that is not shipped with sftpgw (templates/gateway.jsonnet of the
// repository, its own libsonnet/ files) and takes the shapes only when none
// of them can define `new` or replace `user`:
//   - no identifier `new` other than after a dot (`sftpgw.gateway.new(…)` is a
//     call; `new(id, …)::`, `new::` and `local new` define one), and no
//     string whose value is `new` (`'new'::`);
//   - `user` (identifier or string) never followed by `:`, `::` or `:::`
//     (a replaced `user` object: `user+::` patches it, and is fine);
//   - no computed field name (`[expr]: …`, an object comprehension), which
//     could make either name out of parts;
//   - no file with the name of a shipped libsonnet file (it would shadow the
//     shipped one for the imports that find it first).
// A `user+::` patch made of a shipped object (`user+:: sftpgw.key`) is none
// of these; render.libsonnet compares the gateway's `new` with the shipped
// one on the sentinels, and the engine compares sample users, for that.
// A gateway that fails the check is rendered user by user, as before:
// slower, never different.
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

/** What in one file's jsonnet text could define `new` or replace `user`; undefined when nothing. */
export function namesUser(text: string): string | undefined {
  const { tokens, error } = lex(text);
  if (error) return 'could not be read as jsonnet';
  const word = (i: number) => (tokens[i] ? text.slice(tokens[i].start, tokens[i].end) : '');
  const isString = (i: number) =>
    tokens[i] !== undefined &&
    (tokens[i].kind === 'string' ||
      tokens[i].kind === 'verbatim' ||
      tokens[i].kind === 'textblock');
  // A field separator without `+`: `:`, `::`, `:::` (the lexer keeps an operator run whole).
  const replaces = (i: number) => /^:{1,3}$/.test(word(i));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const value = t.kind === 'ident' ? word(i) : isString(i) ? stringValue(text, t) : undefined;
    if (value === 'new' && (t.kind !== 'ident' || word(i - 1) !== '.'))
      return t.kind === 'ident' ? 'defines `new`' : "has the string 'new'";
    if (value === 'user' && replaces(i + 1)) return 'replaces `user`';
    // `]` followed by a field separator (`:`, `::`, `:::`, `+:`…) closes a
    // computed field name: nowhere else can a colon follow `]` in jsonnet.
    if (word(i) === ']' && t.kind === 'punct' && /^\+?:/.test(word(i + 1)))
      return 'has a computed field name';
  }
  return undefined;
}
