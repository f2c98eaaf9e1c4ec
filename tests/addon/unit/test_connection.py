"""The addon's MCP client against the real server binary (contract 9.5, 9.6): registration,
dispatch round trips, session loss, a cut connection, token refresh and refusal.

running_client.Running pumps the client's queue on a test thread in place of Blender's main thread.
"""
from __future__ import annotations

import threading
import time
import urllib.parse
from typing import Iterator

import pytest

from ..raw_mcp import RawSession, login
from ..tcp_proxy import TcpProxy
from .running_client import WAIT, Running, tokens_of, wait_for
from blender_mcp.net import auth
from blender_mcp.net.connection import AUTH_FAILED


@pytest.fixture
def demo(server) -> Iterator[tuple[RawSession, dict]]:
    tokens = login(server.base_url)
    session = RawSession(server.base_url, tokens["access_token"])
    yield session, tokens
    session.close()


def test_it_registers_as_a_persistent_blender_client_and_unregisters_on_stop(server, demo):
    raw, answer = demo
    with Running(server.base_url, tokens_of(answer), "blender-unit-a") as running:
        assert running.client.connection.registered.wait(WAIT)
        info = raw.clients()["blender-unit-a"]
        assert (info["client_type"], info["is_persistent"], info["online"]) == ("blender", True, True)
        assert info["capabilities"] == ["python_execution", "modeling", "rendering", "scene_management",
                                        "asset_processing"]
    assert "blender-unit-a" not in raw.clients()


def test_a_dispatch_tool_call_round_trips_through_the_pump(server, demo):
    raw, answer = demo
    with Running(server.base_url, tokens_of(answer), "blender-unit-b") as running:
        assert running.client.connection.registered.wait(WAIT)
        envelope = raw.call("blender_get_scene_info", {"target_uuid": "blender-unit-b", "_timeout": 15})
        assert envelope["status"] == "completed", envelope
        assert envelope["result"] == '{"name": "Scene", "object_count": 1}'


def test_a_lost_mcp_session_is_initialized_again_and_registered_again(server, demo):
    raw, answer = demo
    with Running(server.base_url, tokens_of(answer), "blender-unit-c") as running:
        connection = running.client.connection
        assert connection.registered.wait(WAIT)
        first_session = connection.session_id
        assert raw.delete_session(first_session) == 200
        wait_for(lambda: connection.registrations >= 2 and connection.registered.is_set(), what="re-registration")
        assert connection.session_id != first_session
        envelope = raw.call("blender_get_scene_info", {"target_uuid": "blender-unit-c", "_timeout": 15})
        assert envelope["status"] == "completed", envelope


def test_a_reply_that_cannot_be_sent_waits_in_the_outbox_until_the_connection_is_back(server, demo):
    raw, answer = demo
    proxy = TcpProxy("127.0.0.1", urllib.parse.urlsplit(server.base_url).port)
    try:
        with Running(proxy.url, tokens_of(answer), "blender-unit-d", pumping=False) as running:
            client = running.client
            assert client.connection.registered.wait(WAIT)
            results: list = []
            caller = threading.Thread(target=lambda: results.append(
                raw.call("blender_get_scene_info", {"target_uuid": "blender-unit-d", "_timeout": 30})))
            caller.start()
            wait_for(lambda: len(client.queue) == 1, what="the job to be queued")
            proxy.cut(block=True)
            running.pumping.set()
            wait_for(lambda: running.calls == ["get_scene_info"], what="the job to run")
            time.sleep(0.5)  # replies cannot leave while the proxy refuses connections
            assert len(client.outbox) >= 1 and not results
            proxy.unblock()
            caller.join(WAIT)
            assert results and results[0]["status"] == "completed", results
            assert running.calls == ["get_scene_info"]
    finally:
        proxy.close()


def test_tokens_close_to_expiry_are_refreshed_before_connecting(server, demo):
    _, answer = demo
    near_expiry = auth.Tokens(answer["access_token"], answer["refresh_token"], time.time() + 30)
    with Running(server.base_url, near_expiry, "blender-unit-e") as running:
        assert running.client.connection.registered.wait(WAIT)
        wait_for(lambda: running.new_tokens, what="the tokens callback")
        fresh = running.new_tokens[0]
        assert fresh.refresh_token != answer["refresh_token"] and fresh.expires_at > time.time() + 600


def test_a_refused_refresh_logs_in_again_when_a_password_is_known(server, demo):
    _, answer = demo
    stale = auth.Tokens(answer["access_token"], "not-a-refresh-token", time.time() + 30)
    with Running(server.base_url, stale, "blender-unit-f", password="demo") as running:
        assert running.client.connection.registered.wait(WAIT)
        assert running.new_tokens and running.client.connection.fatal_error is None


