"""Contract §4.5, §4.6, §8.2, §8.3, §8.9: delivery across stream loss (Last-Event-ID), records held for
an offline persistent client, and what the end of an MCP session does to its clients."""
from __future__ import annotations

from blackbox.bus_helpers import (assert_no_new_records, bus_for, own_bus, register, send, send_ok,  # noqa: F401
                                  stable, unregister, uuids)
from blackbox.wire import Http, wait_until
import pytest
from support.cluster import TOPOLOGIES

# Every test runs against one node and against a cluster of two (its clients spread over both).
pytestmark = pytest.mark.parametrize("topology", TOPOLOGIES, indirect=True, scope="session")

BURST = 1000
HELD = 100
RETAINED = 256
QUEUED = 1000
LOST_IN_FLIGHT = 40
DELIVERY_TIMEOUT = 60.0


def _distinct_in_order(records) -> list[str]:
    """message_ids in arrival order, each kept at its first arrival (a replay may repeat a record)."""
    seen: dict[str, None] = {}
    for record in records:
        seen.setdefault(record.data["message_id"], None)
    return list(seen)


def _wait_for_message(stream, message_id: str, timeout: float = DELIVERY_TIMEOUT) -> bool:
    """Waits (hard cap) until the record `message_id` arrived on `stream`; delivery keeps send order,
    so everything sent before it has arrived too unless it was lost."""
    return stream.wait_for(lambda s: message_id.encode() in s.raw, timeout)


# (a) stream loss during a burst ---------------------------------------------------------------------


