// The jsonnet engine behind a small interface. The real one is libjsonnet via
// @hanazuki/node-jsonnet: evaluation runs on the libuv thread pool, so several
// evaluations started together run in parallel on several cores.
import { Jsonnet } from '@hanazuki/node-jsonnet';

export interface JsonnetOptions {
  /** Library folders searched by `import`, first match wins. */
  jpath: string[];
  /** Top-level arguments given as jsonnet code (JSON is valid jsonnet). */
  tlaCode?: Record<string, string>;
  /** Top-level arguments given as strings. */
  tlaString?: Record<string, string>;
}

export interface JsonnetEngine {
  /** Evaluates a file; resolves to JSON text. Rejects with the engine's error text. */
  evaluateFile(path: string, opts: JsonnetOptions): Promise<string>;
  /** Evaluates code as if it were the file `filename` (relative imports resolve beside it). */
  evaluateSnippet(code: string, filename: string, opts: JsonnetOptions): Promise<string>;
}

function configure(opts: JsonnetOptions): Jsonnet {
  const vm = new Jsonnet();
  // libjsonnet searches the jpath last-added first; add in reverse so the
  // first folder in opts.jpath wins, as documented above.
  for (const dir of [...opts.jpath].reverse()) vm.addJpath(dir);
  for (const [k, v] of Object.entries(opts.tlaCode ?? {})) vm.tlaCode(k, v);
  for (const [k, v] of Object.entries(opts.tlaString ?? {})) vm.tlaString(k, v);
  return vm;
}

export const libjsonnet: JsonnetEngine = {
  evaluateFile: (path, opts) => configure(opts).evaluateFile(path),
  evaluateSnippet: (code, filename, opts) => configure(opts).evaluateSnippet(code, filename),
};
