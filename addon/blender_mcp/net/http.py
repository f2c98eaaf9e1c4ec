"""Small HTTP helpers over http.client (stdlib only) with the addon's User-Agent.

Every request sends `User-Agent: blender-mcp` (contract 9.1). Errors are split into
TransportError (no HTTP answer: refused, reset, timeout, TLS) and an HTTP answer of any status,
which callers inspect themselves.
"""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import urllib.parse
from dataclasses import dataclass
from typing import Any

USER_AGENT = "blender-mcp"


class TransportError(Exception):
    """The request got no HTTP answer (connection refused or reset, timeout, TLS failure)."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def detail(self) -> str:
        """`detail` of a JSON error body, else the body text, else `HTTP <status>`."""
        try:
            value = self.json()
            if isinstance(value, dict) and isinstance(value.get("detail"), str):
                return value["detail"]
        except (ValueError, UnicodeDecodeError):
            pass
        text = self.body.decode("utf-8", "replace").strip()
        return text or f"HTTP {self.status}"


def open_connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A not yet connected HTTP(S) connection for `url`, and the request target (path + query)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    return conn, target


def request(method: str, url: str, *, body: Any = None, headers: dict[str, str] | None = None,
            timeout: float = 30.0) -> Response:
    """Sends one request and reads the whole answer. `body` (if not None) is sent as JSON."""
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        all_headers.setdefault("Content-Type", "application/json")
    conn, target = open_connection(url, timeout)
    try:
        conn.request(method, target, body=data, headers=all_headers)
        answer = conn.getresponse()
        payload = answer.read()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, payload)
    except (OSError, http.client.HTTPException, ssl.SSLError) as error:
        raise TransportError(f"{type(error).__name__}: {error}") from error
    finally:
        conn.close()


def abort(conn: http.client.HTTPConnection | None) -> None:
    """Interrupts a blocking read on `conn` from another thread."""
    sock = getattr(conn, "sock", None) if conn is not None else None
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    if conn is not None:
        conn.close()
