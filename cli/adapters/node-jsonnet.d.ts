// @hanazuki/node-jsonnet ships types, but its package.json "exports" hides
// them from NodeNext resolution; declare the part we use.
declare module '@hanazuki/node-jsonnet' {
  export class JsonnetError extends Error {}
  export class Jsonnet {
    static readonly version: string;
    constructor();
    addJpath(path: string): this;
    tlaString(key: string, value: string): this;
    tlaCode(key: string, code: string): this;
    extString(key: string, value: string): this;
    extCode(key: string, code: string): this;
    evaluateFile(filename: string): Promise<string>;
    evaluateSnippet(snippet: string, filename?: string): Promise<string>;
  }
}
