"""The official TypeScript SDK client (@modelcontextprotocol/sdk 1.32.2, tests/node/sdk_client.mjs)."""
from __future__ import annotations

import os

from interop.common import (NODE22, NODE_DIR, SIMPLE_TEXT, check_log_messages, check_session_ended,
                              check_tool_listing, require, run_json)


def test_typescript_sdk_client_runs_a_whole_session(server, token):
    env = dict(os.environ, BMCP_TOKEN=token)
    rc, report, detail = run_json([str(require(NODE22)), str(NODE_DIR / "sdk_client.mjs"), server.mcp_url],
                                  env=env, cwd=NODE_DIR)
    assert rc == 0 and report and "error" not in report, detail

    assert report["protocol_version"] == "2025-11-25"
    assert report["server"]["name"] == "BlenderMCP"
    assert "logging" in report["capabilities"]
    check_tool_listing(report["tools"])
    assert report["simple_text"] == [SIMPLE_TEXT]
    assert report["set_level_result"] == {}
    assert report["logging_tool_text"], detail
    check_log_messages(report["log_messages"])
    # terminateSession() sent DELETE and forgot the id; the server forgot it too.
    assert report["session_id_after_terminate"] is None
    check_session_ended(server, token, report["session_id"])
