// One SSH connection that stops at the host-key step: it learns which host-key
// algorithms the server advertises (its KEXINIT) and the key it presents for
// the algorithms offered, then refuses the key, so nothing is trusted and no
// credential is ever sent. Used to explain a host-key failure and by
// `sftpgw destinations test --scan`.
import ssh2 from 'ssh2';

export interface ProbeResult {
  /** The server's host-key algorithms, as advertised (undefined if it never got that far). */
  offered?: string[];
  /** The key it presented for one of `algorithms` (undefined: none of them). */
  key?: Buffer;
}

// ssh2 reports the server's list only through its debug output.
const ADVERTISED = /^Handshake: \(remote\) Host key format: (.*)$/;

export function probeHostKey(
  target: { host: string; port: number },
  algorithms: readonly string[],
  timeoutMs: number,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const result: ProbeResult = {};
    const client = new ssh2.Client();
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      client.destroy();
      resolve(result);
    };
    client.on('error', done);
    client.on('close', done);
    try {
      client.connect({
        host: target.host,
        port: target.port,
        username: 'sftpgw-host-key-probe',
        readyTimeout: Math.max(1, timeoutMs),
        algorithms: { serverHostKey: [...algorithms] as never },
        debug: (line: string) => {
          const m = ADVERTISED.exec(line);
          if (m) result.offered = m[1].split(',').filter(Boolean);
        },
        hostVerifier: (key: Buffer) => {
          result.key = key;
          return false;
        },
      });
    } catch {
      done();
    }
  });
}
