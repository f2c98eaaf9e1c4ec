"""Three real nodes on one redis-server and one PostgreSQL database (issue 13), each client placed on
a chosen node: a broadcast burst reaches every node's subscribers, held records survive the death of
the node that held the client, a Redis outage gives clear errors at once and heals by itself, users
stay isolated across nodes, and dispatch reaches a fake Blender peer on another node (completion,
timeout with a late reply, blender_get_job from every node).

Node A, B, C are node-1, node-2, node-3. Every wait has a hard cap; every count is fixed.
"""
from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import pytest

from blackbox.bus_helpers import (Bus, Peer, assert_no_new_records, call, decoded, register, send_ok,
                                  set_level)
from blackbox.cluster_rig import rig_for  # noqa: F401
from blackbox.processes import add_user
from blackbox.wire import Http, Mcp, login_ok, wait_until
from interop.fake_peer import PEER_UUID, READY_TIMEOUT, FakePeer
from support.server_process import DEMO_PASSWORD

A, B, C = 0, 1, 2
BURST = 1000
HELD = 100
PRESENCE_LIMIT = 20.0  # heartbeat expiry (10 s) plus the sweep and a margin
OUTAGE = 5.0


def bus_on(rig, username: str = "demo", password: str = DEMO_PASSWORD) -> Bus:
    """`username`'s bus with one raw MCP client per node: bus.mcps[i] talks to node i."""
    http = Http(rig.url(A))
    try:
        token = login_ok(http, username, password).access
    finally:
        http.close()
    clients = [Mcp(rig.url(i), token) for i in range(3)]
    return Bus(clients[0], username, tuple(clients[1:]))


def join_on(bus: Bus, node: int, uuid: str, client_type: str = "llm", stream: bool = True, **fields) -> Peer:
    session = bus.mcps[node].initialize()
    set_level(session, "debug")
    peer = Peer(session, uuid, register(session, uuid, client_type, **fields))
    bus.peers.append(peer)
    if stream:
        peer.open()
    return peer


def new_user(rig, name: str) -> tuple[str, str]:
    password = f"{name}-password-for-tests"
    add_user(rig.store, name, password, (), ())
    return name, password


def test_a_broadcast_burst_from_one_node_reaches_subscribers_on_every_node_in_send_order(rig_for):
    rig = rig_for()
    bus = bus_on(rig)
    subscribers = [join_on(bus, node, f"llm-sub-{node}") for node in (A, B, C)]
    sender = join_on(bus, A, "llm-sender", stream=False)
    started = time.monotonic()
    sent = [send_ok(sender.session, {"n": n}, from_uuid="llm-sender")["message_id"] for n in range(BURST)]
    assert len(set(sent)) == BURST
    for peer in subscribers:
        records = peer.wait_records(BURST, timeout=60)
        ids = [record.data["message_id"] for record in records]
        assert ids == sent, (peer.uuid, len(ids), len(set(ids)))
    print(f"{BURST} broadcasts to 3 nodes delivered in {time.monotonic() - started:.1f} s")
    for peer in subscribers:
        assert_no_new_records(peer, BURST, sender.session)
    bus.close()


def test_records_held_for_a_persistent_client_survive_the_sigkill_of_its_node(rig_for):
    rig = rig_for()
    bus = bus_on(rig)
    blender = join_on(bus, B, "blender-held", "blender", is_persistent=True)
    sender = join_on(bus, A, "llm-sender", stream=False)
    rig.kill(B)
    # Presence: node B's heartbeat expires and its sessions end; the persistent client goes offline.
    assert wait_until(lambda: bus.client("blender-held")["online"] is False, timeout=PRESENCE_LIMIT), \
        bus.client("blender-held")
    sent = []
    for n in range(HELD):
        result = send_ok(sender.session, {"seq": n}, target_uuid="blender-held", from_uuid="llm-sender")
        assert result["offline"] == ["blender-held"], result
        sent.append(result["message_id"])
    back = join_on(bus, C, "blender-held", "blender", is_persistent=True)
    assert back.client["online"] is True
    records = back.wait_records(HELD, timeout=30)
    assert [r.data["message_id"] for r in records] == sent
    assert [r.payload["seq"] for r in records] == list(range(HELD))
    assert_no_new_records(back, HELD, sender.session)  # nothing more: each record came once
    bus.close()


