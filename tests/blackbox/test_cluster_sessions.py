"""Cluster-wide MCP sessions (issue 13, item 5), with three real nodes on one redis-server and one
PostgreSQL database: a session created on one node is used from another, its GET stream resumes on
another node after Last-Event-ID with nothing lost or repeated when its node is killed, its level
travels with it, and a session deleted on one node is gone on every node.

Node A, B, C are node-1, node-2, node-3. Every wait has a hard cap; every count is fixed.
"""
from __future__ import annotations

import threading
import time

from blackbox.bus_helpers import call, decoded, send_ok, set_level
from blackbox.cluster_rig import rig_for  # noqa: F401
from blackbox.test_cluster_nodes import bus_on, join_on, new_user
from blackbox.wire import rpc, wait_until

A, B, C = 0, 1, 2
BURST = 1000


def test_a_session_created_on_one_node_is_used_from_another(rig_for):
    rig = rig_for()
    bus = bus_on(rig)
    peer = join_on(bus, A, "llm-roaming", stream=False)
    session_id = peer.session.id
    # The same session id, through node C: same user, same session, its registration intact.
    reply = bus.mcps[C].post(rpc("tools/call", {"name": "blender_list_available_clients", "arguments": {}}),
                             session=session_id)
    assert reply.status == 200, reply
    listing = decoded(reply.json()["result"])
    assert [c["uuid"] for c in listing["ephemeral"]] == ["llm-roaming"], listing
    # Another user cannot use it on any node: their token sees an unknown session.
    other = bus_on(rig, *new_user(rig, "roaming-other"))
    for node in (A, B, C):
        assert other.mcps[node].post(rpc("ping", {}), session=session_id).status == 404, node
    other.close()
    bus.close()


def test_a_stream_cut_by_killing_its_node_resumes_on_another_node_with_nothing_lost_or_repeated(rig_for):
    rig = rig_for()
    bus = bus_on(rig)
    peer = join_on(bus, B, "llm-receiver")  # its session and its GET stream on node B
    sender = join_on(bus, A, "llm-sender", stream=False)
    sent: list[str] = []
    done = threading.Event()

    def burst() -> None:
        try:
            for n in range(BURST):
                sent.append(send_ok(sender.session, {"n": n}, target_uuid="llm-receiver")["message_id"])
        finally:
            done.set()

    thread = threading.Thread(target=burst, daemon=True)
    thread.start()
    assert wait_until(lambda: len(peer.stream.events) >= 200, timeout=30), len(peer.stream.events)
    rig.kill(B)
    peer.cut()
    last = peer.last_event_id
    assert last is not None
    resumed = bus.mcps[C].stream(peer.session.id, headers={"Last-Event-ID": str(last)})
    assert resumed.status == 200, resumed.raw
    peer.streams.append(resumed)
    assert done.wait(60), "the burst did not finish"
    thread.join(5)
    records = peer.wait_records(BURST, timeout=60)
    ids = [record.data["message_id"] for record in records]
    assert len(ids) == BURST, (len(ids), len(set(ids)))
    assert ids == sent
    event_ids = [int(e.id) for stream in peer.streams for e in stream.events if e.id is not None]
    assert event_ids == sorted(set(event_ids)), "event ids must keep growing across nodes"
    bus.close()


def test_the_level_set_on_one_node_filters_sends_routed_on_another(rig_for):
    rig = rig_for()
    bus = bus_on(rig)
    peer = join_on(bus, A, "llm-quiet")
    sender = join_on(bus, C, "llm-loud", stream=False)
    set_level(peer.session, "error")
    result = send_ok(sender.session, {"n": 1}, target_uuid="llm-quiet", priority="info")
    assert result["filtered_by_level"] == ["llm-quiet"], result
    # The level travels with the session: through node B it is the same session and level.
    assert bus.mcps[B].post(rpc("logging/setLevel", {"level": "debug"}), session=peer.session.id).status == 200
    result = send_ok(sender.session, {"n": 2}, target_uuid="llm-quiet", priority="info")
    assert result["filtered_by_level"] == [], result
    assert [r.data["payload"]["n"] for r in peer.wait_records(1)] == [2]
    bus.close()


def test_a_session_deleted_on_one_node_is_gone_on_every_node(rig_for):
    rig = rig_for()
    bus = bus_on(rig)
    peer = join_on(bus, A, "llm-short", stream=False)
    session_id = peer.session.id
    assert bus.mcps[B].post(rpc("ping", {}), session=session_id).status == 200  # B holds a copy now
    assert bus.mcps[C].delete(session_id).status == 200
    for node in (A, B, C):
        assert wait_until(lambda: bus.mcps[node].post(rpc("ping", {}), session=session_id).status == 404,
                          timeout=5), node
    listing = call(bus.observer, "blender_list_available_clients")
    assert all(c["uuid"] != "llm-short" for c in listing["ephemeral"]), listing
    bus.close()
