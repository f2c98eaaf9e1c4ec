"""The newest fastmcp client, in the test process, with the user guide's code."""
from __future__ import annotations

import asyncio

import pytest
import requests

from interop.common import check_fastmcp_session_report, check_refused_with_401
from interop.fastmcp_client import session, unauthenticated

# Logging is deprecated in a future protocol revision; this server speaks 2025-11-25.
pytestmark = pytest.mark.filterwarnings("ignore:The logging capability is deprecated")


def test_fastmcp_client_runs_a_whole_session(server, token):
    report = asyncio.run(asyncio.wait_for(session(server.mcp_url, token), timeout=60))
    check_fastmcp_session_report(report, "4", server, token)


def test_fastmcp_client_without_a_token_is_refused_with_401(server):
    report = asyncio.run(asyncio.wait_for(unauthenticated(server.mcp_url), timeout=60))
    check_refused_with_401(report)


def test_mcp_endpoint_without_a_token_answers_401_with_bearer_challenge(server):
    r = requests.post(server.mcp_url, json={"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                            "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                                                       "clientInfo": {"name": "t", "version": "0"}}},
                      headers={"Accept": "application/json, text/event-stream"}, timeout=10)
    assert r.status_code == 401
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert r.json() == {"detail": "Bearer token required"}
