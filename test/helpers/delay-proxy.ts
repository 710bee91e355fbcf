// A wide-area link on 127.0.0.1 for the push benchmark and the tests of
// parallel writes. This kernel has no netem qdisc, so latency is added in
// user space: a TCP proxy that holds each
// new connection for one round trip before connecting upstream (the SYN /
// SYN-ACK exchange a real link would cost) and delivers every chunk, in each
// direction, half a round trip after it arrived. Bandwidth is unlimited and
// nothing is dropped: what it models is a long fat network, where only the
// data a sender keeps in flight decides the rate.
import net from 'node:net';

export interface DelayProxy {
  port: number;
  close(): Promise<void>;
}

export async function startDelayProxy(upstreamPort: number, rttMs: number): Promise<DelayProxy> {
  const oneWay = rttMs / 2;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): net.Socket => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.setNoDelay(true);
    return s;
  };
  // Timers with the same duration fire in the order they were set, so chunks
  // keep their order; an end or a reset travels behind the data before it.
  const delayed = (from: net.Socket, to: net.Socket): void => {
    let ended = false;
    from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), oneWay));
    from.once('end', () => {
      ended = true;
      setTimeout(() => to.end(), oneWay);
    });
    from.once('close', () => ended || setTimeout(() => to.destroy(), oneWay));
    from.on('error', () => {}); // the close above passes it on
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    setTimeout(() => {
      if (client.destroyed) return;
      const upstream = track(net.connect(upstreamPort, '127.0.0.1'));
      upstream.once('connect', () => {
        delayed(client, upstream);
        delayed(upstream, client);
        client.resume();
      });
      upstream.once('error', () => client.destroy());
    }, rttMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
