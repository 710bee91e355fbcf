// An HTTP proxy on 127.0.0.1 in front of moto that answers chosen AWS Query
// calls (CloudFormation's protocol) with an error before passing the rest on.
// A FAKE for the one thing no local server produces: AWS throttling (and a
// 5xx on demand). Everything it passes on is answered by the real moto.
// It can also HOLD a call unanswered (a slow network): a test interrupts the
// CLI while it waits there, in a phase moto is too quick to be caught in.
// S3 goes through it too (AWS_ENDPOINT_URL_S3): its calls are named by
// method, `PUT /bucket/key`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyError {
  status: number;
  code: string;
  message: string;
}

export const THROTTLING: ProxyError = { status: 400, code: 'Throttling', message: 'Rate exceeded' };

export interface ThrottlingProxy {
  endpoint: string;
  /** Answer the next `times` calls of `action` (e.g. DescribeStacks) with `error`. */
  fail(action: string, times: number, error?: ProxyError): void;
  /**
   * Leave calls matching `match` (an action, or `PUT /bucket/...` for S3)
   * unanswered, once a call of `after` has been seen; resolves when the first
   * is held. Held calls are dropped on reset() or close().
   */
  hold(match: RegExp, after?: string): Promise<void>;
  /** Calls seen per action, failed or passed on. */
  readonly calls: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function startThrottlingProxy(target: string): Promise<ThrottlingProxy> {
  const failures = new Map<string, { times: number; error: ProxyError }>();
  const calls = new Map<string, number>();
  let holding: { match: RegExp; after?: string; seen: boolean; held: () => void } | undefined;
  const parked: http.ServerResponse[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // Query protocol (CloudFormation): Action=… in the body; JSON protocol
      // (Secrets Manager): X-Amz-Target: secretsmanager.CreateSecret; REST (S3):
      // the method and path.
      const target = req.headers['x-amz-target'];
      const action =
        new URLSearchParams(body.toString()).get('Action') ??
        (typeof target === 'string' ? target.replace(/^[^.]*\./, '') : undefined) ??
        `${req.method} ${(req.url ?? '').split('?')[0]}`;
      calls.set(action, (calls.get(action) ?? 0) + 1);
      if (holding) {
        if (holding.after === undefined || action === holding.after) holding.seen = true;
        if (holding.seen && action !== holding.after && holding.match.test(action)) {
          parked.push(res);
          holding.held();
          return;
        }
      }
      const f = failures.get(action);
      if (f && f.times > 0) {
        f.times--;
        res.writeHead(f.error.status, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>${f.error.code}</Code><Message>${f.error.message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>`,
        );
        return;
      }
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    fail(action, times, error = THROTTLING) {
      failures.set(action, { times, error });
    },
    hold(match, after) {
      return new Promise<void>((resolve) => {
        holding = { match, after, seen: false, held: resolve };
      });
    },
    calls,
    reset() {
      failures.clear();
      calls.clear();
      holding = undefined;
      for (const r of parked.splice(0)) r.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        holding = undefined;
        for (const r of parked.splice(0)) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
