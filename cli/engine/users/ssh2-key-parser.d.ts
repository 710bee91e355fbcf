// ssh2's key parser, imported on its own: loading all of ssh2 costs ~80 ms at
// startup, the parser alone ~35 ms. It is what ssh2's utils.parseKey is.
declare module 'ssh2/lib/protocol/keyParser.js' {
  export interface ParsedKey {
    type: string;
    comment: string;
    isPrivateKey(): boolean;
    getPublicSSH(): Buffer;
  }
  export function parseKey(
    data: string | Buffer,
    passphrase?: string,
  ): ParsedKey | ParsedKey[] | Error;
}
