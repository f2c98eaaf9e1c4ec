"""The newest fastmcp client, in the test process, with the user guide's code."""
from __future__ import annotations

import asyncio

import pytest
import requests

from interop.common import SIMPLE_TEXT, check_log_messages, check_session_ended, check_tool_listing
from interop.fastmcp_client import session, unauthenticated

# Logging is deprecated in a future protocol revision; this server speaks 2025-11-25.
pytestmark = pytest.mark.filterwarnings("ignore:The logging capability is deprecated")


def test_fastmcp_client_runs_a_whole_session(server, token):
    report = asyncio.run(asyncio.wait_for(session(server.mcp_url, token), timeout=60))

    assert report["fastmcp_version"].startswith("4."), report["fastmcp_version"]
    assert report["protocol_version"] == "2025-11-25"
    assert report["server_name"] == "BlenderMCP"
    check_tool_listing(report["tools"])
    assert report["simple_text"] == [SIMPLE_TEXT]
    assert report["logging_tool_text"]
    check_log_messages(report["log_messages"])
    # Leaving `async with Client(...)` ended the MCP session (DELETE).
    check_session_ended(server, token, report["session_id"])


def test_fastmcp_client_without_a_token_is_refused_with_401(server):
    report = asyncio.run(asyncio.wait_for(unauthenticated(server.mcp_url), timeout=60))

    assert report["raised"], "connecting without Authorization succeeded"
    assert report["statuses"] and set(report["statuses"]) == {401}, report


def test_mcp_endpoint_without_a_token_answers_401_with_bearer_challenge(server):
    r = requests.post(server.mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                            "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                                                       "clientInfo": {"name": "t", "version": "0"}}},
                      headers={"Accept": "application/json, text/event-stream"}, timeout=10)
    assert r.status_code == 401
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert r.json() == {"detail": "Bearer token required"}
