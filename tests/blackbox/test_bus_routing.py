"""Contract §5.1 (`blender_send_message`), §4.9, §8.4–§8.6: routing modes and their precedence, the
records each recipient gets, priorities and level filtering, and the `offline` list."""
from __future__ import annotations

import time

import pytest

from blackbox.bus_helpers import (LEVELS, UUID4, assert_no_new_records, assert_record, bus_for, own_bus,  # noqa: F401
                                  register, send_ok)
from blackbox.wire import JSON_AND_SSE, SSE, wait_until
from support.cluster import TOPOLOGIES

# Every test runs against one node and against a cluster of two (its clients spread over both).
pytestmark = pytest.mark.parametrize("topology", TOPOLOGIES, indirect=True, scope="session")

# uuid -> (client_type, group_id) of the clients of the routing tests; llm-a also sends.
CLIENTS = {"llm-a": ("llm", "g1"), "blender-b": ("blender", "g1"), "blender-c": ("blender", None),
           "llm-d": ("llm", "g2")}


@pytest.fixture
def peers(own_bus):
    return {uuid: own_bus.join(uuid, client_type, group_id=group) for uuid, (client_type, group) in CLIENTS.items()}


def _received_once(peer, sent: dict) -> list:
    """The records of `sent` that `peer` got (waiting for at least one)."""
    peer.wait_records(1)
    return [r for r in peer.records() if r.data["message_id"] == sent["message_id"]]


# direct -------------------------------------------------------------------------------------------


def test_a_direct_send_reaches_only_its_target_as_one_record_with_the_nine_keys(own_bus, peers):
    payload = {"message_type": "job_dispatch", "job_id": "job-abc123",
               "script": "import bpy\nprint(len(bpy.data.objects))"}
    started = time.time()
    sent = send_ok(peers["llm-a"].session, payload, target_uuid="blender-b", from_uuid="llm-a")
    assert sent["job_id"] == "job-abc123"
    assert sent["routing"] == {"type": "direct", "target_uuid": "blender-b"}
    assert (sent["targets"], sent["filtered_by_level"], sent["offline"]) == (["blender-b"], [], [])
    [record] = peers["blender-b"].wait_records(1)
    assert_record(record, user_id=own_bus.user_id, from_uuid="llm-a", target_uuid="blender-b",
                  routing=sent["routing"], payload=payload, job_id="job-abc123", message_id=sent["message_id"],
                  priority=6)
    assert started - 5 <= record.data["timestamp"] <= time.time() + 5
    for uuid in ("llm-a", "blender-c", "llm-d"):
        assert_no_new_records(peers[uuid], 0, own_bus.observer)


def test_a_send_without_payload_job_id_uses_the_message_id_as_job_id(own_bus, peers):
    sent = send_ok(own_bus.observer, {"kind": "announcement", "text": "hi"}, target_uuid="llm-d")
    assert sent["job_id"] == sent["message_id"]
    [record] = peers["llm-d"].wait_records(1)
    assert record.data["job_id"] == sent["message_id"]
    assert record.data["from_uuid"] == f"server:{own_bus.user_id}", "no from_uuid: the origin is the server"


def test_a_direct_send_to_an_unknown_uuid_is_ok_with_no_targets(own_bus, peers):
    sent = send_ok(peers["llm-a"].session, {"x": 1}, target_uuid="blender-nowhere", from_uuid="llm-a")
    assert sent["routing"] == {"type": "direct", "target_uuid": "blender-nowhere"}
    assert (sent["targets"], sent["filtered_by_level"], sent["offline"]) == ([], [], [])
    for peer in peers.values():
        assert_no_new_records(peer, 0, own_bus.observer)


def test_every_send_gets_its_own_uuid4_message_id(own_bus, peers):
    ids = {send_ok(own_bus.observer, {"n": n}, target_uuid="llm-d")["message_id"] for n in range(5)}
    assert len(ids) == 5 and all(UUID4.match(i) for i in ids)


# precedence ---------------------------------------------------------------------------------------

PRECEDENCE = [
    ({"target_uuid": "blender-c", "group_id": "g1", "client_type": "llm"},
     {"type": "direct", "target_uuid": "blender-c"}, ["blender-c"]),
    ({"group_id": "g1", "client_type": "llm"}, {"type": "group", "group_id": "g1"}, ["blender-b", "llm-a"]),
    ({"target_uuid": "", "group_id": "g2", "client_type": "blender"}, {"type": "group", "group_id": "g2"},
     ["llm-d"]),
    ({"group_id": "nobody"}, {"type": "group", "group_id": "nobody"}, []),
    ({"client_type": "llm"}, {"type": "type_filter", "client_type": "llm"}, ["llm-a", "llm-d"]),
    ({"target_uuid": "", "group_id": "", "client_type": "blender"},
     {"type": "type_filter", "client_type": "blender"}, ["blender-b", "blender-c"]),
    ({}, {"type": "broadcast"}, ["blender-b", "blender-c", "llm-d"]),
    ({"target_uuid": None, "group_id": None, "client_type": ""}, {"type": "broadcast"},
     ["blender-b", "blender-c", "llm-d"]),
]


