#!/usr/bin/env python3
"""The demo server against real clients.

1. The official OpenAI Python SDK against `/v1/chat/completions` and `/v1/models`,
   with the demo in each wire format (`DEMO_FORMAT`): a success, then each error
   raises the SDK's exception class for its status, with the demo's message (and
   code and param where the format carries them); a 503 and a 429 are retried
   after their `Retry-After`, never sooner.
2. The official Anthropic Python SDK against `/v1/messages`: the same, with
   Anthropic's request ids.
3. The gRPC service `dos.chat.v1.Chat` with Python's `grpcio`: the contract
   `tests/proto/dos/chat/v1/chat.proto` compiled at run time by grpcio-tools'
   protoc into a temporary directory (nothing generated is kept), the rich error
   details read by `grpcio-status` (`rpc_status.from_call`) and
   `googleapis-common-protos`: a success of each method, then `UNAUTHENTICATED`,
   `INVALID_ARGUMENT` with a `BadRequest`, `FAILED_PRECONDITION`, `UNAVAILABLE`
   and `RESOURCE_EXHAUSTED` with a `RetryInfo`, a masked `INTERNAL` (a crash and a
   panic, after which the server still answers), and the rate limit shared with
   HTTP.
4. schemathesis against `/openapi.json`, all checks, in each format (and once
   negotiating problem details): no undocumented status, content type, header or
   body shape. The demo answers 500 (`dos-crash`) and 503 (`dos-loading`) on
   purpose, so `not_a_server_error` accepts those two (see `schemathesis.toml`);
   a panic other than `dos-panic`'s would show in the server's log, which is
   checked to have none.

Usage: check.py SERVER_BINARY [--quick]   (`check.sh` builds the binary and the venv)
Exit status 0 when every check passed.
"""

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import anthropic
import grpc
import openai
from google.rpc import error_details_pb2
from grpc_status import rpc_status

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE.parent / "proto"
FORMATS = ["envelope", "openai", "anthropic", "problem", "google"]
HELLO = [{"role": "user", "content": "Hello there"}]

failures = []


def check(condition, what):
    """Records a failed expectation instead of stopping at the first."""
    if not condition:
        failures.append(what)
        print(f"    FAIL {what}")
    return condition


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Demo:
    """The demo server on free loopback ports (HTTP and gRPC), with its own environment."""

    def __init__(self, binary, **env):
        self.port = free_port()
        self.grpc_port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.grpc_target = f"127.0.0.1:{self.grpc_port}"
        self.log = tempfile.NamedTemporaryFile(prefix="demo-", suffix=".log", delete=False)
        variables = {**os.environ, "PORT": str(self.port), "GRPC_PORT": str(self.grpc_port), "RUST_LOG": "info"}
        variables.update({name: str(value) for name, value in env.items()})
        self.process = subprocess.Popen([binary], env=variables, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/openapi.json", timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the demo did not start: see {self.log.name}")
                time.sleep(0.1)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()

    def log_text(self):
        return Path(self.log.name).read_text(errors="replace")


class Attempts:
    """Counts the requests an SDK sends, and when (an httpx event hook)."""

    def __init__(self):
        self.at = []

    def __call__(self, request):
        self.at.append(time.monotonic())

    def gaps(self):
        return [later - earlier for earlier, later in zip(self.at, self.at[1:])]


def error_of(call):
    try:
        call()
    except Exception as error:  # the SDKs' exceptions are what is checked
        return error
    return None


# ---- OpenAI -----------------------------------------------------------------------


def openai_client(base, key="dos_sk_demo", retries=0, hook=None):
    hooks = {"request": [hook]} if hook else {}
    return openai.OpenAI(
        base_url=f"{base}/v1",
        api_key=key,
        max_retries=retries,
        http_client=openai.DefaultHttpxClient(event_hooks=hooks),
    )


def body_message(body):
    """The message of a decoded error body (the SDK keeps `error` of the body, else the body)."""
    if not isinstance(body, dict):
        return None
    return body.get("message", body.get("detail"))


def body_code(body, form):
    """The code the format carries (OpenAI's `code`, the problem's `error_code`, Google's `reason`)."""
    if form == "openai":
        return body.get("code")
    if form == "problem":
        return body.get("error_code")
    if form == "google":
        info = [d for d in body.get("details", []) if d.get("@type", "").endswith("ErrorInfo")]
        return info[0]["reason"].lower() if info else None
    return None