def test_a_burst_of_1000_survives_two_stream_cuts_with_last_event_id_resumption(own_bus):
    peer = own_bus.join("llm-peer")
    sender = own_bus.session()
    # Cut after about a third and two thirds of the burst; reconnect a sixth of the burst later, so
    # records are sent both while the stream is gone and after it came back.
    cuts = {BURST // 3: "cut", BURST // 2: "resume", 2 * BURST // 3: "cut", 5 * BURST // 6: "resume"}
    sent: list[str] = []
    for n in range(BURST):
        action = cuts.get(n)
        if action == "cut":
            # Let the stream nearly catch up (bounded), then drop it; the last LOST_IN_FLIGHT events
            # that arrived count as lost with the connection, so only a replay can bring them back.
            # In flight plus the records sent until the reconnect stay within the 256 retained events.
            assert _wait_for_message(peer.stream, sent[-32])
            peer.cut(lose_last=LOST_IN_FLIGHT)
        elif action == "resume":
            resume_after = peer.last_event_id()
            stream = peer.open(last_event_id=resume_after)
            assert stream.wait_for(lambda s: len(s.parser.events) >= 1, timeout=DELIVERY_TIMEOUT)
            assert stream.events[0].id == str(resume_after + 1), "the replay starts right after Last-Event-ID"
        result = send_ok(sender, {"seq": n}, target_uuid="llm-peer", from_uuid="llm-sender")
        assert result["targets"] == ["llm-peer"] and result["filtered_by_level"] == [], result
        sent.append(result["message_id"])
    arrived = _wait_for_message(peer.stream, sent[-1])
    distinct = _distinct_in_order(peer.records())
    assert arrived, f"the last record never arrived; {len(distinct)} of {BURST} distinct records did"
    assert len(peer.streams) == 3
    assert len(distinct) == BURST and distinct == sent


def test_a_resumed_stream_replays_exactly_the_events_after_last_event_id(own_bus):
    peer = own_bus.join("llm-replay")
    sent = [send_ok(own_bus.observer, {"n": n}, target_uuid="llm-replay")["message_id"] for n in range(10)]
    first = peer.wait_records(10)
    assert [r.data["message_id"] for r in first] == sent
    peer.cut()
    resumed = peer.open(last_event_id=first[5].event_id)
    resumed.wait_for(lambda s: len(s.parser.events) >= 4, timeout=10)
    replayed = peer.records()[10:]
    assert [r.data["message_id"] for r in replayed[:4]] == sent[6:]
    assert [r.event_id for r in replayed[:4]] == [r.event_id for r in first[6:]]


def test_records_sent_while_no_stream_is_open_are_flushed_in_order_when_one_opens(own_bus):
    peer = own_bus.join("llm-later", stream=False)
    sent = [send_ok(own_bus.observer, {"n": n}, target_uuid="llm-later")["message_id"] for n in range(20)]
    peer.open()
    records = peer.wait_records(20)
    assert [r.data["message_id"] for r in records] == sent
    assert [r.event_id for r in records] == list(range(1, 21))


def test_replay_goes_back_at_most_the_256_retained_events(own_bus):
    peer = own_bus.join("llm-retained")
    sent = [send_ok(own_bus.observer, {"n": n}, target_uuid="llm-retained")["message_id"] for n in range(300)]
    assert _wait_for_message(peer.stream, sent[-1])
    peer.cut()
    resumed = peer.open(last_event_id=0)
    assert resumed.wait_for(lambda s: len(s.parser.events) >= RETAINED, timeout=DELIVERY_TIMEOUT)
    assert_no_new_records(peer, 300 + RETAINED, own_bus.observer)
    replayed = peer.records()[300:300 + RETAINED]
    assert [r.data["message_id"] for r in replayed] == sent[-RETAINED:]
    assert [r.event_id for r in replayed] == list(range(300 - RETAINED + 1, 301))


def test_a_session_without_a_stream_queues_at_most_1000_records_dropping_the_oldest(own_bus):
    peer = own_bus.join("llm-backlog", stream=False)
    sent = []
    for n in range(QUEUED + 5):
        result = send(own_bus.observer, {"n": n}, target_uuid="llm-backlog")  # may report `dropped`
        assert result["status"] == "ok" and result["targets"] == ["llm-backlog"], result
        sent.append(result["message_id"])
    peer.open()
    assert _wait_for_message(peer.stream, sent[-1])
    assert_no_new_records(peer, QUEUED, own_bus.observer)
    records = peer.records()[:QUEUED]
    assert [r.data["message_id"] for r in records] == sent[5:]
    assert [r.event_id for r in records] == list(range(6, QUEUED + 6)), "ids are given at enqueue time"


# (b) an offline persistent client ------------------------------------------------------------------


def _go_offline(bus, peer) -> None:
    assert peer.session.delete().status == 200
    assert wait_until(lambda: bus.client(peer.uuid)["online"] is False, timeout=10)


def test_records_for_an_offline_persistent_client_are_held_and_delivered_in_order_when_it_returns(own_bus):
    first = own_bus.join("blender-demo01", "blender", is_persistent=True)
    connected_at = first.client["connected_at"]
    _go_offline(own_bus, first)
    sent = []
    for n in range(HELD):
        result = send_ok(own_bus.observer, {"seq": n}, target_uuid="blender-demo01", from_uuid="llm-sender")
        assert (result["targets"], result["offline"], result["filtered_by_level"]) == \
            (["blender-demo01"], ["blender-demo01"], []), result
        sent.append(result["message_id"])
    back = own_bus.join("blender-demo01", "blender", is_persistent=True)
    assert (back.client["online"], back.client["connected_at"]) == (True, connected_at)
    records = back.wait_records(HELD, timeout=DELIVERY_TIMEOUT)
    assert [r.data["message_id"] for r in records] == sent
    assert [r.payload["seq"] for r in records] == list(range(HELD))
    assert all(r.data["target_uuid"] == "blender-demo01" for r in records)
    assert own_bus.client("blender-demo01")["online"] is True


def test_held_records_come_before_anything_sent_after_the_client_returns(own_bus):
    first = own_bus.join("blender-held", "blender", is_persistent=True)
    _go_offline(own_bus, first)
    held = [send_ok(own_bus.observer, {"n": n}, target_uuid="blender-held")["message_id"] for n in range(3)]
    back = own_bus.join("blender-held", "blender", is_persistent=True, stream=False)
    newer = send_ok(own_bus.observer, {"n": "newer"}, target_uuid="blender-held")
    assert newer["offline"] == []
    back.open()
    records = back.wait_records(4)
    assert [r.data["message_id"] for r in records] == held + [newer["message_id"]]


def test_the_offline_hold_keeps_at_most_the_configured_number_of_records(spawn, bus_for):
    srv = spawn(env={"BLENDER_MCP_OFFLINE_HOLD_MESSAGES": "5"})
    bus = bus_for(srv)
    _go_offline(bus, bus.join("blender-small", "blender", is_persistent=True))
    sent = []
    for n in range(8):
        result = send(bus.observer, {"n": n}, target_uuid="blender-small")  # may report `dropped`
        assert result["status"] == "ok" and result["offline"] == ["blender-small"], result
        sent.append(result["message_id"])
    back = bus.join("blender-small", "blender", is_persistent=True)
    received = [r.data["message_id"] for r in back.wait_records(5)]
    assert len(received) == 5, received
    assert received == [m for m in sent if m in received], "held records keep their order"
    assert_no_new_records(back, 5, bus.observer)


def test_a_held_record_older_than_the_hold_time_is_dropped(spawn, bus_for):
    srv = spawn(env={"BLENDER_MCP_OFFLINE_HOLD_SECONDS": "1"})
    bus = bus_for(srv)
    _go_offline(bus, bus.join("blender-stale", "blender", is_persistent=True))
    send_ok(bus.observer, {"n": "stale"}, target_uuid="blender-stale")
    register(bus.session(), "llm-clock")  # its last_seen is the server's clock just after the send
    assert wait_until(lambda: bus.client("llm-clock")["last_seen_seconds_ago"] >= 3, timeout=15, interval=0.2)
    fresh = send_ok(bus.observer, {"n": "fresh"}, target_uuid="blender-stale")
    back = bus.join("blender-stale", "blender", is_persistent=True)
    assert [r.data["message_id"] for r in back.wait_records(1)] == [fresh["message_id"]]
    assert_no_new_records(back, 1, bus.observer)


def test_held_records_pass_the_level_of_the_session_the_client_returns_on(own_bus):
    first = own_bus.join("blender-strict", "blender", is_persistent=True)
    _go_offline(own_bus, first)
    send_ok(own_bus.observer, {"n": "info"}, target_uuid="blender-strict", priority="info")
    alarm = send_ok(own_bus.observer, {"n": "error"}, target_uuid="blender-strict", priority="error")
    back = own_bus.join("blender-strict", "blender", is_persistent=True, level=None)  # default: warning
    assert [r.data["message_id"] for r in back.wait_records(1)] == [alarm["message_id"]]
    assert_no_new_records(back, 1, own_bus.observer)


# (c) end of an MCP session --------------------------------------------------------------------------


def test_ending_a_session_removes_its_ephemeral_clients_and_leaves_persistent_ones_offline(own_bus):
    peer = own_bus.join("llm-ephemeral")
    register(peer.session, "blender-persistent", "blender", is_persistent=True, capabilities=["gpu"])
    kept = stable(own_bus.client("blender-persistent"))
    assert peer.session.delete().status == 200
    assert wait_until(lambda: own_bus.listing()["ephemeral"] == [], timeout=10)
    listing = own_bus.listing()
    assert uuids(listing["persistent"]) == ["blender-persistent"]
    assert stable(listing["persistent"][0]) == dict(kept, online=False)


def test_health_counts_offline_persistent_clients_until_they_are_unregistered(fresh_server, bus_for, http_for):
    http: Http = http_for(fresh_server)
    bus = bus_for(fresh_server)
    peer = bus.join("llm-ephemeral")
    register(peer.session, "blender-persistent", "blender", is_persistent=True)
    assert {k: http.health().json()[k] for k in ("buses", "clients")} == {"buses": 1, "clients": 2}
    assert peer.session.delete().status == 200
    assert wait_until(lambda: http.health().json()["clients"] == 1, timeout=10)
    assert http.health().json()["buses"] == 1
    assert unregister(bus.observer, "blender-persistent")["status"] == "ok"
    assert {k: http.health().json()[k] for k in ("buses", "clients")} == {"buses": 0, "clients": 0}


def test_a_client_whose_binding_moved_is_not_affected_when_the_old_session_ends(own_bus):
    old = own_bus.join("llm-moved")
    register(old.session, "llm-control")
    new = own_bus.join("llm-moved")
    assert old.session.delete().status == 200
    assert wait_until(lambda: own_bus.client("llm-control") is None, timeout=10), "the old session did not end"
    assert own_bus.client("llm-moved")["online"] is True
    sent = send_ok(own_bus.observer, {"still": "here"}, target_uuid="llm-moved")
    assert new.wait_records(1)[0].data["message_id"] == sent["message_id"]


def test_an_idle_session_ends_and_takes_its_ephemeral_clients_with_it(spawn, bus_for):
    srv = spawn(env={"BLENDER_MCP_SESSION_IDLE_SECONDS": "1"})
    bus = bus_for(srv)
    register(bus.session(), "llm-idle")
    register(bus.session(), "blender-idle", "blender", is_persistent=True)
    assert bus.client("llm-idle") is not None

    def idle_ended() -> bool:
        listing = bus.listing()  # requests keep the observer's own session alive
        return listing["ephemeral"] == [] and [c["online"] for c in listing["persistent"]] == [False]

    assert wait_until(idle_ended, timeout=15, interval=0.2)


# online and the stream grace period ----------------------------------------------------------------


def test_a_client_goes_offline_once_its_stream_is_gone_for_the_grace_period(spawn, bus_for):
    srv = spawn(env={"BLENDER_MCP_STREAM_GRACE_SECONDS": "1"})
    bus = bus_for(srv)
    peer = bus.join("blender-graceful", "blender", is_persistent=True)
    assert bus.client("blender-graceful")["online"] is True
    peer.cut()
    # The server may notice the lost connection only at its next write (a keep-alive every 15 s).
    assert wait_until(lambda: bus.client("blender-graceful")["online"] is False, timeout=20, interval=0.1)
    peer.open()
    assert wait_until(lambda: bus.client("blender-graceful")["online"] is True, timeout=10, interval=0.1)


def test_a_client_that_never_opens_a_stream_is_online_only_for_the_grace_period(spawn, bus_for):
    srv = spawn(env={"BLENDER_MCP_STREAM_GRACE_SECONDS": "1"})
    bus = bus_for(srv)
    client = register(bus.session(), "llm-streamless")
    assert client["online"] is True, "a fresh session counts as having just lost its stream"
    assert wait_until(lambda: bus.client("llm-streamless")["online"] is False, timeout=10, interval=0.1)