def test_a_refused_token_with_no_way_to_refresh_stops_the_client_with_the_contract_message(server):
    bogus = auth.Tokens("not.a.token", "not-a-refresh-token", None)
    with Running(server.base_url, bogus, "blender-unit-g") as running:
        assert running.client.connection.finished.wait(WAIT)
        assert running.client.connection.fatal_error == AUTH_FAILED
        assert not running.client.connection.ever_registered.is_set()


def test_login_refresh_and_logout_against_the_server(server):
    tokens = auth.login(server.base_url, "demo", "demo")
    assert tokens.expires_at and tokens.expires_at > time.time() + 600
    refreshed = auth.refresh(server.base_url, tokens.refresh_token)
    assert refreshed.refresh_token != tokens.refresh_token
    with pytest.raises(auth.AuthError) as refused:
        auth.refresh(server.base_url, tokens.refresh_token)  # rotated: the old one is dead
    assert refused.value.status == 401
    auth.logout(server.base_url, refreshed.access_token)
    with pytest.raises(auth.AuthError):
        auth.refresh(server.base_url, refreshed.refresh_token)
    with pytest.raises(auth.AuthError) as wrong:
        auth.login(server.base_url, "demo", "wrong")
    assert str(wrong.value) == "Invalid credentials"


def test_a_reply_over_the_servers_record_limit_reaches_the_caller_as_a_failure_saying_why(server, demo):
    raw, answer = demo
    with Running(server.base_url, tokens_of(answer), "blender-unit-big") as running:
        assert running.client.connection.registered.wait(WAIT)
        registered = raw.call("blender_register_client", {"client_uuid": "llm-big-caller", "client_type": "llm"})
        assert registered["status"] == "ok", registered
        sent = raw.call("blender_send_message", {
            "target_uuid": "blender-unit-big", "from_uuid": "llm-big-caller",
            "payload": {"message_type": "job_dispatch", "job_id": "job-big-output",
                        # Under the add-on's 1,000,000-character cap, but each control character
                        # is six bytes of JSON (\\u0001): about 5.4 MB on the wire.
                        "script": "print(chr(1) * 900000)"}})
        assert sent["status"] == "ok", sent

        def settled():
            job = raw.call("blender_get_job", {"job_id": "job-big-output"})
            return job if job.get("job", {}).get("state") in ("completed", "failed") else None

        wait_for(settled, what="the job to settle")
        job = settled()["job"]
        assert job["state"] == "failed", job
        assert "too large" in job["error"] and "max_record_bytes" in job["error"], job
        raw.call("blender_unregister_client", {"client_uuid": "llm-big-caller"})


def test_a_stream_that_broke_before_any_event_reopens_from_before_the_first_event(server, demo):
    """Without an event id the reopen still resumes (Last-Event-ID 0): a record the server wrote
    into the broken stream before the add-on read it is sent again instead of taken as delivered."""
    _, answer = demo
    proxy = TcpProxy("127.0.0.1", urllib.parse.urlsplit(server.base_url).port)
    try:
        with Running(proxy.url, tokens_of(answer), "blender-unit-resume") as running:
            connection = running.client.connection
            assert connection.registered.wait(WAIT)
            wait_for(lambda: connection.link().phase == "connected", what="connected")
            assert connection._last_event_id is None  # no event yet: the case under test
            session = connection._session
            reopened_with: list[str | None] = []
            original = session.open_stream

            def recording_open(last_event_id):
                reopened_with.append(last_event_id)
                return original(last_event_id)

            session.open_stream = recording_open
            proxy.cut()
            wait_for(lambda: reopened_with and connection.link().phase == "connected", what="stream reopened")
            assert reopened_with[0] == "0"
    finally:
        proxy.close()


def test_wait_quiet_holds_a_command_until_the_jobs_updates_are_sent_and_the_control_thread_sleeps(server, demo):
    raw, answer = demo
    proxy = TcpProxy("127.0.0.1", urllib.parse.urlsplit(server.base_url).port)
    try:
        with Running(proxy.url, tokens_of(answer), "blender-unit-q") as running:
            connection = running.client.connection
            assert connection.registered.wait(WAIT)
            assert connection.wait_quiet(WAIT)  # connected, nothing to send
            proxy.cut(block=True)
            connection.outbox.put("blender_job_update", {"job_id": "j-quiet", "status": "running"})
            started = time.monotonic()
            assert not connection.wait_quiet(0.5)  # the update cannot leave
            assert 0.4 < time.monotonic() - started < 5
            proxy.unblock()
            assert connection.wait_quiet(WAIT)  # sent once the server is reachable again
            assert len(connection.outbox) == 0
    finally:
        proxy.close()


def test_quiet_network_asks_the_live_client_and_is_true_without_one():
    from blender_mcp import job_context

    asked: list[float] = []
    job_context.install_network_quiet(lambda timeout: asked.append(timeout) or False)
    try:
        assert job_context.quiet_network(0.25) is False
        assert asked == [0.25]
    finally:
        job_context.install_network_quiet(None)
    assert job_context.quiet_network() is True
