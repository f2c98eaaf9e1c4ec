"""The shipped HAProxy config (deploy/haproxy.cfg) in front of a real three-node cluster (issue 13):
a session's requests stick to the node that created it, a node whose /health fails (it lost Redis)
leaves the rotation and comes back, and a node killed with SIGKILL is routed around.

HAProxy runs the shipped file with only its ports changed (tests/support/haproxy.py); it names the
node that answered in X-Served-By. Sessions are node-local in this slice: a session whose node died
is unknown (404) to the others and the client starts a new one.
"""
from __future__ import annotations

import time

from blackbox.bus_helpers import register
from blackbox.cluster_rig import NODE_IDS, rig_for  # noqa: F401
from blackbox.wire import Http, Mcp, Session, login_ok, rpc, wait_until
from support.haproxy import served_by

SESSIONS = 9  # three rounds of the round robin
RECORDS = 20


def initialize(mcp: Mcp):
    """A new session through the proxy: (session id, the node that created it)."""
    reply = mcp.initialize_reply()
    assert reply.status == 200, reply
    sid = reply.headers["mcp-session-id"]
    assert mcp.post(rpc("notifications/initialized", id=None), session=sid).status == 202
    return sid, served_by(reply)


def client(base_url: str) -> Mcp:
    http = Http(base_url)
    try:
        token = login_ok(http).access
    finally:
        http.close()
    return Mcp(base_url, token)


def test_every_request_of_a_session_goes_to_the_node_that_created_it(rig_for):
    rig = rig_for(haproxy=True)
    mcp = client(rig.proxy.base_url)
    sessions = [initialize(mcp) for _ in range(SESSIONS)]
    assert {node for _, node in sessions} == set(NODE_IDS), sessions  # new sessions are spread
    for sid, node in sessions:
        for method in ("ping", "tools/list", "ping"):
            reply = mcp.post(rpc(method, {}), session=sid)
            assert reply.status == 200 and "result" in reply.message, reply
            assert served_by(reply) == node, (sid, node, reply)
        stream = mcp.stream(sid)
        try:
            assert stream.status == 200, stream.raw
            assert stream.headers.get("x-served-by") == node, stream.headers
        finally:
            stream.close()
        reply = mcp.delete(sid)
        assert reply.status in (200, 204) and served_by(reply) == node, reply
    mcp.close()


def test_a_node_whose_health_fails_leaves_the_rotation_and_comes_back(rig_for):
    rig = rig_for(haproxy=True, redis_via_proxy=(1,))
    mcp = client(rig.proxy.base_url)
    direct = Http(rig.url(1))
    try:
        rig.redis_links[1].cut(block=True)  # node-2 alone loses Redis
        assert wait_until(lambda: direct.health().status == 503, timeout=10), direct.health()
        body = direct.health().json()
        assert body["status"] == "unavailable" and "redis" in body["detail"].lower(), body
        states = rig.proxy.wait_states({"node-2": "DOWN"})
        assert states["node-2"] == "DOWN" and states["node-1"] == states["node-3"] == "UP", states
        placed = [initialize(mcp)[1] for _ in range(SESSIONS)]
        assert set(placed) == {"node-1", "node-3"}, placed

        rig.redis_links[1].unblock()
        assert wait_until(lambda: direct.health().status == 200, timeout=15), direct.health()
        assert rig.proxy.wait_states({"node-2": "UP"})["node-2"] == "UP"
        placed = [initialize(mcp)[1] for _ in range(SESSIONS)]
        assert "node-2" in placed, placed
        assert rig.node(1).process.poll() is None
    finally:
        direct.close()
        mcp.close()


def test_a_killed_node_is_routed_around_and_its_sessions_go_on_elsewhere(rig_for):
    rig = rig_for(haproxy=True)
    mcp = client(rig.proxy.base_url)
    sessions = [initialize(mcp) for _ in range(6)]  # the round robin puts at least one on each node
    victim_sid = next(sid for sid, node in sessions if node == "node-2")
    survivors = [(sid, node) for sid, node in sessions if node != "node-2"]

    rig.kill(1)
    # At once (before the health checks noticed): the connection to node-2 fails, HAProxy
    # redispatches, and the node it reaches takes the session over from the shared directory:
    # the client sees no new session.
    reply = mcp.post(rpc("ping", {}), session=victim_sid)
    assert reply.status == 200, reply
    taken_over_by = served_by(reply)
    assert taken_over_by in ("node-1", "node-3"), reply
    # The other nodes' sessions are untouched.
    for sid, node in survivors:
        reply = mcp.post(rpc("ping", {}), session=sid)
        assert reply.status == 200 and served_by(reply) == node, reply

    assert rig.proxy.wait_states({"node-2": "DOWN"})["node-2"] == "DOWN"
    for _ in range(3):
        reply = mcp.post(rpc("tools/list", {}), session=victim_sid)
        assert reply.status == 200 and served_by(reply) in ("node-1", "node-3"), reply
    mcp.close()


def test_records_on_a_stream_through_haproxy_arrive_at_once(rig_for):
    """Server-sent events pass HAProxy without being held back (option http-no-delay): without it
    each record waited up to 200 ms in the proxy."""
    rig = rig_for(haproxy=True)
    mcp = client(rig.proxy.base_url)
    receiver, _ = initialize(mcp)
    sender, _ = initialize(mcp)
    for sid in (receiver, sender):
        assert mcp.post(rpc("logging/setLevel", {"level": "debug"}), session=sid).status == 200
    register(Session(mcp, receiver, {}), "llm-receiver")
    stream = mcp.stream(receiver)
    assert stream.status == 200, stream.raw
    delays = []
    try:
        for n in range(RECORDS):
            started = time.monotonic()
            reply = mcp.post(rpc("tools/call", {"name": "blender_send_message",
                                                "arguments": {"payload": {"n": n}, "target_uuid": "llm-receiver"}}),
                             session=sender)
            assert reply.status == 200, reply
            assert stream.wait_for(lambda s: len(s.parser.events) > n, timeout=5), stream.raw
            delays.append(time.monotonic() - started)
    finally:
        stream.close()
        mcp.close()
    delays.sort()
    assert delays[len(delays) // 2] < 0.05, f"median send-to-arrival {delays[len(delays) // 2] * 1000:.0f} ms"
