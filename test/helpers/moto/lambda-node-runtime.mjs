// One warm Lambda container for a Node.js function, started by lambda_node.py
// (moto's Invoke without Docker; test infrastructure):
//
//   node lambda-node-runtime.mjs TASK_ROOT HANDLER RESULT_FD
//
// Loads HANDLER (`file.export`, file.js, file.mjs or file.cjs in TASK_ROOT,
// tried in that order as Lambda's runtime interface client does), says
// {"type":"ready"} (or {"type":"init-error",...}) on RESULT_FD, then reads one
// invocation per stdin line ({requestId, deadlineMs, functionArn, event}) and
// answers each on RESULT_FD: {"type":"result","payload":JSON text} or
// {"type":"error",errorType,errorMessage,trace}. stdout and stderr are the
// function's log, left alone. stdin closing (the server gone) ends the process.
import { existsSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [taskRoot, handlerName, fdText] = process.argv.slice(2);
const resultFd = Number(fdText);

function send(message) {
  const buf = Buffer.from(`${JSON.stringify(message)}\n`);
  let offset = 0;
  while (offset < buf.length) offset += writeSync(resultFd, buf, offset);
}

/** An error as Lambda's Node.js runtime reports it (nodejs-exceptions). */
function described(err) {
  if (err instanceof Error)
    return {
      errorType: err.name || 'Error',
      errorMessage: err.message,
      trace: String(err.stack ?? '').split('\n'),
    };
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

async function loadHandler() {
  // "dir/file.export.path": the module is the base name up to its first dot
  const dir = path.dirname(handlerName);
  const base = path.basename(handlerName);
  const dot = base.indexOf('.');
  if (dot <= 0)
    throw new RuntimeError('Runtime.MalformedHandlerName', `Bad handler ${handlerName}`);
  const moduleName = base.slice(0, dot);
  const exportPath = base.slice(dot + 1).split('.');
  const file = ['.js', '.mjs', '.cjs']
    .map((ext) => path.resolve(taskRoot, dir, moduleName + ext))
    .find((f) => existsSync(f));
  if (file === undefined)
    throw new RuntimeError(
      'Runtime.ImportModuleError',
      `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${taskRoot}`,
    );
  const mod = await import(pathToFileURL(file).href);
  const find = (root) => exportPath.reduce((v, k) => (v == null ? undefined : v[k]), root);
  const fn = find(mod) ?? find(mod.default);
  if (typeof fn !== 'function')
    throw new RuntimeError(
      'Runtime.HandlerNotFound',
      `${moduleName}.${exportPath.join('.')} is undefined or not exported`,
    );
  return fn;
}

function contextFor(invocation) {
  const env = process.env;
  return {
    awsRequestId: invocation.requestId,
    invokedFunctionArn: invocation.functionArn,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, invocation.deadlineMs - Date.now()),
  };
}

/** The handler's answer: an async handler's promise, or a callback handler's callback. */
function call(handler, event, context) {
  if (handler.length >= 3)
    return new Promise((resolve, reject) => {
      const done = (err, value) => (err ? reject(err) : resolve(value));
      const out = handler(event, context, done);
      if (out && typeof out.then === 'function') out.then(resolve, reject);
    });
  return Promise.resolve().then(() => handler(event, context));
}

let handler;
try {
  handler = await loadHandler();
} catch (err) {
  const d = described(err);
  send({
    type: 'init-error',
    ...d,
    errorType: d.errorType.startsWith('Runtime.') ? d.errorType : 'Runtime.ImportModuleError',
  });
  process.exit(1);
}
send({ type: 'ready' });

// One invocation at a time: the next line waits until this one answered.
const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on('close', () => process.exit(0));
for await (const line of lines) {
  if (line.trim() === '') continue;
  const invocation = JSON.parse(line);
  try {
    const value = await call(handler, invocation.event, contextFor(invocation));
    send({
      type: 'result',
      requestId: invocation.requestId,
      payload: JSON.stringify(value === undefined ? null : value),
    });
  } catch (err) {
    send({ type: 'error', requestId: invocation.requestId, ...described(err) });
  }
}
