// Reads a template file (JSON or YAML, with CloudFormation's short-form
// tags such as !Ref and !Sub) and maps JSON pointers back to lines, so a
// finding in a hand-written template says where it is.
import { readFile } from 'node:fs/promises';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node,
  type Tags,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { invalidInput, usageError } from '../errors.js';
import type { CfnTemplate } from './types.js';

const FUNCTIONS = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'FindInMap',
  'Base64',
  'Cidr',
  'GetAZs',
  'ImportValue',
  'Equals',
  'And',
  'Or',
  'Not',
  'Length',
  'ToJsonString',
  'Transform',
];

/** !Ref x, !Sub [..], !If [..]: one tag per form (scalar, sequence, mapping). */
const CFN_TAGS: Tags = FUNCTIONS.flatMap((fn) => {
  const key = fn === 'Ref' || fn === 'Condition' ? fn : `Fn::${fn}`;
  const wrap = (v: unknown) => ({
    [key]: fn === 'GetAtt' && typeof v === 'string' ? splitAtt(v) : v,
  });
  return [
    { tag: `!${fn}`, resolve: (s: string) => wrap(s) },
    {
      tag: `!${fn}`,
      collection: 'seq' as const,
      resolve: (seq: YAMLSeq.Parsed | YAMLMap.Parsed) => wrap(seq.toJSON()),
    },
    {
      tag: `!${fn}`,
      collection: 'map' as const,
      resolve: (map: YAMLSeq.Parsed | YAMLMap.Parsed) => wrap(map.toJSON()),
    },
  ];
});

function splitAtt(s: string): string[] {
  const i = s.indexOf('.');
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

export interface TemplateFile {
  file: string;
  template: CfnTemplate;
  text: string;
  bytes: number;
  /** Line of the value a pointer names (or of its nearest ancestor in the file). */
  lineOf(pointer: string): number | undefined;
}

export async function readTemplateFile(file: string, shown: string): Promise<TemplateFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw usageError(
      `cannot read template ${shown}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      'pass the path of a built or hand-written template (JSON or YAML)',
    );
  }
  return { file, ...parseTemplateText(text, shown) };
}

/** A template's text (JSON or YAML with short-form tags), shown as `shown` in errors. */
export function readTemplateText(text: string, shown: string): CfnTemplate {
  return parseTemplateText(text, shown).template;
}

function parseTemplateText(text: string, shown: string): Omit<TemplateFile, 'file'> {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    customTags: CFN_TAGS,
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    strict: false,
    version: '1.2',
  });
  if (doc.errors.length > 0) {
    throw invalidInput(
      `${shown} is not valid JSON or YAML`,
      doc.errors.map((e) => ({
        file: shown,
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
        message: e.message.split('\n')[0],
      })),
    );
  }
  const template = doc.toJS({ maxAliasCount: 1000 }) as CfnTemplate;
  if (!template || typeof template !== 'object' || Array.isArray(template)) {
    throw invalidInput(`${shown} is not a CloudFormation template`, [
      { file: shown, line: 1, message: 'the top level must be a mapping with Resources' },
    ]);
  }
  return {
    template,
    text,
    bytes: Buffer.byteLength(text),
    lineOf(pointer) {
      let node: unknown = doc.contents;
      let line = lineAt(node, lines);
      for (const part of pointer
        .split('/')
        .slice(1)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === part);
          if (!pair) break;
          line = lineAt(pair.key, lines) ?? line;
          node = pair.value;
        } else if (isSeq(node)) {
          node = node.items[Number(part)];
          line = lineAt(node, lines) ?? line;
        } else break;
      }
      return line;
    },
  };
}

function lineAt(node: unknown, lines: LineCounter): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}