def body_param(body, form):
    if form == "openai":
        return body.get("param")
    if form == "problem":
        return body.get("param")
    if form == "google":
        for detail in body.get("details", []):
            if detail.get("@type", "").endswith("BadRequest"):
                return detail["fieldViolations"][0]["field"]
    return None


def check_openai(binary, form):
    print(f"  OpenAI SDK, DEMO_FORMAT={form}")
    with Demo(binary, DEMO_FORMAT=form, DEMO_RATE_LIMIT=100000) as demo:
        client = openai_client(demo.base)
        completion = client.chat.completions.create(model="dos-chat-small", messages=HELLO)
        check(completion.choices[0].message.content == "You said: Hello there", "completion text")
        check(completion.choices[0].finish_reason == "stop", "finish_reason")
        check(completion.usage.total_tokens == 6, "usage")
        ids = [model.id for model in client.models.list()]
        check(ids == ["dos-chat-small", "dos-chat-large", "dos-loading", "dos-crash"], f"models {ids}")

        def chat(key="dos_sk_demo", **body):
            return lambda: openai_client(demo.base, key).chat.completions.create(**body)

        def raw(content):
            return lambda: client.post(
                "/chat/completions",
                cast_to=object,
                content=content,
                options={"headers": {"Content-Type": "application/json"}},
            )

        bad_roles = [{"role": "robot", "content": "a"}, HELLO[0], {"role": "bot", "content": "b"}]
        cases = [
            ("malformed JSON", raw(b'{"model":'), openai.BadRequestError, 400,
             "Malformed JSON in the request body: EOF while parsing a value at line 1 column 9",
             "invalid_json", None),
            ("missing model", raw(json.dumps({"messages": HELLO}).encode()), openai.BadRequestError, 400,
             "Missing required field: model", "missing_required_parameter", "model"),
            ("unknown model", chat(model="gpt-9", messages=HELLO), openai.BadRequestError, 400,
             "The model `gpt-9` does not exist", "model_not_found", "model"),
            ("empty messages", chat(model="dos-chat-small", messages=[]), openai.BadRequestError, 400,
             "messages must contain at least one message", "invalid_value", "messages"),
            ("temperature", chat(model="dos-chat-small", messages=HELLO, temperature=3),
             openai.BadRequestError, 400, "temperature must be between 0 and 2, got 3",
             "invalid_value", "temperature"),
            ("max_tokens", chat(model="dos-chat-small", messages=HELLO, max_tokens=9000),
             openai.BadRequestError, 400,
             "max_tokens must be between 0 and 8192 (the context of dos-chat-small), got 9000",
             "invalid_value", "max_tokens"),
            ("roles", chat(model="dos-chat-small", messages=bad_roles), openai.BadRequestError, 400,
             "Invalid message role: messages[0].role, messages[2].role must be one of system, user, assistant, tool",
             "invalid_value", "messages[0].role"),
            ("unknown key", chat("dos_sk_nobody", model="dos-chat-small", messages=HELLO),
             openai.AuthenticationError, 401, "Invalid API key", "invalid_api_key", None),
            ("revoked key", chat("dos_sk_revoked", model="dos-chat-small", messages=HELLO),
             openai.AuthenticationError, 401, "This API key has been revoked", "invalid_api_key", None),
            ("no credits", chat("dos_sk_empty", model="dos-chat-small", messages=HELLO),
             openai.APIStatusError, 402,
             "Your account does not have sufficient credits to process the request.",
             "insufficient_credits", None),
            ("body over 1 MiB", chat(model="dos-chat-small", messages=[{"role": "user", "content": "a" * 1_100_000}]),
             openai.APIStatusError, 413, "The request body is larger than 1048576 bytes",
             "request_too_large", None),
            ("model crash", chat(model="dos-crash", messages=HELLO), openai.InternalServerError, 500,
             "An unexpected error occurred on our servers.", None, None),
        ]
        for name, call, cls, status, message, code, param in cases:
            error = error_of(call)
            if not check(isinstance(error, cls), f"{form} {name}: {type(error).__name__} is not {cls.__name__}"):
                continue
            body = error.body
            check(error.status_code == status, f"{form} {name}: status {error.status_code}")
            check(body_message(body) == message, f"{form} {name}: message {body_message(body)!r}")
            if form == "envelope":
                check(body.get("code") == status, f"envelope {name}: code in {body}")
            elif code is not None and form != "anthropic":
                check(body_code(body, form) == code, f"{form} {name}: code in {body}")
            if param is not None and form in ("openai", "problem", "google"):
                check(body_param(body, form) == param, f"{form} {name}: param in {body}")
            if form == "openai":
                check(error.code == code, f"openai {name}: SDK code {error.code!r}")
                check(error.param == param, f"openai {name}: SDK param {error.param!r}")
            check(error.response.headers.get("x-request-id", "").startswith("req_"), f"{name}: x-request-id")