@pytest.mark.parametrize("fields,routing,recipients", PRECEDENCE,
                         ids=["direct-over-all", "group-over-type", "empty-target-is-absent", "unknown-group",
                              "type-filter", "empty-group-is-absent", "broadcast", "nulls-and-empty-are-broadcast"])
def test_routing_precedence_is_target_then_group_then_type_then_broadcast(own_bus, peers, fields, routing,
                                                                          recipients):
    payload = {"kind": "announcement", "text": "routing", "nested": {"list": [1, 2.5, None, "ü"]}}
    sent = send_ok(peers["llm-a"].session, payload, from_uuid="llm-a", **fields)
    assert sent["routing"] == routing
    assert sorted(sent["targets"]) == recipients
    assert (sent["filtered_by_level"], sent["offline"]) == ([], [])
    for uuid, peer in peers.items():
        if uuid in recipients:
            [record] = _received_once(peer, sent)
            assert_record(record, user_id=own_bus.user_id, from_uuid="llm-a", target_uuid=uuid, routing=routing,
                          payload=payload, job_id=sent["message_id"], message_id=sent["message_id"], priority=6)
            assert len(peer.records()) == 1, peer.records()
        else:
            assert_no_new_records(peer, 0, own_bus.observer)


def test_a_broadcast_excludes_only_the_client_named_by_from_uuid(own_bus, peers):
    sent = send_ok(own_bus.observer, {"x": 1}, from_uuid="llm-d")
    assert sorted(sent["targets"]) == ["blender-b", "blender-c", "llm-a"]
    sent = send_ok(own_bus.observer, {"x": 2}, from_uuid="not-a-client")
    assert sorted(sent["targets"]) == sorted(CLIENTS)


def test_a_broadcast_without_from_uuid_reaches_every_client_from_the_server_origin(own_bus, peers):
    sent = send_ok(own_bus.observer, {"kind": "announcement", "text": "all"}, priority="emergency")
    assert sorted(sent["targets"]) == sorted(CLIENTS)
    for uuid, peer in peers.items():
        [record] = _received_once(peer, sent)
        assert (record.data["from_uuid"], record.data["target_uuid"]) == (f"server:{own_bus.user_id}", uuid)
        assert (record.data["priority"], record.level) == (0, "emergency")


def test_a_session_with_two_clients_gets_one_record_per_client(own_bus):
    double = own_bus.join("llm-first")
    register(double.session, "llm-second")
    sent = send_ok(own_bus.observer, {"x": 1})
    assert sorted(sent["targets"]) == ["llm-first", "llm-second"]
    records = double.wait_records(2)
    assert sorted(r.data["target_uuid"] for r in records) == ["llm-first", "llm-second"]
    assert {r.data["message_id"] for r in records} == {sent["message_id"]}


def test_records_keep_their_send_order_for_a_recipient_whatever_their_priority(own_bus, peers):
    priorities = [7, 0, 6, 3, 5, 1, 4, 2, 6, 0]
    sent = [send_ok(own_bus.observer, {"n": n}, target_uuid="llm-d", priority=p)["message_id"]
            for n, p in enumerate(priorities)]
    records = peers["llm-d"].wait_records(len(sent))
    assert [r.data["message_id"] for r in records] == sent
    assert [r.data["priority"] for r in records] == priorities
    event_ids = [r.event_id for r in records]
    assert event_ids == sorted(event_ids) and len(set(event_ids)) == len(event_ids)


def test_bus_records_never_travel_on_the_post_stream_of_the_sending_request(own_bus):
    peer = own_bus.join("llm-self")
    reply = peer.session.call("tools/call", {"name": "blender_send_message",
                                             "arguments": {"payload": {"to": "myself"}, "target_uuid": "llm-self"}},
                              accept=JSON_AND_SSE)
    assert reply.status == 200, reply
    messages = [e.json() for e in reply.sse.events] if reply.content_type == SSE else [reply.json()]
    assert [m.get("method") for m in messages] == [None], messages
    [record] = peer.wait_records(1)
    assert record.payload == {"to": "myself"}


# re-registration moves delivery -------------------------------------------------------------------


def test_after_re_registration_only_the_new_session_receives_the_uuids_records(own_bus):
    old = own_bus.join("llm-moving")
    register(old.session, "llm-old-home")
    old.uuid = "llm-old-home"  # markers for the old session now go to the uuid it keeps
    new = own_bus.join("llm-moving")
    sent = send_ok(own_bus.observer, {"to": "moving"}, target_uuid="llm-moving")
    assert sent["targets"] == ["llm-moving"]
    [record] = new.wait_records(1)
    assert record.data["message_id"] == sent["message_id"]
    assert_no_new_records(old, 0, own_bus.observer)


