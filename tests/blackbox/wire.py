"""A small raw HTTP / MCP client for black-box tests.

It speaks exactly what the tests ask for: chosen headers, chosen bodies (raw bytes when a test needs
malformed input), and it parses both `application/json` and `text/event-stream` replies. The GET
standalone stream is read by a background thread over a plain socket so that a test can wait on a
condition (with a hard cap) and close the stream at any time.
"""
from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import httpx

JSON = "application/json"
SSE = "text/event-stream"
JSON_AND_SSE = "application/json, text/event-stream"
LATEST_VERSION = "2025-11-25"
SUPPORTED_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26")
HTTP_TIMEOUT = 30.0

_MISSING = object()
_source_counter = itertools.count(1)
_request_ids = itertools.count(1)


def next_source_address() -> str:
    """A loopback source address no other test uses, so per-address state never leaks between tests."""
    n = next(_source_counter)
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def next_request_id() -> int:
    return next(_request_ids)


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.05) -> Any:
    """Polls `predicate` until it returns a truthy value or `timeout` seconds pass; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# --------------------------------------------------------------------------------------------------
# Server-sent events


@dataclass
class SseEvent:
    event: str | None = None
    data: str = ""
    id: str | None = None
    fields: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.data)


class SseParser:
    """Incremental SSE parser: feed text, collect events and comment lines."""

    def __init__(self) -> None:
        self.events: list[SseEvent] = []
        self.comments: list[str] = []
        self._pending = ""
        self._current = SseEvent()
        self._data_lines: list[str] = []
        self._has_fields = False

    def feed(self, text: str) -> None:
        self._pending += text.replace("\r\n", "\n").replace("\r", "\n")
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            self._line(line)

    def _line(self, line: str) -> None:
        if line == "":
            if self._has_fields:
                self._current.data = "\n".join(self._data_lines)
                self.events.append(self._current)
            self._current, self._data_lines, self._has_fields = SseEvent(), [], False
            return
        if line.startswith(":"):
            self.comments.append(line)
            return
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        self._has_fields = True
        self._current.fields.append(name)
        if name == "data":
            self._data_lines.append(value)
        elif name == "event":
            self._current.event = value
        elif name == "id":
            self._current.id = value


def parse_sse(text: str) -> SseParser:
    parser = SseParser()
    parser.feed(text)
    parser.feed("\n\n")  # flush an unterminated last event
    return parser


# --------------------------------------------------------------------------------------------------
# Plain HTTP


@dataclass
class Reply:
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def sse(self) -> SseParser:
        return parse_sse(self.text)

    @property
    def message(self) -> dict:
        """The JSON-RPC response carried by this reply, whether it came as JSON or as SSE."""
        if self.content_type == SSE:
            responses = [e.json() for e in self.sse.events
                         if "result" in e.json() or "error" in e.json()]
            assert len(responses) == 1, f"expected exactly one JSON-RPC response in SSE, got {self.text!r}"
            return responses[0]
        return self.json()

    @property
    def result(self) -> Any:
        msg = self.message
        assert "result" in msg, f"expected a JSON-RPC result, got {msg!r}"
        return msg["result"]

    @property
    def error(self) -> dict:
        msg = self.message
        assert "error" in msg, f"expected a JSON-RPC error, got {msg!r}"
        return msg["error"]

    def __repr__(self) -> str:
        return f"Reply({self.status}, {dict(self.headers)!r}, {self.text[:500]!r})"


def make_http_client(source: str | None = None, timeout: float = HTTP_TIMEOUT) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=source) if source else httpx.HTTPTransport()
    client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False)
    del client.headers["accept"]  # tests decide whether an Accept header is sent at all
    return client


class Http:
    """Plain HTTP against one server from one loopback source address."""

    def __init__(self, base_url: str, source: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.source = source or next_source_address()
        self.client = make_http_client(self.source)

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, *, json_body: Any = _MISSING,
                content: bytes | str | None = None, headers: dict[str, str] | None = None,
                token: str | None = None, params: dict[str, str] | None = None) -> Reply:
        hdrs: dict[str, str] = {}
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        if json_body is not _MISSING:
            content = json.dumps(json_body)
            hdrs["Content-Type"] = JSON
        hdrs.update(headers or {})
        response = self.client.request(method, self.base_url + path, content=content,
                                       headers=hdrs, params=params)
        return Reply(response.status_code, response.headers, response.content)

    # auth endpoints -------------------------------------------------------------------------------

    def login(self, username: Any = "demo", password: Any = "demo", **kw: Any) -> Reply:
        return self.request("POST", "/auth/login",
                            json_body={"username": username, "password": password}, **kw)

    def refresh(self, refresh_token: Any = _MISSING, **kw: Any) -> Reply:
        body = {} if refresh_token is _MISSING else {"refresh_token": refresh_token}
        return self.request("POST", "/auth/refresh", json_body=body, **kw)

    def logout(self, token: str | None = None, **kw: Any) -> Reply:
        return self.request("POST", "/auth/logout", token=token, **kw)

    def profile(self, token: str | None = None, **kw: Any) -> Reply:
        return self.request("GET", "/auth/profile", token=token, **kw)

    def health(self, **kw: Any) -> Reply:
        return self.request("GET", "/health", **kw)


@dataclass
class Tokens:
    access: str
    refresh: str
    body: dict


def login_ok(http: Http, username: str = "demo", password: str = "demo") -> Tokens:
    reply = http.login(username, password)
    assert reply.status == 200, reply
    body = reply.json()
    return Tokens(body["access_token"], body["refresh_token"], body)


def demo_access_token(base_url: str) -> str:
    """An access token of `demo`, from a login on a client of its own."""
    client = Http(base_url)
    try:
        return login_ok(client).access
    finally:
        client.close()


# --------------------------------------------------------------------------------------------------
# MCP over Streamable HTTP


def rpc(method: str, params: Any = _MISSING, id: Any = _MISSING) -> dict:
    """A JSON-RPC request (with a fresh id unless one is given) or, with id=None, a notification."""
    msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if id is not None:
        msg["id"] = next_request_id() if id is _MISSING else id
    if params is not _MISSING:
        msg["params"] = params
    return msg


def notification(method: str, params: Any = _MISSING) -> dict:
    return rpc(method, params, id=None)


def initialize_params(version: str = LATEST_VERSION) -> dict:
    return {"protocolVersion": version, "capabilities": {},
            "clientInfo": {"name": "blackbox-tests", "version": "0.0.1"}}


class Mcp:
    """Raw MCP client: every call states its headers; nothing is retried or hidden."""

    def __init__(self, base_url: str, token: str | None, source: str | None = None,
                 path: str = "/mcp") -> None:
        self.http = Http(base_url, source)
        self.token = token
        self.path = path

    def close(self) -> None:
        self.http.close()

    def post(self, body: Any = _MISSING, *, session: str | None = None, raw: bytes | str | None = None,
             accept: str | None = JSON, content_type: str | None = JSON,
             headers: dict[str, str] | None = None, token: Any = _MISSING,
             path: str | None = None) -> Reply:
        hdrs: dict[str, str] = {}
        if accept is not None:
            hdrs["Accept"] = accept
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        if session is not None:
            hdrs["Mcp-Session-Id"] = session
        hdrs.update(headers or {})
        content = raw if raw is not None else (None if body is _MISSING else json.dumps(body))
        tok = self.token if token is _MISSING else token
        return self.http.request("POST", path or self.path, content=content, headers=hdrs, token=tok)

    def get(self, *, session: str | None = None, accept: str | None = SSE,
            headers: dict[str, str] | None = None, path: str | None = None) -> Reply:
        """A GET that is expected to be refused (it does not stream)."""
        hdrs: dict[str, str] = {}
        if accept is not None:
            hdrs["Accept"] = accept
        if session is not None:
            hdrs["Mcp-Session-Id"] = session
        hdrs.update(headers or {})
        return self.http.request("GET", path or self.path, headers=hdrs, token=self.token)

    def delete(self, session: str | None, *, headers: dict[str, str] | None = None,
               path: str | None = None) -> Reply:
        hdrs = {"Mcp-Session-Id": session} if session is not None else {}
        hdrs.update(headers or {})
        return self.http.request("DELETE", path or self.path, headers=hdrs, token=self.token)

    def initialize_reply(self, version: str = LATEST_VERSION, **kw: Any) -> Reply:
        return self.post(rpc("initialize", initialize_params(version)), **kw)

    def initialize(self, version: str = LATEST_VERSION, **kw: Any) -> "Session":
        reply = self.initialize_reply(version, **kw)
        assert reply.status == 200, reply
        session_id = reply.headers.get("mcp-session-id")
        assert session_id, reply
        session = Session(self, session_id, reply.result)
        assert session.notify("notifications/initialized").status == 202
        return session

    def stream(self, session: str | None, *, accept: str = SSE,
               headers: dict[str, str] | None = None, path: str | None = None) -> "SseStream":
        hdrs = {"Accept": accept}
        if session is not None:
            hdrs["Mcp-Session-Id"] = session
        if self.token is not None:
            hdrs["Authorization"] = f"Bearer {self.token}"
        hdrs.update(headers or {})
        return SseStream(self.http.base_url, path or self.path, hdrs, source=self.http.source)


class Session:
    """One MCP session of an `Mcp` client."""

    def __init__(self, mcp: Mcp, session_id: str, init_result: dict) -> None:
        self.mcp = mcp
        self.id = session_id
        self.init_result = init_result

    @property
    def protocol_version(self) -> str:
        return self.init_result["protocolVersion"]

    def post(self, body: Any = _MISSING, **kw: Any) -> Reply:
        kw.setdefault("session", self.id)
        return self.mcp.post(body, **kw)

    def call(self, method: str, params: Any = _MISSING, **kw: Any) -> Reply:
        return self.post(rpc(method, params), **kw)

    def request(self, method: str, params: Any = _MISSING, **kw: Any) -> dict:
        """A request that must be answered 200; returns the JSON-RPC response object."""
        reply = self.call(method, params, **kw)
        assert reply.status == 200, reply
        return reply.message

    def result(self, method: str, params: Any = _MISSING, **kw: Any) -> Any:
        msg = self.request(method, params, **kw)
        assert "result" in msg, msg
        return msg["result"]

    def notify(self, method: str, params: Any = _MISSING, **kw: Any) -> Reply:
        return self.post(notification(method, params), **kw)

    def tool(self, name: str, arguments: dict | None = None, **kw: Any) -> dict:
        return self.result("tools/call", {"name": name, "arguments": arguments or {}}, **kw)

    def delete(self) -> Reply:
        return self.mcp.delete(self.id)

    def stream(self, **kw: Any) -> "SseStream":
        return self.mcp.stream(self.id, **kw)


# --------------------------------------------------------------------------------------------------
# Raw socket HTTP: a GET SSE stream read in a thread, and requests whose bodies the server may refuse early


def _connect(base_url: str, source: str | None, timeout: float) -> tuple[socket.socket, str]:
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    sock = socket.create_connection((host, port), timeout=timeout,
                                    source_address=(source, 0) if source else None)
    return sock, f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"


class _SocketReader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def read_until(self, marker: bytes) -> bytes | None:
        while marker not in self.buffer:
            if not self.fill():
                return None
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def read_exact(self, n: int) -> bytes | None:
        while len(self.buffer) < n:
            if not self.fill():
                return None
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_head(self) -> tuple[int, httpx.Headers]:
        head = self.read_until(b"\r\n\r\n")
        if head is None:
            raise ConnectionError("connection closed before the response head")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = httpx.Headers([tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:] if ":" in line])
        return status, headers

    def iter_body(self, headers: httpx.Headers) -> Iterable[bytes]:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            while True:
                size_line = self.read_until(b"\r\n")
                if size_line is None:
                    return
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.read_until(b"\r\n")
                    return
                data = self.read_exact(size)
                if data is None:
                    return
                yield data
                self.read_exact(2)
        elif "content-length" in headers:
            data = self.read_exact(int(headers["content-length"]))
            if data:
                yield data
        else:
            if self.buffer:
                yield self.buffer
                self.buffer = b""
            while self.fill():
                yield self.buffer
                self.buffer = b""


class SseStream:
    """A GET request on /mcp read by a background thread.

    After construction `status` and `headers` are known. When the status is 200 the body is parsed
    as SSE as it arrives; `ended` is set when the server closes the stream.
    """

    def __init__(self, base_url: str, path: str, headers: dict[str, str],
                 source: str | None = None, timeout: float = 10.0) -> None:
        self.sock, host = _connect(base_url, source, timeout)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self._reader = _SocketReader(self.sock)
        self.status, self.headers = self._reader.read_head()
        self.parser = SseParser()
        self.raw = b""
        self.ended = threading.Event()
        self._changed = threading.Condition()
        self._closing = False
        if self.status == 200:
            self.sock.settimeout(None)
            self._thread = threading.Thread(target=self._pump, daemon=True)
            self._thread.start()
        else:
            self.raw = b"".join(self._reader.iter_body(self.headers))
            self.ended.set()
            self.sock.close()

    def _pump(self) -> None:
        try:
            for chunk in self._reader.iter_body(self.headers):
                with self._changed:
                    self.raw += chunk
                    self.parser.feed(chunk.decode("utf-8", errors="replace"))
                    self._changed.notify_all()
        except OSError:
            pass
        finally:
            with self._changed:
                self.ended.set()
                self._changed.notify_all()

    @property
    def events(self) -> list[SseEvent]:
        with self._changed:
            return list(self.parser.events)

    @property
    def comments(self) -> list[str]:
        with self._changed:
            return list(self.parser.comments)

    def json_body(self) -> Any:
        return json.loads(self.raw)

    def wait_for(self, predicate: Callable[["SseStream"], bool], timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def wait_ended(self, timeout: float = 10.0) -> bool:
        return self.ended.wait(timeout)

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.ended.wait(5)


def raw_exchange(base_url: str, head_lines: list[str], body_chunks: Iterable[bytes],
                 source: str | None = None, timeout: float = 60.0) -> Reply:
    """Sends a hand-made request while a thread reads the response, so an early answer is not lost
    when the server stops reading the body (413). Returns the first response."""
    sock, host = _connect(base_url, source, timeout)
    reader = _SocketReader(sock)
    outcome: dict[str, Any] = {}

    def read() -> None:
        try:
            status, headers = reader.read_head()
            body = b"".join(reader.iter_body(headers)) if "content-length" in headers or \
                "chunked" in headers.get("transfer-encoding", "").lower() else b""
            outcome["reply"] = Reply(status, headers, body)
        except (OSError, ValueError) as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        head = "\r\n".join([head_lines[0], f"Host: {host}", *head_lines[1:]]) + "\r\n\r\n"
        sock.sendall(head.encode("latin-1"))
        for chunk in body_chunks:
            if "reply" in outcome or "error" in outcome:
                break
            sock.sendall(chunk)
    except OSError:
        pass  # the server may stop reading and close once it has answered
    thread.join(timeout)
    sock.close()
    if "reply" not in outcome:
        raise AssertionError(f"no HTTP response: {outcome.get('error')!r}")
    return outcome["reply"]
