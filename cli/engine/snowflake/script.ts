// A SQL script as comments and statements, kept apart so the text output and
// `--output json`'s `statements` are the same statements by construction.

type Part =
  | { kind: 'comment'; lines: string[] }
  | { kind: 'statement'; sql: string }
  | { kind: 'blank' };

export class Script {
  private readonly parts: Part[] = [];

  /** `-- ` comment lines (each element one line; '' for a bare `--`). */
  comment(...lines: string[]): this {
    this.parts.push({ kind: 'comment', lines });
    return this;
  }

  /** One statement, without its closing semicolon. */
  statement(sql: string): this {
    this.parts.push({ kind: 'statement', sql });
    return this;
  }

  blank(): this {
    this.parts.push({ kind: 'blank' });
    return this;
  }

  /** The statements in order, each ending with `;`. */
  statements(): string[] {
    return this.parts.flatMap((p) => (p.kind === 'statement' ? [`${p.sql};`] : []));
  }

  render(): string {
    return this.parts
      .map((p) => {
        if (p.kind === 'blank') return '';
        if (p.kind === 'statement') return `${p.sql};`;
        return p.lines.map((l) => (l === '' ? '--' : `-- ${l}`)).join('\n');
      })
      .join('\n')
      .concat('\n');
  }
}