# priorities and levels ----------------------------------------------------------------------------

PRIORITY_SPELLINGS = [("emergency", 0), ("ALERT", 1), ("Critical", 2), ("eRRoR", 3), ("warning", 4), ("NOTICE", 5),
                      ("Info", 6), ("debug", 7)] + [(n, n) for n in range(8)]


@pytest.mark.parametrize("priority,number", PRIORITY_SPELLINGS)
def test_priority_is_a_level_name_in_any_case_or_an_integer_and_names_the_record_level(own_bus, peers, priority,
                                                                                    number):
    sent = send_ok(own_bus.observer, {"p": priority}, target_uuid="blender-c", priority=priority)
    [record] = peers["blender-c"].wait_records(1)
    assert (record.data["priority"], record.level) == (number, LEVELS[number])
    assert record.data["message_id"] == sent["message_id"]


def test_the_default_priority_is_info(own_bus, peers):
    send_ok(own_bus.observer, {"p": None}, target_uuid="llm-a", priority=None)
    send_ok(own_bus.observer, {"p": "omitted"}, target_uuid="llm-a")
    records = peers["llm-a"].wait_records(2)
    assert [(r.data["priority"], r.level) for r in records] == [(6, "info"), (6, "info")]


LEVEL_CASES = [(None, "info", False), (None, "notice", False), (None, "debug", False), (None, "warning", True),
               (None, "emergency", True), ("notice", "notice", True), ("notice", "info", False),
               ("emergency", "emergency", True), ("emergency", "alert", False), ("debug", "debug", True),
               ("error", 3, True), ("error", 4, False)]


@pytest.mark.parametrize("session_level,priority,delivered", LEVEL_CASES)
def test_a_record_is_delivered_only_when_its_priority_is_within_the_session_level(own_bus, session_level, priority,
                                                                                  delivered):
    """None: the session never set a level, so it has the default `warning`."""
    peer = own_bus.join("llm-levels", level=session_level)
    sent = send_ok(own_bus.observer, {"p": priority}, target_uuid="llm-levels", priority=priority)
    assert sent["targets"] == ["llm-levels"]
    assert sent["filtered_by_level"] == ([] if delivered else ["llm-levels"])
    assert sent["offline"] == []
    if delivered:
        [record] = peer.wait_records(1)
        assert record.data["message_id"] == sent["message_id"]
    else:
        assert_no_new_records(peer, 0, own_bus.observer)


def test_filtered_by_level_lists_exactly_the_suppressed_recipients_of_a_broadcast(own_bus):
    quiet = own_bus.join("llm-quiet", level=None)
    loud = own_bus.join("llm-loud", level="debug")
    middle = own_bus.join("llm-middle", level="info")
    sent = send_ok(own_bus.observer, {"x": "debug"}, priority="debug")
    assert sorted(sent["targets"]) == ["llm-loud", "llm-middle", "llm-quiet"]
    assert sorted(sent["filtered_by_level"]) == ["llm-middle", "llm-quiet"]
    assert loud.wait_records(1)[0].data["message_id"] == sent["message_id"]
    for peer in (quiet, middle):
        assert_no_new_records(peer, 0, own_bus.observer)


def test_raising_the_level_later_lets_the_same_priority_through(own_bus):
    peer = own_bus.join("llm-later", level=None)
    first = send_ok(own_bus.observer, {"n": 1}, target_uuid="llm-later", priority="info")
    assert first["filtered_by_level"] == ["llm-later"]
    assert peer.session.result("logging/setLevel", {"level": "info"}) == {}
    second = send_ok(own_bus.observer, {"n": 2}, target_uuid="llm-later", priority="info")
    assert second["filtered_by_level"] == []
    [record] = peer.wait_records(1)
    assert record.data["message_id"] == second["message_id"]


# offline ------------------------------------------------------------------------------------------


def test_records_for_an_offline_persistent_client_are_listed_as_offline(own_bus, peers):
    gone = own_bus.join("blender-offline", "blender", is_persistent=True)
    assert gone.session.delete().status == 200
    assert wait_until(lambda: own_bus.client("blender-offline")["online"] is False, timeout=10)
    direct = send_ok(own_bus.observer, {"x": 1}, target_uuid="blender-offline")
    assert (direct["targets"], direct["filtered_by_level"], direct["offline"]) == \
        (["blender-offline"], [], ["blender-offline"])
    typed = send_ok(own_bus.observer, {"x": 2}, client_type="blender", priority="debug")
    assert sorted(typed["targets"]) == ["blender-b", "blender-c", "blender-offline"]
    assert typed["offline"] == ["blender-offline"] and typed["filtered_by_level"] == []
    broadcast = send_ok(peers["llm-a"].session, {"x": 3}, from_uuid="llm-a")
    assert sorted(broadcast["targets"]) == ["blender-b", "blender-c", "blender-offline", "llm-d"]
    assert broadcast["offline"] == ["blender-offline"]
