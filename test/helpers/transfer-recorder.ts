// A FAKE of one Transfer Family operation, SendWorkflowStepState, because
// moto 5.2.1 has a Transfer backend but not this operation (moto_server
// answers NotImplementedError as an HTML 500). It listens on 127.0.0.1, speaks
// the operation's wire protocol (AWS JSON 1.1, X-Amz-Target
// TransferService.SendWorkflowStepState), checks the request as the API
// reference documents it (WorkflowId w-[a-z0-9]{17}, ExecutionId a UUID,
// Token \w{1,64}, Status SUCCESS|FAILURE:
// https://docs.aws.amazon.com/transfer/latest/APIReference/API_SendWorkflowStepState.html)
// and records every call. The function under test reaches it through the
// SDK's own AWS_ENDPOINT_URL_TRANSFER variable.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StepStateCall {
  WorkflowId: string;
  ExecutionId: string;
  Token: string;
  Status: string;
}

export interface TransferRecorder {
  endpoint: string;
  calls: StepStateCall[];
  /** Until reset, every call is refused with this error (recorded anyway). */
  failWith(error: { type: string; status: number } | undefined): void;
  stop(): Promise<void>;
}

const RULES: Array<[keyof StepStateCall, RegExp]> = [
  ['WorkflowId', /^w-[a-z0-9]{17}$/],
  ['ExecutionId', /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/],
  ['Token', /^\w{1,64}$/],
  ['Status', /^(SUCCESS|FAILURE)$/],
];

export async function startTransferRecorder(): Promise<TransferRecorder> {
  const calls: StepStateCall[] = [];
  let failure: { type: string; status: number } | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-amz-target'] !== 'TransferService.SendWorkflowStepState')
        return send(400, {
          __type: 'InvalidRequestException',
          Message: `this fake answers SendWorkflowStepState only, not ${req.headers['x-amz-target']}`,
        });
      let call: StepStateCall;
      try {
        call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as StepStateCall;
      } catch {
        return send(400, { __type: 'SerializationException', Message: 'not JSON' });
      }
      calls.push(call);
      if (failure)
        return send(failure.status, { __type: failure.type, Message: 'refused by the test' });
      for (const [field, rule] of RULES)
        if (typeof call[field] !== 'string' || !rule.test(call[field]))
          return send(400, { __type: 'InvalidRequestException', Message: `${field} is invalid` });
      send(200, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    failWith(error) {
      failure = error;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