def _bus_error(result: dict) -> str | None:
    text = json.loads(result["content"][0]["text"])
    return text.get("error") if text.get("status") == "error" else None


@pytest.mark.parametrize("outage", ["killed", "frozen"])
def test_a_redis_outage_gives_clear_errors_at_once_and_heals_without_any_node_exiting(rig_for, outage):
    """killed: SIGKILL, then a new redis-server on the same port and data (append-only file);
    frozen: SIGSTOP, then SIGCONT (connections stay open but nothing answers)."""
    rig = rig_for()
    bus = bus_on(rig)
    receiver = join_on(bus, B, "llm-receiver")
    sender = join_on(bus, A, "llm-sender", stream=False)
    observers = [bus.mcps[node].initialize() for node in (A, B, C)]
    health = [Http(rig.url(node)) for node in (A, B, C)]
    before = [send_ok(sender.session, {"phase": "before", "n": n}, target_uuid="llm-receiver")["message_id"]
              for n in range(20)]
    assert len(receiver.wait_records(20)) == 20

    if outage == "killed":
        rig.redis.stop()
    else:
        rig.redis.process.send_signal(signal.SIGSTOP)
    for node, http in enumerate(health):
        assert wait_until(lambda: http.health().status == 503, timeout=10), (node, http.health())
        body = http.health().json()
        assert body["status"] == "unavailable" and "redis" in body["detail"].lower(), body
    # Every node knows Redis is gone: from now on each call must fail at once.
    down_at = time.monotonic()
    errors = []
    while time.monotonic() - down_at < OUTAGE:
        for observer in observers:
            started = time.monotonic()
            result = observer.tool("blender_send_message", {"payload": {"phase": "down"},
                                                             "target_uuid": "llm-receiver"})
            elapsed = time.monotonic() - started
            assert elapsed < 1.0, f"a bus tool took {elapsed:.1f} s while Redis was down"
            errors.append(_bus_error(result))
            listing = observer.tool("blender_list_available_clients")
            errors.append(_bus_error(listing))
            dispatch = decoded(observer.tool("blender_get_scene_info", {"_timeout": 2}))
            assert dispatch["status"] == "bus_unavailable" and dispatch["error"], dispatch
        time.sleep(0.2)
    assert set(errors) == {"bus_unavailable"}, errors

    if outage == "killed":
        rig.redis.start()
    else:
        rig.redis.process.send_signal(signal.SIGCONT)
    for node, http in enumerate(health):
        assert wait_until(lambda: http.health().status == 200, timeout=20), (node, http.health())
    assert all(node.process.poll() is None for node in rig.running())
    # Full service: sends from every node reach the receiver on B again, in order, after the old ones.
    after = [send_ok(observers[node], {"phase": "after", "n": node}, target_uuid="llm-receiver")["message_id"]
             for node in (A, B, C)]
    records = receiver.wait_records(len(before) + len(after), timeout=20)
    assert [r.data["message_id"] for r in records] == before + after
    assert {c["uuid"] for c in bus.listing()["ephemeral"]} >= {"llm-receiver", "llm-sender"}
    for http in health:
        http.close()
    bus.close()