def check_openai_retries(binary):
    print("  OpenAI SDK retries (Retry-After)")
    with Demo(binary, DEMO_RATE_LIMIT=100000) as demo:
        attempts = Attempts()
        client = openai_client(demo.base, retries=2, hook=attempts)
        error = error_of(lambda: client.chat.completions.create(model="dos-loading", messages=HELLO))
        check(isinstance(error, openai.InternalServerError) and error.status_code == 503, f"503: {error!r}")
        check(error.response.headers.get("retry-after") == "3", "503 Retry-After: 3")
        check(len(attempts.at) == 3, f"503 sent 3 times, not {len(attempts.at)}")
        check(all(gap >= 3.0 for gap in attempts.gaps()), f"503 retried after 3 s: {attempts.gaps()}")
    with Demo(binary, DEMO_RATE_LIMIT=2) as demo:
        client = openai_client(demo.base)
        client.models.list()
        client.models.list()
        limited = error_of(lambda: client.models.list())
        check(isinstance(limited, openai.RateLimitError), f"429: {limited!r}")
        wait = int(limited.response.headers.get("retry-after", "0"))
        check(1 <= wait <= 10, f"429 Retry-After {wait}")
        check(body_message(limited.body) == "Rate limit exceeded: 2 requests per 10 seconds", "429 message")
        attempts = Attempts()
        client = openai_client(demo.base, retries=2, hook=attempts)
        completion = client.chat.completions.create(model="dos-chat-small", messages=HELLO)
        check(completion.choices[0].message.content == "You said: Hello there", "success after the 429")
        check(len(attempts.at) == 2, f"429 then success: {len(attempts.at)} attempts")
        # The window frees at most `wait` seconds after the refusal; the SDK waits what it was told.
        check(attempts.gaps() and attempts.gaps()[0] >= wait - 1, f"429 retried after Retry-After: {attempts.gaps()}")


# ---- Anthropic --------------------------------------------------------------------


def anthropic_client(base, key="dos_sk_demo", retries=0, hook=None, bearer=False):
    hooks = {"request": [hook]} if hook else {}
    credentials = {"auth_token": key} if bearer else {"api_key": key}
    return anthropic.Anthropic(
        base_url=base,
        max_retries=retries,
        http_client=anthropic.DefaultHttpxClient(event_hooks=hooks),
        **credentials,
    )


