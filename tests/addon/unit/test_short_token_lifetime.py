"""The addon's client against a server issuing one-minute access tokens
(ACCESS_TOKEN_EXPIRE_MINUTES=1, contract 11): a refresh while connected keeps the MCP session and
its registration and the new token is the one used afterwards; a token the server refuses in the
middle of a session (the addon believed it good for an hour) gets exactly one refresh and the
session goes on.

Both clients start together and the tests wait, once, until the first tokens have expired.
"""
from __future__ import annotations

import shutil
import time
from typing import Iterator

import pytest

from ..raw_mcp import RawSession, login
from .running_client import WAIT, Running, tokens_of, wait_for
from blender_mcp.net import auth
from support.server_process import ServerProcess, start_server

TOKEN_MINUTES = 1
REFUSED = "the server refused the access token"


@pytest.fixture(scope="module")
def short_lived_server() -> Iterator[ServerProcess]:
    proc = start_server(env={"ACCESS_TOKEN_EXPIRE_MINUTES": str(TOKEN_MINUTES)})
    try:
        yield proc
    finally:
        proc.stop()
        shutil.rmtree(proc.data_dir, ignore_errors=True)


class Pair:
    """Two connected clients whose first access tokens expire at `first_expiry` (Unix time)."""

    def __init__(self, base_url: str) -> None:
        on_time = login(base_url)
        assert on_time["expires_in"] == TOKEN_MINUTES * 60, on_time
        believed_long = login(base_url)
        self.first_expiry = max(auth.jwt_expiry(on_time["access_token"]),
                                auth.jwt_expiry(believed_long["access_token"]))
        # Knows the real expiry: refreshes half way through the minute.
        self.on_time = Running(base_url, tokens_of(on_time), "blender-short-a")
        # Believes its token lasts an hour (say a stale jwt_expires_at): meets a 401 first.
        self.believed_long = Running(base_url, auth.Tokens(believed_long["access_token"],
                                                           believed_long["refresh_token"],
                                                           time.time() + 3600, 3600.0), "blender-short-b")
        for running in (self.on_time, self.believed_long):
            running.start()
        for running in (self.on_time, self.believed_long):
            assert running.client.connection.registered.wait(WAIT), running.logs
        self.sessions = {r.client.client_uuid: r.client.connection.session_id
                         for r in (self.on_time, self.believed_long)}

    def wait_past_first_expiry(self) -> None:
        remaining = self.first_expiry + 2.0 - time.time()
        if remaining > 0:
            time.sleep(remaining)

    def stop(self) -> None:
        for running in (self.on_time, self.believed_long):
            running.stop()


@pytest.fixture(scope="module")
def pair(short_lived_server) -> Iterator[Pair]:
    started = Pair(short_lived_server.base_url)
    try:
        yield started
    finally:
        started.stop()


def dispatch_scene_info(base_url: str, uuid: str) -> dict:
    session = RawSession(base_url, login(base_url)["access_token"])
    try:
        return session.call("blender_get_scene_info", {"target_uuid": uuid, "_timeout": 20})
    finally:
        session.close()


def test_the_refresh_margin_is_half_the_lifetime_of_short_tokens():
    assert auth.refresh_margin(auth.Tokens("a", "r", 0.0, 60.0)) == 30.0
    assert auth.refresh_margin(auth.Tokens("a", "r", 0.0, 1800.0)) == auth.REFRESH_MARGIN
    assert auth.refresh_margin(auth.Tokens("not.a.jwt", "r", 0.0)) == auth.REFRESH_MARGIN


def test_a_refresh_while_connected_keeps_the_session_and_the_new_token_is_used(short_lived_server, pair):
    running = pair.on_time
    connection = running.client.connection
    wait_for(lambda: running.new_tokens, timeout=TOKEN_MINUTES * 60, what="a refresh while connected")
    refreshed_at = time.time()
    assert refreshed_at < pair.first_expiry, "the refresh came only after the token had expired"
    # One refresh at half the lifetime, not a refresh loop.
    assert len(running.new_tokens) == 1
    assert running.new_tokens[0].lifetime == TOKEN_MINUTES * 60

    pair.wait_past_first_expiry()
    envelope = dispatch_scene_info(short_lived_server.base_url, "blender-short-a")
    assert envelope["status"] == "completed", envelope
    # The first token is dead by now, and nothing the client sent was refused: it used the new one.
    assert not [line for line in running.logs if REFUSED in line], running.logs
    assert connection.registrations == 1 and connection.session_id == pair.sessions["blender-short-a"]
    assert connection.fatal_error is None


def test_a_401_in_the_middle_of_a_session_gets_one_refresh_and_the_session_goes_on(short_lived_server, pair):
    running = pair.believed_long
    connection = running.client.connection
    pair.wait_past_first_expiry()
    envelope = dispatch_scene_info(short_lived_server.base_url, "blender-short-b")
    assert envelope["status"] == "completed", envelope
    assert running.calls == ["get_scene_info"]
    assert len([line for line in running.logs if REFUSED in line]) == 1, running.logs
    assert len(running.new_tokens) == 1
    assert connection.registrations == 1 and connection.session_id == pair.sessions["blender-short-b"]
    assert connection.fatal_error is None
