"""The `mcp` Python SDK's own Streamable HTTP client (the version fastmcp accepts, in .venv)."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client

from interop.common import SIMPLE_TEXT, check_log_messages, check_session_ended, check_tool_listing

# Logging is deprecated in a future protocol revision; this server speaks 2025-11-25.
pytestmark = pytest.mark.filterwarnings("ignore:The logging capability is deprecated")


def _field(obj: Any, *names: str) -> Any:
    """The first of `names` that `obj` has (mcp 2.x renamed camelCase fields to snake_case)."""
    for name in names:
        if name in getattr(type(obj), "model_fields", {}):
            return getattr(obj, name)
    return getattr(obj, names[-1])


async def _session(url: str, token: str) -> dict[str, Any]:
    report: dict[str, Any] = {"log_messages": [], "session_ids": []}

    async def on_log(params: Any) -> None:
        report["log_messages"].append({"level": params.level, "logger": params.logger, "data": params.data})

    async def capture_session_id(response: Any) -> None:
        sid = response.headers.get("mcp-session-id")
        if sid and sid not in report["session_ids"]:
            report["session_ids"].append(sid)

    async with create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}) as http:
        http.event_hooks["response"].append(capture_session_id)
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write, logging_callback=on_log, read_timeout_seconds=30) as s:
                init = await s.initialize()
                report["protocol_version"] = _field(init, "protocol_version", "protocolVersion")
                report["server_name"] = _field(init, "server_info", "serverInfo").name
                listed = await s.list_tools()
                report["tools"] = [{"name": t.name, "description": t.description,
                                    "inputSchema": _field(t, "input_schema", "inputSchema")} for t in listed.tools]
                result = await s.call_tool("test_simple_text", {})
                report["simple_text"] = [c.text for c in result.content if c.type == "text"]
                report["simple_is_error"] = _field(result, "is_error", "isError")
                await s.set_logging_level("debug")
                result = await s.call_tool("test_tool_with_logging", {})
                report["logging_tool_text"] = [c.text for c in result.content if c.type == "text"]
                for _ in range(50):  # the callback may run just after the response; bounded wait
                    if report["log_messages"]:
                        break
                    await asyncio.sleep(0.02)
        # Leaving streamable_http_client (terminate_on_close=True) sent DELETE.
    return report


def test_mcp_sdk_client_runs_a_whole_session(server, token):
    report = asyncio.run(asyncio.wait_for(_session(server.mcp_url, token), timeout=60))

    assert report["protocol_version"] == "2025-11-25"
    assert report["server_name"] == "BlenderMCP"
    check_tool_listing(report["tools"])
    assert report["simple_text"] == [SIMPLE_TEXT]
    assert not report["simple_is_error"]
    assert report["logging_tool_text"]
    check_log_messages(report["log_messages"])
    assert len(report["session_ids"]) == 1, report["session_ids"]
    check_session_ended(server, token, report["session_ids"][0])