def check_anthropic(binary):
    # The service's format is OpenAI's: /v1/messages answers in Anthropic's all the same.
    print("  Anthropic SDK, DEMO_FORMAT=openai")
    with Demo(binary, DEMO_FORMAT="openai", DEMO_RATE_LIMIT=100000) as demo:
        client = anthropic_client(demo.base)
        message = client.messages.create(model="dos-chat-small", max_tokens=100, messages=HELLO)
        check(message.content[0].text == "You said: Hello there", "message text")
        check(message.stop_reason == "end_turn" and message.stop_sequence is None, "stop_reason")
        check(message.usage.input_tokens == 2 and message.usage.output_tokens == 4, "usage")
        check(message.id.startswith("msg_") and message.role == "assistant", "id, role")
        check((message._request_id or "").startswith("req_"), f"request id {message._request_id!r}")
        cut = client.messages.create(model="dos-chat-large", max_tokens=2, messages=HELLO)
        check(cut.stop_reason == "max_tokens" and cut.content[0].text == "You said:", "max_tokens cut")
        bearer = anthropic_client(demo.base, bearer=True)
        check(bearer.messages.create(model="dos-chat-small", max_tokens=5, messages=HELLO).content[0].text
              == "You said: Hello there", "Authorization: Bearer works too")

        def create(key="dos_sk_demo", **body):
            body.setdefault("max_tokens", 100)
            body.setdefault("messages", HELLO)
            return lambda: anthropic_client(demo.base, key).messages.create(**body)

        cases = [
            ("unknown model", create(model="claude-9"), anthropic.BadRequestError, 400,
             "invalid_request_error", "The model `claude-9` does not exist"),
            ("max_tokens", create(model="dos-chat-small", max_tokens=0), anthropic.BadRequestError, 400,
             "invalid_request_error",
             "max_tokens must be between 1 and 8192 (the context of dos-chat-small), got 0"),
            ("temperature", create(model="dos-chat-small", extra_body={"temperature": 1.5}), anthropic.BadRequestError, 400,
             "invalid_request_error", "temperature must be between 0 and 1, got 1.5"),
            ("roles", create(model="dos-chat-small", messages=[{"role": "system", "content": "x"}]),
             anthropic.BadRequestError, 400, "invalid_request_error",
             "Invalid message role: messages[0].role must be one of user, assistant"),
            ("empty messages", create(model="dos-chat-small", messages=[]), anthropic.BadRequestError, 400,
             "invalid_request_error", "messages must contain at least one message"),
            ("unknown key", create("dos_sk_nobody", model="dos-chat-small"), anthropic.AuthenticationError,
             401, "authentication_error", "Invalid API key"),
            ("revoked key", create("dos_sk_revoked", model="dos-chat-small"), anthropic.AuthenticationError,
             401, "authentication_error", "This API key has been revoked"),
            ("no credits", create("dos_sk_empty", model="dos-chat-small"), anthropic.PaymentRequiredError,
             402, "insufficient_credits_error",
             "Your account does not have sufficient credits to process the request."),
            ("body over 1 MiB", create(model="dos-chat-small", messages=[{"role": "user", "content": "a" * 1_100_000}]),
             anthropic.ContentTooLargeError, 413, "request_too_large_error",
             "The request body is larger than 1048576 bytes"),
            ("model crash", create(model="dos-crash"), anthropic.InternalServerError, 500, "server_error",
             "An unexpected error occurred on our servers."),
            ("panic", create(model="dos-panic"), anthropic.InternalServerError, 500, "server_error",
             "An unexpected error occurred on our servers."),
        ]
        for name, call, cls, status, error_type, text in cases:
            error = error_of(call)
            if not check(isinstance(error, cls), f"anthropic {name}: {type(error).__name__} is not {cls.__name__}"):
                continue
            body = error.body if isinstance(error.body, dict) else {}
            check(error.status_code == status, f"anthropic {name}: status {error.status_code}")
            check(body.get("type") == "error", f"anthropic {name}: body {body}")
            check(body.get("error", {}).get("type") == error_type, f"anthropic {name}: type in {body}")
            check(body.get("error", {}).get("message") == text, f"anthropic {name}: message in {body}")
            check(error.request_id is not None and error.request_id == body.get("request_id")
                  == error.response.headers.get("x-request-id"), f"anthropic {name}: request ids")


def check_anthropic_retries(binary):
    print("  Anthropic SDK retries (Retry-After)")
    with Demo(binary, DEMO_RATE_LIMIT=100000) as demo:
        attempts = Attempts()
        client = anthropic_client(demo.base, retries=2, hook=attempts)
        error = error_of(lambda: client.messages.create(model="dos-loading", max_tokens=10, messages=HELLO))
        check(isinstance(error, anthropic.ServiceUnavailableError), f"503: {error!r}")
        check(len(attempts.at) == 3, f"503 sent 3 times, not {len(attempts.at)}")
        check(all(gap >= 3.0 for gap in attempts.gaps()), f"503 retried after 3 s: {attempts.gaps()}")
    with Demo(binary, DEMO_RATE_LIMIT=2) as demo:
        client = anthropic_client(demo.base)
        for _ in range(2):
            client.messages.create(model="dos-chat-small", max_tokens=10, messages=HELLO)
        limited = error_of(lambda: client.messages.create(model="dos-chat-small", max_tokens=10, messages=HELLO))
        check(isinstance(limited, anthropic.RateLimitError), f"429: {limited!r}")
        wait = int(limited.response.headers.get("retry-after", "0"))
        check(1 <= wait <= 10, f"429 Retry-After {wait}")
        attempts = Attempts()
        client = anthropic_client(demo.base, retries=2, hook=attempts)
        message = client.messages.create(model="dos-chat-small", max_tokens=10, messages=HELLO)
        check(message.content[0].text == "You said: Hello there", "success after the 429")
        check(len(attempts.at) == 2, f"429 then success: {len(attempts.at)} attempts")
        check(attempts.gaps() and attempts.gaps()[0] >= wait - 1, f"429 retried after Retry-After: {attempts.gaps()}")


