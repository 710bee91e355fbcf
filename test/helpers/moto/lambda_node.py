"""Lambda Invoke for Node.js functions, which moto 5.2.1 runs only in Docker.

Test infrastructure, imported by launcher.py (CONTRIBUTING.md, "moto quirks").
moto keeps a function's zip (from S3Bucket/S3Key or ZipFile) but runs it only
in a Docker container; without Docker an Invoke answers "error running
docker". For a function whose Runtime is nodejs* (PackageType Zip), this runs
it the way Lambda's Node.js runtime does, on this machine:

- The zip moto stored is extracted once per code hash (SHA-256 of the zip)
  into <work dir>/code/<hash>, the task root.
- A container is a `node` child process running lambda-node-runtime.mjs
  beside this file: it imports the handler module (Handler `file.export`;
  file.js, file.mjs, file.cjs tried in that order, as Lambda's runtime
  interface client does:
  https://github.com/aws/aws-lambda-nodejs-runtime-interface-client,
  src/UserFunction.js) and then takes one event at a time on stdin, answering
  on a pipe of its own (stdout and stderr are the function's log).
- Which node: the first `node` on the PATH of the moto server process (the
  test's PATH). Its version is not the runtime's (nodejs22.x may run on the
  machine's Node 20): the bundles are built for Node 20 and later.
- Containers stay warm between invocations, as Lambda keeps execution
  environments (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html):
  module-level state (a cache with its own expiry) lives on. A busy container
  is not shared: an overlapping invocation starts another. A change of the
  function's code, handler, runtime, environment, memory or timeout retires
  the old containers, as Lambda does.
- Environment: the function's variables, Lambda's reserved ones
  (AWS_LAMBDA_FUNCTION_NAME, AWS_REGION, LAMBDA_TASK_ROOT, _HANDLER, ...,
  https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
  test credentials (the account moto answers for them is its default,
  123456789012), and the moto server as AWS_ENDPOINT_URL, which the SDK for
  JavaScript v3 reads itself; with TLS, NODE_EXTRA_CA_CERTS is the server's
  certificate. S3 path-style addressing is the bundle's own business: sftpgw's
  bundles switch it on when AWS_ENDPOINT_URL is set (shared/aws-endpoints.ts).
- The answer: the handler's return value as JSON (undefined: null). A thrown
  error, a process that exits, a module that does not load and a timeout
  answer as Lambda reports them: header X-Amz-Function-Error: Unhandled
  (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) and a body
  {"errorType", "errorMessage", "trace"}
  (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html).
  The handler gets the function's Timeout (seconds, default 3); when it runs
  out the container is killed (SIGKILL) and the answer is
  {"errorType": "Sandbox.Timedout", "errorMessage": "RequestId: ... Error: Task
  timed out after N.00 seconds"}; loading the module has 10 s, Lambda's init
  limit.
- Logs: each invocation's output, between START and END/REPORT lines, goes
  to the function's log group in moto's CloudWatch Logs (/aws/lambda/<name>,
  as moto's own Docker path writes it) and, with LogType Tail, its last 4 KB
  to X-Amz-Log-Result.
- InvocationType Event runs in the background and answers 202 at once;
  DryRun answers without running.

Every container is killed when the server stops (SIGTERM, see launcher.py);
a container whose server died anyway exits when its stdin closes.
"""

import base64
import hashlib
import io
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import zipfile
from typing import Any

from moto.awslambda import models as lambda_models

RUNTIME_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lambda-node-runtime.mjs")
INIT_SECONDS = 10.0
TAIL_BYTES = 4096

_settings: dict[str, Any] = {"endpoint": None, "ca_file": None, "work_dir": None}


def configure(endpoint: str, work_dir: str | None = None, ca_file: str | None = None) -> None:
    """Where the functions reach moto, and where code and container logs go."""
    _settings["endpoint"] = endpoint
    _settings["ca_file"] = ca_file
    _settings["work_dir"] = work_dir or tempfile.mkdtemp(prefix="sftpgw-moto-lambda-")


def _work_dir(*parts: str) -> str:
    if not _settings["work_dir"]:
        _settings["work_dir"] = tempfile.mkdtemp(prefix="sftpgw-moto-lambda-")
    d = os.path.join(_settings["work_dir"], *parts)
    os.makedirs(d, exist_ok=True)
    return d


# ---------------------------------------------------------------- code

_code_lock = threading.Lock()


