"""The MCP Inspector CLI (@modelcontextprotocol/inspector 2.12.0, `npx inspector --cli`).

The CLI is one-shot: each invocation connects, initializes, runs one method and disconnects.
So tools/list, tools/call and logging/setLevel are separate invocations on separate MCP
sessions. The level set by logging/setLevel belongs to that invocation's session only, and the
CLI prints only the method's result, so log notifications sent during a later tools/call are
not observable here; the test checks that each method succeeds and what it returns.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from interop.common import NODE22, NODE_DIR, SIMPLE_TEXT, check_tool_listing, require, run_json


@pytest.fixture(scope="module")
def inspector_home():
    with tempfile.TemporaryDirectory(prefix="bmcp-inspector-") as home:
        yield Path(home)


def inspector(server, token: str, home: Path, *method_args: str) -> dict:
    env = dict(os.environ)
    env.update({
        "HOME": str(home),  # the CLI writes ~/.mcp-inspector; keep it out of the real home
        "MCP_CATALOG_PATH": str(home / "catalog"),
        "PATH": f"{require(NODE22).parent}{os.pathsep}{env.get('PATH', '')}",  # Node 22 for the CLI
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "NO_COLOR": "1",
    })
    cmd = ["npx", "--no", "--", "inspector", "--cli", server.mcp_url, "--transport", "http",
           "--header", f"Authorization: Bearer {token}", *method_args]
    rc, doc, detail = run_json(cmd, env=env, cwd=NODE_DIR, timeout=60)
    assert rc == 0 and isinstance(doc, dict), detail
    return doc


def test_inspector_cli_lists_tools(server, token, inspector_home):
    doc = inspector(server, token, inspector_home, "--method", "tools/list")
    check_tool_listing(doc["tools"])


def test_inspector_cli_calls_the_simple_text_tool(server, token, inspector_home):
    doc = inspector(server, token, inspector_home, "--method", "tools/call", "--tool-name", "test_simple_text")
    assert [c["text"] for c in doc["content"] if c["type"] == "text"] == [SIMPLE_TEXT]
    assert not doc.get("isError", False)


def test_inspector_cli_sets_the_log_level(server, token, inspector_home):
    doc = inspector(server, token, inspector_home, "--method", "logging/setLevel", "--log-level", "debug")
    assert doc == {}


def test_inspector_cli_calls_the_logging_tool(server, token, inspector_home):
    # Notifications sent during the call are not printed by the one-shot CLI (see above).
    doc = inspector(server, token, inspector_home, "--method", "tools/call",
                    "--tool-name", "test_tool_with_logging")
    assert [c for c in doc["content"] if c["type"] == "text"]
    assert not doc.get("isError", False)