# ---- gRPC (grpcio) ----------------------------------------------------------------


def compile_proto():
    """`chat.proto` compiled by grpcio-tools' protoc into a temporary directory and
    imported from there: (chat_pb2, chat_pb2_grpc)."""
    import importlib

    from grpc_tools import protoc

    with tempfile.TemporaryDirectory(prefix="dos-chat-proto-") as out:
        status = protoc.main([
            "grpc_tools.protoc", f"-I{PROTO_ROOT}", f"--python_out={out}", f"--grpc_python_out={out}",
            "dos/chat/v1/chat.proto",
        ])
        if status != 0:
            raise RuntimeError(f"protoc failed on {PROTO_ROOT / 'dos/chat/v1/chat.proto'}")
        sys.path.insert(0, out)
        try:
            # The modules are read now: the directory may go.
            return importlib.import_module("dos.chat.v1.chat_pb2"), importlib.import_module("dos.chat.v1.chat_pb2_grpc")
        finally:
            sys.path.remove(out)


def rich_details(status):
    """The details of a `google.rpc.Status`, unpacked by type name."""
    kinds = {
        "ErrorInfo": error_details_pb2.ErrorInfo,
        "RetryInfo": error_details_pb2.RetryInfo,
        "BadRequest": error_details_pb2.BadRequest,
        "Help": error_details_pb2.Help,
    }
    details = {}
    for detail in status.details if status else []:
        for name, kind in kinds.items():
            if detail.Is(kind.DESCRIPTOR):
                message = kind()
                detail.Unpack(message)
                details[name] = message
    return details


def rpc_error_of(call):
    try:
        call()
    except grpc.RpcError as error:
        return error
    return None


