// Reading libjsonnet's error text: the message and the file locations in it.
//   STATIC ERROR: users/a.libsonnet:3:5-9: unexpected: "}" while parsing field definition
//   RUNTIME ERROR: boom
//   \tusers/a.libsonnet:(2:3)-(4:1)\tobject <anonymous>

export interface JsonnetLocation {
  file: string;
  line: number;
  column: number;
}

export interface ParsedJsonnetError {
  kind: 'static' | 'runtime' | 'other';
  message: string;
  locations: JsonnetLocation[];
}

const LOCATION = /([^\s:()][^\s:]*?):(?:\((\d+):(\d+)\)-\(\d+:\d+\)|(\d+):(\d+)(?:-\d+)?)/g;

export function parseJsonnetError(text: string): ParsedJsonnetError {
  const lines = text.split('\n');
  const first = lines[0] ?? '';
  const locations: JsonnetLocation[] = [];
  for (const m of text.matchAll(LOCATION)) {
    locations.push({ file: m[1], line: Number(m[2] ?? m[4]), column: Number(m[3] ?? m[5]) });
  }
  let kind: ParsedJsonnetError['kind'] = 'other';
  let message = first;
  if (first.startsWith('STATIC ERROR: ')) {
    kind = 'static';
    // "STATIC ERROR: <loc>: message"
    message = first
      .slice('STATIC ERROR: '.length)
      .replace(/^\S+?:(?:\(\d+:\d+\)-\(\d+:\d+\)|\d+:\d+(?:-\d+)?):\s*/, '');
  } else if (first.startsWith('RUNTIME ERROR: ')) {
    kind = 'runtime';
    message = first.slice('RUNTIME ERROR: '.length);
  }
  return { kind, message: message.trim(), locations };
}

/** Replaces every occurrence of one file name in jsonnet error text with another. */
export function renameInError(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}
