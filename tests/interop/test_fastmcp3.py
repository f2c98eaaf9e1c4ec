"""A fastmcp 3.x client (the user guide's era), run in .venv-fastmcp3 through a subprocess."""
from __future__ import annotations

import os
from pathlib import Path

from interop.common import (FASTMCP3_PYTHON, SIMPLE_TEXT, check_log_messages, check_session_ended,
                              check_tool_listing, require, run_json)

CLIENT = Path(__file__).resolve().parent / "fastmcp_client.py"


def test_fastmcp3_client_runs_a_whole_session(server, token):
    env = dict(os.environ, BMCP_TOKEN=token)
    rc, report, detail = run_json([str(require(FASTMCP3_PYTHON)), str(CLIENT), server.mcp_url], env=env)
    assert rc == 0 and report, detail

    assert report["fastmcp_version"].startswith("3."), report["fastmcp_version"]
    assert report["protocol_version"] == "2025-11-25"
    assert report["server_name"] == "BlenderMCP"
    check_tool_listing(report["tools"])
    assert report["simple_text"] == [SIMPLE_TEXT]
    assert report["logging_tool_text"]
    check_log_messages(report["log_messages"])
    check_session_ended(server, token, report["session_id"])


def test_fastmcp3_client_without_a_token_is_refused_with_401(server):
    env = {k: v for k, v in os.environ.items() if k != "BMCP_TOKEN"}
    rc, report, detail = run_json([str(require(FASTMCP3_PYTHON)), str(CLIENT), server.mcp_url, "--no-auth"],
                                  env=env)
    assert rc == 0 and report, detail
    assert report["raised"], "connecting without Authorization succeeded"
    assert report["statuses"] and set(report["statuses"]) == {401}, report
