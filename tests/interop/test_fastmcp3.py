"""A fastmcp 3.x client (the user guide's era), run in .venv-fastmcp3 through a subprocess."""
from __future__ import annotations

import os
from pathlib import Path

from interop.common import (FASTMCP3_PYTHON, check_fastmcp_session_report, check_refused_with_401,
                            require, run_json)

CLIENT = Path(__file__).resolve().parent / "fastmcp_client.py"


def test_fastmcp3_client_runs_a_whole_session(server, token):
    env = dict(os.environ, BMCP_TOKEN=token)
    rc, report, detail = run_json([str(require(FASTMCP3_PYTHON)), str(CLIENT), server.mcp_url], env=env)
    assert rc == 0 and report, detail
    check_fastmcp_session_report(report, "3", server, token)


def test_fastmcp3_client_without_a_token_is_refused_with_401(server):
    env = {k: v for k, v in os.environ.items() if k != "BMCP_TOKEN"}
    rc, report, detail = run_json([str(require(FASTMCP3_PYTHON)), str(CLIENT), server.mcp_url, "--no-auth"],
                                  env=env)
    assert rc == 0 and report, detail
    check_refused_with_401(report)