def test_two_users_on_different_nodes_stay_isolated(rig_for):
    rig = rig_for()
    alice = bus_on(rig, *new_user(rig, "alice-cluster"))
    bob = bus_on(rig, *new_user(rig, "bob-cluster"))
    alice_blender = join_on(alice, A, "blender-alice", "blender", is_persistent=True)
    alice_llm = join_on(alice, B, "llm-alice")
    bob_llm = join_on(bob, C, "llm-bob")
    bob_same_uuid = join_on(bob, B, "blender-alice", "blender")  # the same uuid on another bus is another client

    result = send_ok(alice_llm.session, {"to": "everyone"}, from_uuid="llm-alice")
    assert set(result["targets"]) == {"blender-alice"}, result
    assert [r.data["message_id"] for r in alice_blender.wait_records(1)] == [result["message_id"]]
    listing = call(bob_llm.session, "blender_list_available_clients")
    assert listing["user_id"] == "bob-cluster"
    assert {c["uuid"] for c in listing["persistent"] + listing["ephemeral"]} == {"llm-bob", "blender-alice"}
    direct = send_ok(bob_llm.session, {"to": "alice?"}, target_uuid="blender-alice", from_uuid="llm-bob")
    assert direct["targets"] == ["blender-alice"]
    bob_records = bob_same_uuid.wait_records(1)
    assert [r.data["user_id"] for r in bob_records] == ["bob-cluster"]
    assert_no_new_records(alice_blender, 1, alice_llm.session)
    assert_no_new_records(bob_llm, 0, bob_same_uuid.session)
    alice.close()
    bob.close()


# --------------------------------------------------------------------------------------------------
# Dispatch across nodes with examples/fake_blender_peer.py


@pytest.fixture
def peer_on_c(rig_for):
    """A cluster and the fake Blender peer registered (as demo) on node C."""
    rig = rig_for()
    peer = FakePeer(Path(sys.executable), rig.node(C), "--username", "demo",
                    "--password", DEMO_PASSWORD, "--delay", "0")
    assert peer.ready.wait(READY_TIMEOUT), peer.detail()
    yield rig, peer
    peer.stop()


def test_a_dispatch_on_node_a_completes_with_the_reply_of_the_peer_on_node_c(peer_on_c):
    rig, peer = peer_on_c
    bus = bus_on(rig)
    caller = bus.mcps[A].initialize()
    envelope = decoded(caller.tool("blender_get_scene_info", {"_timeout": 10}))
    assert (envelope["status"], envelope["target_uuid"], envelope["error"]) == ("completed", PEER_UUID, ""), envelope
    assert json.loads(envelope["result"]) == {"echoed_command": "get_scene_info", "echoed_params": {}}
    assert peer.wait_answered(1) == [envelope["job_id"]]
    for node in (A, B, C):
        job = call(bus.mcps[node].initialize(), "blender_get_job", {"job_id": envelope["job_id"]})["job"]
        assert (job["state"], job["command"], job["result"], job["target_uuids"]) == \
            ("completed", "get_scene_info", envelope["result"], [PEER_UUID]), (node, job)
    bus.close()


def test_a_cross_node_dispatch_timeout_keeps_the_late_reply_for_every_node(rig_for):
    rig = rig_for()
    peer = FakePeer(Path(sys.executable), rig.node(C), "--username", "demo",
                    "--password", DEMO_PASSWORD, "--delay", "3")
    try:
        assert peer.ready.wait(READY_TIMEOUT), peer.detail()
        bus = bus_on(rig)
        caller = bus.mcps[A].initialize()
        started = time.monotonic()
        envelope = decoded(caller.tool("blender_get_scene_info", {"_timeout": 1}))
        assert 0.9 < time.monotonic() - started < 2.9, time.monotonic() - started
        assert envelope["status"] == "timeout" and envelope["job_id"], envelope
        job_id = envelope["job_id"]
        assert peer.wait_answered(1, timeout=10) == [job_id], peer.detail()

        def completed_everywhere():
            jobs = [call(bus.mcps[node].initialize(), "blender_get_job", {"job_id": job_id})["job"]
                    for node in (A, B, C)]
            return jobs if all(job["state"] == "completed" for job in jobs) else None

        jobs = wait_until(completed_everywhere, timeout=10, interval=0.3)
        assert jobs, "the late reply was not kept on every node"
        assert all(json.loads(job["result"]) == {"echoed_command": "get_scene_info", "echoed_params": {}}
                   for job in jobs), jobs
        bus.close()
    finally:
        peer.stop()