def check_grpc(binary):
    print("  gRPC, grpcio: dos.chat.v1.Chat")
    chat_pb2, chat_pb2_grpc = compile_proto()
    demo_key = [("authorization", "Bearer dos_sk_demo")]

    def request(model="dos-chat-small", messages=(("user", "Hello there"),), **fields):
        return chat_pb2.ChatCompletionRequest(
            model=model, messages=[chat_pb2.ChatMessage(role=r, content=c) for r, c in messages], **fields)

    def check_error(name, error, code, message, reason, violations=(), retry=None, metadata=None):
        if not check(isinstance(error, grpc.RpcError), f"grpc {name}: no error"):
            return
        check(error.code() == code, f"grpc {name}: code {error.code()}")
        check(error.details() == message, f"grpc {name}: message {error.details()!r}")
        status = rpc_status.from_call(error)
        if not check(status is not None, f"grpc {name}: no grpc-status-details-bin"):
            return
        check(status.code == code.value[0] and status.message == message, f"grpc {name}: status {status}")
        details = rich_details(status)
        info = details.get("ErrorInfo")
        check(info is not None and info.reason == reason and info.domain == "dos.ai",
              f"grpc {name}: ErrorInfo {info}")
        if metadata is not None and info is not None:
            check(dict(info.metadata) == metadata, f"grpc {name}: metadata {dict(info.metadata)}")
        got = [(v.field, v.description) for v in details["BadRequest"].field_violations] if "BadRequest" in details else []
        check(got == list(violations), f"grpc {name}: violations {got}")
        delay = details["RetryInfo"].retry_delay.ToTimedelta().total_seconds() if "RetryInfo" in details else None
        if retry is None:
            check(delay is None, f"grpc {name}: RetryInfo {delay}")
        else:
            check(delay is not None and retry(delay), f"grpc {name}: RetryInfo {delay}")
            pushback = dict(error.trailing_metadata() or ()).get("grpc-retry-pushback-ms")
            check(delay is not None and pushback is not None and int(pushback) == math.ceil(delay * 1000),
                  f"grpc {name}: grpc-retry-pushback-ms {pushback} for {delay}")
        links = [link.url for link in details["Help"].links] if "Help" in details else []
        check(links == [f"https://docs.dos.ai/errors#{reason.lower()}"], f"grpc {name}: Help {links}")
        return details

    with Demo(binary, DEMO_RATE_LIMIT=100000) as demo, grpc.insecure_channel(demo.grpc_target) as channel:
        grpc.channel_ready_future(channel).result(timeout=20)
        stub = chat_pb2_grpc.ChatStub(channel)
        models = stub.ListModels(chat_pb2.ListModelsRequest(), metadata=demo_key, timeout=10)
        listed = [(model.id, model.context_length) for model in models.models]
        check(listed == [("dos-chat-small", 8192), ("dos-chat-large", 32768), ("dos-loading", 8192), ("dos-crash", 8192)],
              f"grpc models {listed}")
        answer, call = stub.CreateChatCompletion.with_call(request(), metadata=demo_key, timeout=10)
        check(answer.content == "You said: Hello there" and answer.model == "dos-chat-small"
              and answer.id.startswith("chatcmpl-"), f"grpc completion {answer}")
        check(dict(call.initial_metadata()).get("x-request-id", "").startswith("req_"), "grpc x-request-id")
        cut = stub.CreateChatCompletion(request("dos-chat-large", max_tokens=2), metadata=demo_key, timeout=10)
        check(cut.content == "You said:", f"grpc max_tokens cut: {cut.content!r}")

        def create(key="dos_sk_demo", **fields):
            metadata = [("authorization", f"Bearer {key}")] if key else []
            return rpc_error_of(lambda: stub.CreateChatCompletion(request(**fields), metadata=metadata, timeout=10))

        roles = "must be one of system, user, assistant, tool"
        code = grpc.StatusCode
        check_error("no key", rpc_error_of(lambda: stub.ListModels(chat_pb2.ListModelsRequest(), timeout=10)),
                    code.UNAUTHENTICATED,
                    "Missing Authorization header: send `Authorization: Bearer YOUR_API_KEY`", "INVALID_API_KEY")
        check_error("unknown key", create("dos_sk_nobody"), code.UNAUTHENTICATED, "Invalid API key",
                    "INVALID_API_KEY")
        check_error("revoked key", create("dos_sk_revoked"), code.UNAUTHENTICATED,
                    "This API key has been revoked", "INVALID_API_KEY")
        check_error("empty model", create(model=""), code.INVALID_ARGUMENT, "Missing required field: model",
                    "MISSING_REQUIRED_PARAMETER", [("model", "Missing required field: model")],
                    metadata={"field": "model"})
        check_error("unknown model", create(model="gpt-9"), code.INVALID_ARGUMENT,
                    "The model `gpt-9` does not exist", "MODEL_NOT_FOUND",
                    [("model", "The model `gpt-9` does not exist")], metadata={"model": "gpt-9"})
        check_error("empty messages", create(messages=()), code.INVALID_ARGUMENT,
                    "messages must contain at least one message", "INVALID_VALUE",
                    [("messages", "messages must contain at least one message")])
        check_error("temperature", create(temperature=3), code.INVALID_ARGUMENT,
                    "temperature must be between 0 and 2, got 3", "INVALID_VALUE",
                    [("temperature", "temperature must be between 0 and 2, got 3")],
                    metadata={"value": "3", "max": "2"})
        check_error("max_tokens", create(max_tokens=9000), code.INVALID_ARGUMENT,
                    "max_tokens must be between 0 and 8192 (the context of dos-chat-small), got 9000",
                    "INVALID_VALUE",
                    [("max_tokens", "max_tokens must be between 0 and 8192 (the context of dos-chat-small), got 9000")])
        check_error("roles", create(messages=(("robot", "a"), ("user", "b"), ("bot", "c"))), code.INVALID_ARGUMENT,
                    "Invalid message role: messages[0].role, messages[2].role must be one of system, user, assistant, tool",
                    "INVALID_VALUE", [("messages[0].role", roles), ("messages[2].role", roles)])
        check_error("no credits", create("dos_sk_empty"), code.FAILED_PRECONDITION,
                    "Your account does not have sufficient credits to process the request.", "INSUFFICIENT_CREDITS")
        check_error("loading", create(model="dos-loading"), code.UNAVAILABLE,
                    "The model dos-loading is loading; retry shortly", "MODEL_LOADING",
                    retry=lambda delay: delay == 3, metadata={"model": "dos-loading"})
        for model in ["dos-crash", "dos-panic"]:
            error = create(model=model)
            check_error(model, error, code.INTERNAL, "An unexpected error occurred on our servers.", "SERVER_ERROR")
            seen = f"{error.details()} {error.trailing_metadata()} {error.debug_error_string()}" if error else ""
            check("CUDA" not in seen and "on purpose" not in seen, f"grpc {model}: the cause leaked: {seen}")
        after = stub.CreateChatCompletion(request(), metadata=demo_key, timeout=10)
        check(after.content == "You said: Hello there", "grpc answers after the panic")
        check("panicked on purpose" in demo.log_text(), "the panic is in the server's log")

    # The rate limit, one window per key for HTTP and gRPC.
    with Demo(binary, DEMO_RATE_LIMIT=2) as demo, grpc.insecure_channel(demo.grpc_target) as channel:
        grpc.channel_ready_future(channel).result(timeout=20)
        stub = chat_pb2_grpc.ChatStub(channel)
        stub.ListModels(chat_pb2.ListModelsRequest(), metadata=demo_key, timeout=10)
        openai_client(demo.base).models.list()
        limited = rpc_error_of(lambda: stub.ListModels(chat_pb2.ListModelsRequest(), metadata=demo_key, timeout=10))
        check_error("rate limit", limited, grpc.StatusCode.RESOURCE_EXHAUSTED,
                    "Rate limit exceeded: 2 requests per 10 seconds", "RATE_LIMIT_EXCEEDED",
                    retry=lambda delay: 0 < delay <= 10, metadata={"limit": "2", "window": "10"})
        over_http = error_of(lambda: openai_client(demo.base).models.list())
        check(isinstance(over_http, openai.RateLimitError), f"HTTP shares the gRPC window: {over_http!r}")


