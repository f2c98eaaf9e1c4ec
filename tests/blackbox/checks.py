"""Assertions shared by the black-box tests: status codes and error bodies exactly as the contract
writes them."""
from __future__ import annotations

import re
import time
from typing import Any, Callable

from blackbox.wire import JSON, Reply

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
MISSING_SESSION_BODY = {"jsonrpc": "2.0", "id": None,
                        "error": {"code": -32000, "message": "Bad Request: Mcp-Session-Id header is required"}}
SESSION_NOT_FOUND_BODY = {"jsonrpc": "2.0", "id": None,
                          "error": {"code": -32001, "message": "Session not found"}}
PARSE_ERROR_BODY = {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}}
# How soon a user removed by another process (the CLI, another node) is refused: at once on
# SQLite; on PostgreSQL when the change notification arrives, at most 3 s (docs/user-store.md).
REMOVAL_SEEN_WITHIN = 5.0


def assert_json(reply: Reply, status: int) -> Any:
    assert reply.status == status, reply
    assert reply.content_type == JSON, reply
    return reply.json()


def assert_detail(reply: Reply, status: int, detail: str) -> None:
    """A non-MCP error: `{"detail": ...}` as JSON; every 401 also carries `WWW-Authenticate: Bearer`."""
    assert assert_json(reply, status) == {"detail": detail}, reply
    if status == 401:
        assert_bearer_challenge(reply)


def assert_unauthorized_soon(send: Callable[[], Reply], detail: str,
                             within: float = REMOVAL_SEEN_WITHIN) -> None:
    """`send()` is answered 401 `detail` within `within` seconds (asked every 50 ms)."""
    deadline = time.monotonic() + within
    reply = send()
    while reply.status != 401 and time.monotonic() < deadline:
        time.sleep(0.05)
        reply = send()
    assert_detail(reply, 401, detail)


def assert_bearer_challenge(reply: Reply) -> None:
    challenge = reply.headers.get("www-authenticate", "")
    assert challenge.split(" ")[0].split(",")[0] == "Bearer", reply


def assert_unauthorized(reply: Reply, detail: str) -> None:
    assert_detail(reply, 401, detail)


def assert_rpc_http_error(reply: Reply, status: int, code: int, message: str | None = None) -> dict:
    """A transport-level JSON-RPC error (HTTP 4xx with a JSON-RPC error body)."""
    body = assert_json(reply, status)
    assert body.get("jsonrpc") == "2.0", reply
    assert "result" not in body, reply
    assert body["error"]["code"] == code, reply
    if message is not None:
        assert body["error"]["message"] == message, reply
    return body


def assert_rpc_error(reply: Reply, code: int, message: str | None = None, request_id: Any = None) -> dict:
    """A JSON-RPC error answered with HTTP 200."""
    assert reply.status == 200, reply
    msg = reply.message
    assert "result" not in msg, reply
    assert msg["error"]["code"] == code, reply
    if message is not None:
        assert msg["error"]["message"] == message, reply
    if request_id is not None:
        assert msg["id"] == request_id, reply
    return msg["error"]


def assert_accepted_without_body(reply: Reply) -> None:
    assert reply.status == 202, reply
    assert reply.body == b"", reply
