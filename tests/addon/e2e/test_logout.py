"""The Logout operator (contract 9.4, 9.5) in real Blender (`blender -b`): it disconnects (the client
leaves the bus), revokes the user's refresh tokens on the server, clears the stored tokens and the
panel's connection state, and still clears them when the server cannot be reached."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import requests

from ..paths import ADDON_DIR
from .blender_worker import BLENDER, blender_environment, bus_clients, hard_limited

SCRIPT = Path(__file__).with_name("logout_scenario.py")
UUID = "blender-logout01"
MARKER = "BLENDER_MCP_LOGOUT "
BLENDER_TIMEOUT = 90
EMPTY = {"jwt_token": "", "refresh_token": "", "jwt_expires_at": ""}


@pytest.fixture(scope="module")
def facts(server) -> dict:
    args = [BLENDER, "-b", "--factory-startup", "--python-exit-code", "1", "--python", str(SCRIPT),
            "--", str(ADDON_DIR), server.base_url, UUID]
    done = subprocess.run(hard_limited(args, BLENDER_TIMEOUT),
                          env=blender_environment(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=BLENDER_TIMEOUT)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    assert done.returncode == 0 and len(lines) == 1, \
        f"Blender exited with {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return json.loads(lines[0][len(MARKER):])


def refresh_status(base_url: str, refresh_token: str) -> int:
    return requests.post(f"{base_url}/auth/refresh", json={"refresh_token": refresh_token}, timeout=10).status_code


def test_logout_disconnects_and_clears_the_tokens_and_the_panel(facts, server, token):
    assert facts["login"] == ["FINISHED"] and facts["password_after_login"] == ""
    assert facts["connect"] == ["FINISHED"] and facts["connected"] is True
    assert facts["panel_while_connected"] == {"running": True, "client_id": UUID}

    assert facts["logout"] == ["FINISHED"]
    assert facts["active_after_logout"] is False and facts["connection_finished"] is True
    assert facts["stored_after_logout"] == EMPTY
    assert facts["panel_after_logout"] == {"running": False, "client_id": ""}
    assert facts["connect_without_token"] == "Error: No token stored: Login first"
    listing = bus_clients(server.base_url, token)
    assert UUID not in [c["uuid"] for c in listing["persistent"] + listing["ephemeral"]]


def test_logout_revokes_the_refresh_token_on_the_server(facts, server):
    assert facts["refresh_token_before"]
    assert refresh_status(server.base_url, facts["refresh_token_before"]) == 401


def test_logout_clears_the_tokens_even_when_the_server_cannot_be_reached(facts, server):
    assert facts["second_login"] == ["FINISHED"]
    assert facts["logout_unreachable"] == ["FINISHED"]
    assert facts["stored_after_unreachable_logout"] == EMPTY
    assert facts["logout_unreachable_seconds"] < 10  # no hang on a refused connection
    assert facts["logout_with_nothing_stored"] == ["FINISHED"]
    # The server never heard of this logout, so the second login's refresh token still works.
    assert refresh_status(server.base_url, facts["second_refresh_token"]) == 200
