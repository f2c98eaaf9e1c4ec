"""Contract §4.5 and §4.6: GET /mcp — the standalone SSE stream."""
from __future__ import annotations

import json
import time

import pytest

from blackbox.checks import SESSION_NOT_FOUND_BODY, assert_detail
from blackbox.wire import JSON, SSE, login_ok


@pytest.fixture
def streams():
    """Opened streams are closed after the test, whatever happened."""
    opened = []

    def track(stream):
        opened.append(stream)
        return stream

    yield track
    for stream in opened:
        stream.close()


@pytest.mark.parametrize("accept", [JSON, None, "text/html"])
def test_a_get_without_sse_in_accept_is_406(session, accept):
    reply = session.mcp.get(session=session.id, accept=accept)
    assert_detail(reply, 406, "Accept must include text/event-stream")
    assert session.result("ping") == {}


@pytest.mark.parametrize("accept", [SSE, "application/json, text/event-stream"])
def test_a_get_accepting_sse_opens_the_standalone_stream(session, streams, accept):
    stream = streams(session.stream(accept=accept))
    assert stream.status == 200
    assert stream.headers.get("content-type", "").split(";")[0] == SSE
    assert not stream.ended.is_set()
    assert session.result("ping") == {}, "POSTs keep working while the stream is open"


def test_a_new_get_replaces_the_previous_stream(session, streams):
    first = streams(session.stream())
    assert first.status == 200
    second = streams(session.stream())
    assert second.status == 200
    assert first.wait_ended(10), "the replaced stream must be closed by the server"
    assert not second.ended.is_set()


def test_delete_closes_the_open_stream(mcp, streams):
    session = mcp.initialize()
    stream = streams(session.stream())
    assert stream.status == 200
    assert session.delete().status == 200
    assert stream.wait_ended(10)


def test_a_get_on_an_unknown_session_is_404(mcp, streams):
    stream = streams(mcp.stream("f" * 32))
    assert stream.status == 404
    assert stream.json_body() == SESSION_NOT_FOUND_BODY


def test_a_get_with_a_refresh_token_is_401(server, http, new_user, mcp_for, streams):
    tokens = login_ok(http, *new_user(server))
    session = mcp_for(server, tokens.access).initialize()
    stream = streams(mcp_for(server, tokens.refresh).stream(session.id))
    assert stream.status == 401
    assert stream.json_body() == {"detail": "Not an access token"}
    assert stream.headers.get("www-authenticate", "").startswith("Bearer")


def test_the_standalone_stream_writes_keepalive_comments(spawn, http_for, mcp_for, streams):
    # The interval is 15 s by default; BLENDER_MCP_KEEPALIVE_SECONDS shortens it for this test.
    srv = spawn(env={"BLENDER_MCP_KEEPALIVE_SECONDS": "1"})
    session = mcp_for(srv, login_ok(http_for(srv)).access).initialize()
    stream = streams(session.stream())
    assert stream.status == 200
    opened = time.monotonic()
    assert stream.wait_for(lambda s: len(s.comments) >= 3, timeout=10), stream.raw
    elapsed = time.monotonic() - opened
    assert 2.0 <= elapsed < 6.0, f"three keep-alives at a 1 s interval took {elapsed:.1f} s"
    assert set(stream.comments) == {": keepalive"}, stream.comments
    assert stream.events == [] and not stream.ended.is_set()
    assert session.result("ping") == {}


def test_bus_records_arrive_on_the_standalone_stream_as_numbered_message_events(fresh_server, http_for, mcp_for,
                                                                              streams):
    session = mcp_for(fresh_server, login_ok(http_for(fresh_server)).access).initialize()
    registered = session.tool("blender_register_client", {"client_uuid": "llm-blackbox-2", "client_type": "llm"})
    assert registered["isError"] is False, registered
    stream = streams(session.stream())
    assert stream.status == 200
    for n in range(2):
        sent = session.tool("blender_send_message", {"target_uuid": "llm-blackbox-2", "priority": "warning",
                                                     "payload": {"n": n}})
        assert json.loads(sent["content"][0]["text"])["status"] == "ok", sent
    assert stream.wait_for(lambda s: len(s.parser.events) >= 2, timeout=10), stream.raw
    events = stream.events[:2]
    assert [e.id for e in events] == ["1", "2"]
    for n, event in enumerate(events):
        assert event.event == "message"
        message = event.json()
        assert message["method"] == "notifications/message" and "id" not in message
        assert message["params"]["logger"] == "_message_bus"
        data = message["params"]["data"]
        data = json.loads(data) if isinstance(data, str) else data
        assert data["payload"] == {"n": n}


def test_a_listen_only_session_survives_reconnecting_its_stream_after_the_idle_limit(spawn, http_for, mcp_for,
                                                                                     streams):
    # Found by the soak run: a session that only listens (one request, then its GET stream) was
    # ended as idle in the moment between closing its stream and reopening it, once its last
    # request was older than the idle limit; the idle time now counts from when the stream went
    # away. With a 2 s limit: the stream is held for 3 s, then closed for 1.2 s (a sweep runs in
    # that gap), then reopened: the session is still there and the record reaches the new stream.
    srv = spawn(env={"BLENDER_MCP_SESSION_IDLE_SECONDS": "2"})
    session = mcp_for(srv, login_ok(http_for(srv)).access).initialize()
    registered = session.tool("blender_register_client", {"client_uuid": "llm-listener", "client_type": "llm"})
    assert registered["isError"] is False, registered
    assert session.result("logging/setLevel", {"level": "debug"}) == {}
    first = session.stream()
    assert first.status == 200
    time.sleep(3)
    assert not first.ended.is_set(), "an open stream keeps the session"
    first.close()
    time.sleep(1.2)
    again = streams(session.stream())
    assert again.status == 200, again.raw[-300:]
    sent = session.tool("blender_send_message", {"payload": {"n": 1}, "target_uuid": "llm-listener"})
    assert sent["isError"] is False, sent
    assert again.wait_for(lambda s: any('"n":1' in e.data for e in s.events), timeout=5), again.raw[-500:]


def test_after_many_quick_stream_takeovers_the_newest_stream_stays_attached(spawn, http_for, mcp_for, streams):
    # 300 quick takeovers (each previous stream closed by the client too, as a reconnecting client
    # does) leave the last stream attached: the session outlives a 2 s idle limit and the record
    # reaches that stream. Replaced streams' callbacks name their sink by a weak reference, so a
    # replaced stream closing late cannot detach a later one.
    srv = spawn(env={"BLENDER_MCP_SESSION_IDLE_SECONDS": "2"})
    session = mcp_for(srv, login_ok(http_for(srv)).access).initialize()
    registered = session.tool("blender_register_client", {"client_uuid": "llm-takeovers", "client_type": "llm"})
    assert registered["isError"] is False, registered
    assert session.result("logging/setLevel", {"level": "debug"}) == {}
    previous = None
    for _ in range(300):
        current = session.stream()
        assert current.status == 200
        if previous is not None:
            previous.close()
        previous = current
    last = streams(previous)
    time.sleep(4.5)  # past the idle limit and a sweep
    assert not last.ended.is_set(), "the session was ended as idle although its stream was open"
    sent = session.tool("blender_send_message", {"payload": {"n": 1}, "target_uuid": "llm-takeovers"})
    assert sent["isError"] is False, sent
    assert last.wait_for(lambda s: any('"n":1' in e.data for e in s.events), timeout=5), last.raw[-500:]
