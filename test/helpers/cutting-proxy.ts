// A TCP relay on 127.0.0.1 in front of a test server that can drop the
// connection once a given number of bytes went from the client to the server:
// a connection lost mid-transfer at a chosen point, whatever the speed.
import net from 'node:net';

export interface CuttingProxy {
  port: number;
  /** The next connection accepted is reset once it carried more than `bytes` client→server. */
  cutNext(bytes: number): void;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections reset so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  let armed: number | undefined;
  let cuts = 0;
  let accepted = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    accepted++;
    let cutAt = armed;
    armed = undefined;
    let sent = 0;
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (cutAt !== undefined && sent > cutAt) {
        cutAt = undefined;
        cuts++;
        client.resetAndDestroy(); // the client sees a reset, the server a closed connection
        upstream.destroy();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    cutNext: (bytes) => {
      armed = bytes;
    },
    get accepted() {
      return accepted;
    },
    get cuts() {
      return cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
