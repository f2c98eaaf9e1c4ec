"""A fastmcp client session against blender-mcp, written the way the user guide writes one.

Used in two ways:
* imported by test_fastmcp.py and run in the test process (the newest fastmcp, in .venv);
* run as a script by test_fastmcp3.py under .venv-fastmcp3 (a fastmcp 3.x of the guide's era):
  `python fastmcp_client.py MCP_URL [--no-auth]` with the token in BMCP_TOKEN; prints one
  JSON object.

It opens `StreamableHttpTransport(url, headers={"Authorization": "Bearer <token>"})`, lists the
tools, calls `test_simple_text`, sets the log level to debug, calls `test_tool_with_logging`
while a message handler (the guide's filter, minus the `_message_bus` logger check) collects
`notifications/message`, and leaves the `async with` block, which ends the MCP session
(DELETE). The result is a plain dict so that both ways report the same thing.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport


def _attr(obj: Any, *names: str) -> Any:
    """The first of `names` that `obj` has (mcp 2.x renamed camelCase fields to snake_case)."""
    for name in names:
        if name in getattr(type(obj), "model_fields", {}) or hasattr(type(obj), name):
            return getattr(obj, name)
    return getattr(obj, names[-1], None)


def _log_params(message: Any) -> dict | None:
    """The guide's handler logic: accept the message object or its `.root`."""
    inner = getattr(message, "root", message)
    if getattr(inner, "method", None) != "notifications/message":
        return None
    params = getattr(inner, "params", None)
    if params is None:
        return None

    def get(name: str) -> Any:
        value = getattr(params, name, None)
        if value is None and isinstance(params, dict):
            value = params.get(name)
        return value

    return {"level": get("level"), "logger": get("logger"), "data": get("data")}


async def session(url: str, token: str, timeout: float = 30.0) -> dict[str, Any]:
    import fastmcp

    report: dict[str, Any] = {"fastmcp_version": fastmcp.__version__, "log_messages": []}

    async def on_message(message: Any) -> None:
        params = _log_params(message)
        if params is not None:
            report["log_messages"].append(params)

    async def on_log(message: Any) -> None:
        # fastmcp's log handler (its default prints every record); only counted here.
        report["log_handler_calls"] += 1

    report["log_handler_calls"] = 0
    transport = StreamableHttpTransport(url=url, headers={"Authorization": f"Bearer {token}"})
    async with Client(transport, message_handler=on_message, log_handler=on_log, timeout=timeout) as client:
        report["session_id"] = transport.get_session_id()
        init = getattr(client, "initialize_result", None)
        if init is not None:
            report["protocol_version"] = _attr(init, "protocol_version", "protocolVersion")
            report["server_name"] = _attr(init, "server_info", "serverInfo").name
        tools = await client.list_tools()
        report["tools"] = [
            {"name": t.name, "description": t.description, "inputSchema": _attr(t, "input_schema", "inputSchema")} for t in tools
        ]
        raw = await client.call_tool("test_simple_text", {})
        report["simple_text"] = [c.text for c in raw.content if getattr(c, "type", "") == "text"]
        await client.set_logging_level("debug")
        raw = await client.call_tool("test_tool_with_logging", {})
        report["logging_tool_text"] = [c.text for c in raw.content if getattr(c, "type", "") == "text"]
        # Notifications sent during the call arrive before its response on the same stream,
        # but the handler may run a moment later; give it a short, bounded grace period.
        for _ in range(50):
            if report["log_messages"]:
                break
            await asyncio.sleep(0.02)
    return report


async def unauthenticated(url: str, timeout: float = 30.0) -> dict[str, Any]:
    """Connects with no Authorization header. Reports whether it raised and the HTTP statuses
    the client saw (an httpx event hook on the client fastmcp uses records them)."""
    import fastmcp.client.transports.http as http_transport

    httpx_module = getattr(http_transport, "httpx2", None) or http_transport.httpx  # 4.x / 3.x
    statuses: list[int] = []

    async def record(response: Any) -> None:
        statuses.append(response.status_code)

    def factory(headers: Any = None, timeout: Any = None, auth: Any = None, **kwargs: Any) -> Any:
        return httpx_module.AsyncClient(
            headers=headers, auth=auth, follow_redirects=kwargs.get("follow_redirects", True),
            timeout=timeout or httpx_module.Timeout(30.0, read=60.0),
            event_hooks={"response": [record]},
        )

    report: dict[str, Any] = {"raised": None, "statuses": statuses}
    transport = StreamableHttpTransport(url=url, httpx_client_factory=factory)
    try:
        async with Client(transport, timeout=timeout) as client:
            await client.list_tools()
    except Exception as exc:  # what fastmcp raises differs between versions
        report["raised"] = f"{type(exc).__name__}: {exc}"
    return report


def main() -> int:
    url = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--no-auth":
        report = asyncio.run(asyncio.wait_for(unauthenticated(url), timeout=60))
    else:
        report = asyncio.run(asyncio.wait_for(session(url, os.environ["BMCP_TOKEN"]), timeout=60))
    print(json.dumps(report, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