def _task_root(code: bytes) -> str:
    """The zip extracted once per code hash; a partial extraction is never used."""
    digest = hashlib.sha256(code).hexdigest()
    root = os.path.join(_work_dir("code"), digest)
    with _code_lock:
        if not os.path.isdir(root):
            partial = root + ".partial"
            shutil.rmtree(partial, ignore_errors=True)
            os.makedirs(partial)
            # zipfile drops absolute paths and '..' from member names
            with zipfile.ZipFile(io.BytesIO(code)) as z:
                z.extractall(partial)
            os.rename(partial, root)
    return root


# ---------------------------------------------------------------- containers


class InvokeError(Exception):
    """An invocation that failed the way Lambda reports as Unhandled."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None):
        super().__init__(message)
        self.body = {"errorType": error_type, "errorMessage": message, "trace": trace or []}


def _environment(fn: Any, task_root: str) -> dict[str, str]:
    region = fn.region
    reserved = {
        "_HANDLER": str(fn.handler),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
        "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": fn.logs_group_name,
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "LAMBDA_TASK_ROOT": task_root,
        "LAMBDA_RUNTIME_DIR": os.path.dirname(RUNTIME_SCRIPT),
        "TZ": "UTC",
        # test credentials: moto accepts any; these map to its default account
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "en_US.UTF-8"}
    env.update({str(k): str(v) for k, v in (fn.environment_vars or {}).items()})
    env.update(reserved)  # a function cannot set Lambda's reserved names
    env["AWS_ENDPOINT_URL"] = _settings["endpoint"] or "http://127.0.0.1:5000"
    # The SDK's note that the local Node is older than it likes: the runtime
    # the function names is newer than the node that runs it here.
    env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true"
    if _settings["ca_file"]:
        env["NODE_EXTRA_CA_CERTS"] = _settings["ca_file"]
    return env


def _timeout(fn: Any) -> float:
    try:
        return float(fn.timeout or 3)
    except (TypeError, ValueError):
        return 3.0


class _Container:
    """One warm execution environment: a node process with the handler loaded."""

    def __init__(self, fn: Any, config_key: str):
        self.config_key = config_key
        self.function_arn = fn.function_arn
        task_root = _task_root(fn.code_bytes)
        node = shutil.which("node")
        if node is None:
            raise InvokeError("Runtime.InvalidEntrypoint", "no node on the PATH of the moto server")
        self.dir = tempfile.mkdtemp(prefix="container-", dir=_work_dir("containers"))
        self.log_path = os.path.join(self.dir, "output.log")
        self.log_offset = 0
        read_end, write_end = os.pipe()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [node, RUNTIME_SCRIPT, task_root, str(fn.handler), str(write_end)],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                pass_fds=(write_end,),
                env=_environment(fn, task_root),
                cwd=task_root,
            )
        os.close(write_end)
        self.messages: "queue.Queue[dict[str, Any] | None]" = queue.Queue()
        threading.Thread(target=self._read, args=(os.fdopen(read_end, "rb"),), daemon=True).start()
        _all_containers.add(self)
        try:
            ready = self._next(INIT_SECONDS, "init")
        except InvokeError as err:
            raise InvokeError("Runtime.InitError", f"the handler did not load: {err}") from None
        if ready.get("type") == "init-error":
            self.kill()
            raise InvokeError(ready.get("errorType", "Runtime.ImportModuleError"), ready.get("errorMessage", ""), ready.get("trace"))

    def _read(self, results: Any) -> None:
        with results:
            for line in results:
                try:
                    self.messages.put(json.loads(line))
                except ValueError:
                    pass
        self.messages.put(None)

    def _next(self, seconds: float, request_id: str) -> dict[str, Any]:
        try:
            message = self.messages.get(timeout=seconds)
        except queue.Empty:
            self.kill()
            raise InvokeError(
                "Sandbox.Timedout", f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"
            ) from None
        if message is None:
            code = self.proc.wait()
            self.kill()
            status = f"signal {-code}" if code < 0 else f"exit status {code}"
            raise InvokeError("Runtime.ExitError", f"RequestId: {request_id} Error: Runtime exited with error: {status}")
        return message

    def run(self, fn: Any, event: Any, request_id: str) -> bytes:
        seconds = _timeout(fn)
        line = {
            "requestId": request_id,
            "deadlineMs": int((time.time() + seconds) * 1000),
            "functionArn": fn.function_arn,
            "event": event,
        }
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(line) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            self.kill()
            raise InvokeError("Runtime.ExitError", f"RequestId: {request_id} Error: Runtime exited") from None
        message = self._next(seconds, request_id)
        if message.get("type") == "error":
            raise InvokeError(message.get("errorType", "Error"), message.get("errorMessage", ""), message.get("trace"))
        return str(message.get("payload", "null")).encode()

    def output(self) -> str:
        """What the container wrote since the last call (the handler's writes are synchronous to a file)."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self.log_offset)
                data = f.read()
        except OSError:
            return ""
        self.log_offset += len(data)
        return data.decode("utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        _all_containers.discard(self)


_all_containers: set[_Container] = set()
_pool_lock = threading.Lock()
_idle: dict[str, list[_Container]] = {}  # function ARN -> idle containers


def _config_key(fn: Any) -> str:
    return json.dumps(
        [
            hashlib.sha256(fn.code_bytes or b"").hexdigest(),
            fn.handler,
            fn.run_time,
            fn.environment_vars or {},
            fn.memory_size,
            _timeout(fn),
        ],
        sort_keys=True,
        default=str,
    )


def _take(fn: Any) -> _Container:
    key = _config_key(fn)
    stale: list[_Container] = []
    with _pool_lock:
        idle = _idle.setdefault(fn.function_arn, [])
        stale = [c for c in idle if c.config_key != key or not c.alive()]
        idle[:] = [c for c in idle if c not in stale]
        container = idle.pop() if idle else None
    for c in stale:
        c.kill()
    return container or _Container(fn, key)


def _give_back(fn: Any, container: _Container) -> None:
    if container.alive() and container.config_key == _config_key(fn):
        with _pool_lock:
            _idle.setdefault(fn.function_arn, []).append(container)
    else:
        container.kill()


def stop_all() -> None:
    """Kills every container (the server is stopping)."""
    for c in list(_all_containers):
        c.kill()


# ---------------------------------------------------------------- Invoke


def _save_logs(fn: Any, request_id: str, text: str) -> None:
    try:
        fn.logs_backend.ensure_log_group(fn.logs_group_name)
        fn.save_logs(text)
    except Exception:  # noqa: BLE001 - logs are a convenience; the answer stands
        pass


def _invoke_node(fn: Any, event: Any) -> tuple[bytes, bool, str]:
    """(payload, unhandled error?, log text) of one invocation."""
    request_id = str(uuid.uuid4())
    started = time.monotonic()
    container: _Container | None = None
    output = ""
    try:
        container = _take(fn)
        payload = container.run(fn, event, request_id)
        failed = False
    except InvokeError as err:
        payload = json.dumps(err.body).encode()
        failed = True
    except Exception as err:  # noqa: BLE001 - a bad zip, no node: still Lambda's shape of failure
        payload = json.dumps({"errorType": "Runtime.Unknown", "errorMessage": f"{type(err).__name__}: {err}", "trace": []}).encode()
        failed = True
    finally:
        if container is not None:
            output = container.output()
            _give_back(fn, container)
    ms = (time.monotonic() - started) * 1000
    log = (
        f"START RequestId: {request_id} Version: $LATEST\n"
        + output
        + ("" if output.endswith("\n") or not output else "\n")
        + (payload.decode("utf-8", errors="replace") + "\n" if failed else "")
        + f"END RequestId: {request_id}\n"
        + f"REPORT RequestId: {request_id}\tDuration: {ms:.2f} ms\tMemory Size: {fn.memory_size} MB\n"
    )
    _save_logs(fn, request_id, log)
    return payload, failed, log


def _header(headers: Any, name: str, default: str) -> str:
    if not headers:
        return default
    for k, v in headers.items():
        if k.lower() == name:
            return str(v)
    return default


_original_invoke = lambda_models.LambdaFunction.invoke


def _invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> str | bytes:
    if not str(self.run_time or "").startswith("nodejs") or self.package_type != "Zip":
        return _original_invoke(self, body, request_headers, response_headers)
    text = body.decode() if isinstance(body, bytes) else (body or "")
    try:
        event = json.loads(text) if text.strip() else {}
    except ValueError:
        from moto.awslambda.exceptions import LambdaClientError

        raise LambdaClientError("InvalidRequestContentException", "Could not parse request body into json") from None
    response_headers["x-amz-executed-version"] = "$LATEST"
    invocation_type = _header(request_headers, "x-amz-invocation-type", "RequestResponse")
    if invocation_type == "DryRun":
        return b""
    if invocation_type == "Event":
        threading.Thread(target=_invoke_node, args=(self, event), daemon=True).start()
        return b""
    payload, failed, log = _invoke_node(self, event)
    if failed:
        response_headers["x-amz-function-error"] = "Unhandled"
    tail = log.encode()[-TAIL_BYTES:]
    response_headers["x-amz-log-result"] = base64.b64encode(tail).decode()
    return payload


def install() -> None:
    lambda_models.LambdaFunction.invoke = _invoke  # type: ignore[method-assign]
