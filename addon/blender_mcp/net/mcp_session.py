"""One MCP session over Streamable HTTP (contract 4 and 9.6): initialize, requests and
notifications over POST (JSON or SSE replies), the standalone GET stream, DELETE.

Thread safety: requests may be sent from several threads at once (each uses its own HTTP
connection); the stream is read by one thread. Failures are raised as:
  SessionLost  - 404: the server no longer knows the session; initialize again and re-register
  Unauthorized - 401: the access token was refused
  McpError     - a JSON-RPC error answer or an unexpected HTTP status
  http.TransportError - no HTTP answer
"""
from __future__ import annotations

import itertools
import json
import threading
from typing import Any, Callable, Iterator

from . import http, sse

PROTOCOL_VERSION = "2025-11-25"
REQUEST_TIMEOUT = 30.0
STREAM_READ_TIMEOUT = 45.0  # the server writes a keep-alive comment every 15 s


class SessionLost(Exception):
    pass


class Unauthorized(Exception):
    pass


class McpError(Exception):
    pass


class McpSession:
    def __init__(self, mcp_url: str, access_token: Callable[[], str], client_version: str) -> None:
        self.mcp_url = mcp_url
        self._access_token = access_token
        self._client_version = client_version
        self._ids = itertools.count(1)
        self._ids_lock = threading.Lock()
        self.session_id: str | None = None
        self.protocol_version: str | None = None

    # -- requests -------------------------------------------------------------------------------
    def initialize(self) -> dict:
        """Creates a new MCP session (forgetting any previous id) and sends notifications/initialized."""
        self.session_id = None
        self.protocol_version = None
        answer = self._post({"jsonrpc": "2.0", "id": self._next_id(), "method": "initialize",
                             "params": {"protocolVersion": PROTOCOL_VERSION, "capabilities": {},
                                        "clientInfo": {"name": "blender-mcp-addon",
                                                       "version": self._client_version}}})
        session_id = answer.headers.get("mcp-session-id")
        if not session_id:
            raise McpError("initialize answer carries no Mcp-Session-Id")
        result = self._result_of(answer)
        self.session_id = session_id
        self.protocol_version = result.get("protocolVersion") or PROTOCOL_VERSION
        self.notify("notifications/initialized")
        return result

    def request(self, method: str, params: dict | None = None, timeout: float = REQUEST_TIMEOUT) -> Any:
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next_id(), "method": method}
        if params is not None:
            message["params"] = params
        return self._result_of(self._post(message, timeout))

    def notify(self, method: str, params: dict | None = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        answer = self._post(message)
        if answer.status not in (200, 202):
            raise McpError(f"{method} answered HTTP {answer.status}")

    def call_tool(self, name: str, arguments: dict, timeout: float = REQUEST_TIMEOUT) -> Any:
        """tools/call; returns the decoded JSON of content[0].text (the tool's result object)."""
        result = self.request("tools/call", {"name": name, "arguments": arguments}, timeout)
        content = result.get("content") if isinstance(result, dict) else None
        text = content[0].get("text") if isinstance(content, list) and content else None
        if result.get("isError"):
            raise McpError(f"{name} failed: {text}")
        try:
            return json.loads(text)
        except (TypeError, ValueError):
            return text

    def delete(self) -> None:
        if self.session_id is None:
            return
        try:
            http.request("DELETE", self.mcp_url, headers=self._headers(), timeout=5.0)
        finally:
            self.session_id = None

    # -- standalone stream ------------------------------------------------------------------------
    def open_stream(self, last_event_id: str | None) -> "Stream":
        """Opens GET /mcp; with `last_event_id`, the server first replays later retained events."""
        headers = self._headers()
        headers["Accept"] = "text/event-stream"
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        conn, target = http.open_connection(self.mcp_url, STREAM_READ_TIMEOUT)
        try:
            conn.request("GET", target, headers=headers)
            answer = conn.getresponse()
        except OSError as error:
            conn.close()
            raise http.TransportError(f"{type(error).__name__}: {error}") from error
        except Exception as error:
            conn.close()
            raise http.TransportError(f"{type(error).__name__}: {error}") from error
        if answer.status != 200:
            status, body = answer.status, answer.read()
            conn.close()
            self._raise_for_status(http.Response(status, {}, body))
        return Stream(conn, answer, last_event_id)

    # -- internals --------------------------------------------------------------------------------
    def _next_id(self) -> int:
        with self._ids_lock:
            return next(self._ids)

    def _headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._access_token()}"}
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
        if self.protocol_version:
            headers["MCP-Protocol-Version"] = self.protocol_version
        return headers

    def _post(self, message: dict, timeout: float = REQUEST_TIMEOUT) -> http.Response:
        headers = self._headers()
        headers["Accept"] = "application/json, text/event-stream"
        answer = http.request("POST", self.mcp_url, body=message, headers=headers, timeout=timeout)
        self._raise_for_status(answer)
        return answer

    @staticmethod
    def _raise_for_status(answer: http.Response) -> None:
        if answer.status in (200, 202):
            return
        if answer.status == 404:
            raise SessionLost(answer.detail())
        if answer.status == 401:
            raise Unauthorized(answer.detail())
        raise McpError(f"HTTP {answer.status}: {answer.detail()}")

    @staticmethod
    def _result_of(answer: http.Response) -> Any:
        """The `result` of the JSON-RPC response in a JSON or SSE answer body."""
        content_type = answer.headers.get("content-type", "")
        if content_type.startswith("text/event-stream"):
            messages = []
            for event in sse.parse_body(answer.body):
                try:
                    messages.append(json.loads(event.data))
                except ValueError:
                    continue
            responses = [m for m in messages if isinstance(m, dict) and ("result" in m or "error" in m)]
            if not responses:
                raise McpError("SSE answer holds no JSON-RPC response")
            response = responses[-1]
        else:
            try:
                response = answer.json()
            except ValueError as error:
                raise McpError(f"answer is not JSON: {error}") from error
        if not isinstance(response, dict):
            raise McpError("answer is not a JSON-RPC object")
        if "error" in response:
            error = response["error"] or {}
            raise McpError(f"JSON-RPC error {error.get('code')}: {error.get('message')}")
        return response.get("result")


class Stream:
    """An open standalone SSE stream; iterate it for decoded JSON-RPC messages."""

    def __init__(self, conn: Any, answer: Any, last_event_id: str | None) -> None:
        self._conn = conn
        self._answer = answer
        self._parser = sse.SseParser()
        self._parser.last_event_id = last_event_id

    @property
    def last_event_id(self) -> str | None:
        return self._parser.last_event_id

    def messages(self) -> Iterator[dict]:
        """Yields each message until the stream ends; raises http.TransportError on a broken read."""
        try:
            while True:
                line = self._answer.readline()
                if not line:
                    return
                event = self._parser.feed_line(line)
                if event is None or not event.data:
                    continue
                try:
                    message = json.loads(event.data)
                except ValueError:
                    continue
                if isinstance(message, dict):
                    yield message
        except (OSError, ValueError, AttributeError) as error:
            # ValueError/AttributeError: http.client raises these when the socket is closed under it
            raise http.TransportError(f"stream read failed: {type(error).__name__}: {error}") from error
        except Exception as error:
            raise http.TransportError(f"stream read failed: {type(error).__name__}: {error}") from error

    def close(self) -> None:
        http.abort(self._conn)