# ---- schemathesis -----------------------------------------------------------------


def check_schemathesis(binary, examples):
    st = Path(sys.executable).with_name("st")
    runs = [(form, "application/json") for form in FORMATS] + [("envelope", "application/problem+json")]
    for form, accept in runs:
        print(f"  schemathesis, DEMO_FORMAT={form}, Accept: {accept}")
        with Demo(binary, DEMO_FORMAT=form, DEMO_RATE_LIMIT=1000000) as demo:
            command = [
                str(st), "--config-file", str(HERE / "schemathesis.toml"), "run",
                f"{demo.base}/openapi.json",
                "-H", "Authorization: Bearer dos_sk_demo",
                "-H", "x-api-key: dos_sk_demo",
                "-H", f"Accept: {accept}",
                "--checks", "all",
                "--max-examples", str(examples),
                "--continue-on-failure",
                "--generation-database", "none",
                "--no-color",
            ]
            # In a scratch directory: schemathesis may leave files where it runs.
            with tempfile.TemporaryDirectory() as scratch:
                result = subprocess.run(command, capture_output=True, text=True, cwd=scratch)
            summary = [line for line in result.stdout.splitlines() if "generated" in line or "===" in line]
            for line in summary[-2:]:
                print(f"    {line.strip()}")
            if not check(result.returncode == 0, f"schemathesis {form} {accept}"):
                print(result.stdout[-6000:])
            check("panicked" not in demo.log_text(), f"no panic in the server's log ({form})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("server", help="the demo server binary (cargo build --example server)")
    parser.add_argument("--quick", action="store_true", help="fewer schemathesis examples, no retry checks")
    args = parser.parse_args()
    started = time.monotonic()
    print(f"openai {openai.__version__}, anthropic {anthropic.__version__}, grpcio {grpc.__version__}")
    for form in FORMATS:
        check_openai(args.server, form)
    check_anthropic(args.server)
    check_grpc(args.server)
    if not args.quick:
        check_openai_retries(args.server)
        check_anthropic_retries(args.server)
    check_schemathesis(args.server, 30 if args.quick else 100)
    elapsed = time.monotonic() - started
    if failures:
        print(f"\n{len(failures)} failed checks in {elapsed:.0f} s:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print(f"\nAll checks passed in {elapsed:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
