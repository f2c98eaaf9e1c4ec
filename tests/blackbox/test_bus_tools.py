"""Contract §5.1, §8.2, §8.3: registering, re-registering, unregistering and listing bus clients, and
how the five bus tools refuse bad input without changing the bus."""
from __future__ import annotations

import re
import time

import pytest

from blackbox.bus_helpers import (CLIENT_INFO_KEYS, assert_invalid_arguments, assert_no_new_records, bus_for,  # noqa: F401
                                  call, own_bus, register, send, send_ok, stable, unregister, uuids)
from blackbox.wire import wait_until
from support.cluster import TOPOLOGIES

# Every test runs against one node and against a cluster of two (its clients spread over both).
pytestmark = pytest.mark.parametrize("topology", TOPOLOGIES, indirect=True, scope="session")

CLIENT_LIMIT = 256


def _assert_fresh_client_info(client: dict, started: float) -> None:
    assert set(client) == CLIENT_INFO_KEYS, client
    assert isinstance(client["connected_at"], float) and isinstance(client["last_seen"], float), client
    assert started - 5 <= client["connected_at"] <= client["last_seen"] <= time.time() + 5, client
    assert client["online"] is True, client
    assert 0 <= client["last_seen_seconds_ago"] < 5, client
    assert round(client["last_seen_seconds_ago"], 1) == client["last_seen_seconds_ago"], client


# registration -------------------------------------------------------------------------------------


def test_registering_returns_ok_and_the_full_client_info(own_bus):
    started = time.time()
    session = own_bus.session()
    result = call(session, "blender_register_client", {
        "client_uuid": "blender-demo01", "client_type": "blender", "is_persistent": True,
        "capabilities": ["python_execution", "gpu"], "group_id": "studio"})
    assert result["status"] == "ok" and set(result) == {"status", "client"}, result
    client = result["client"]
    _assert_fresh_client_info(client, started)
    assert stable(client) == {"uuid": "blender-demo01", "client_type": "blender", "is_persistent": True,
                              "capabilities": ["python_execution", "gpu"], "group_id": "studio",
                              "connected_at": client["connected_at"], "online": True}


def test_registration_defaults_to_an_ephemeral_client_without_capabilities_or_group(own_bus):
    client = register(own_bus.session(), "llm-myclient-001")
    assert (client["client_type"], client["is_persistent"], client["capabilities"], client["group_id"]) == \
        ("llm", False, [], None)


def test_null_capabilities_become_an_empty_list_and_an_empty_group_becomes_null(own_bus):
    client = register(own_bus.session(), "llm-nulls", capabilities=None, group_id="", is_persistent=None)
    assert (client["capabilities"], client["group_id"], client["is_persistent"]) == ([], None, False)


def test_timestamps_in_client_info_have_a_fractional_part_on_the_wire(own_bus):
    raw = own_bus.session().tool("blender_register_client", {"client_uuid": "llm-ts", "client_type": "llm"})
    text = raw["content"][0]["text"]
    for key in ("connected_at", "last_seen"):
        assert re.search(rf'"{key}":\s*\d+\.\d+\s*[,}}]', text), text


@pytest.mark.parametrize("uuid", ["x", "a" * 128, "blender-2f1c9d0e-5b7a-4c3e-9a61-0d8e7f6a5b4c", "server",
                                  "serverx:1", "llm:server:1", "日本語-ü"])
def test_any_uuid_of_1_to_128_visible_characters_not_reserved_is_accepted(own_bus, uuid):
    assert register(own_bus.session(), uuid)["uuid"] == uuid
    assert uuids(own_bus.listing()["ephemeral"]) == [uuid]


def test_list_available_clients_sorts_each_bucket_by_connected_at(own_bus):
    session = own_bus.session()
    for uuid, persistent in [("p-b", True), ("e-b", False), ("p-a", True), ("e-a", False)]:
        register(session, uuid, is_persistent=persistent)
    register(session, "p-b", is_persistent=True)  # re-registration keeps connected_at, so the order too
    listing = own_bus.listing()
    assert uuids(listing["persistent"]) == ["p-b", "p-a"]
    assert uuids(listing["ephemeral"]) == ["e-b", "e-a"]
    for bucket, persistent in (("persistent", True), ("ephemeral", False)):
        assert all(c["is_persistent"] is persistent and set(c) == CLIENT_INFO_KEYS for c in listing[bucket])
        stamps = [c["connected_at"] for c in listing[bucket]]
        assert stamps == sorted(stamps), listing


def test_an_empty_bus_lists_no_clients(own_bus):
    assert own_bus.listing() == {"status": "ok", "user_id": own_bus.user_id, "persistent": [], "ephemeral": []}


def test_last_seen_moves_with_requests_on_the_bound_session(own_bus):
    session = own_bus.session()
    first = register(session, "llm-seen")["last_seen"]

    def moved():
        assert session.result("ping") == {}
        return own_bus.client("llm-seen")["last_seen"] > first

    assert wait_until(moved, timeout=5, interval=0.01)


# re-registration ----------------------------------------------------------------------------------


@pytest.mark.parametrize("first_persistent", [True, False])
def test_re_registration_updates_in_place_and_keeps_bucket_and_connected_at(own_bus, first_persistent):
    first = register(own_bus.session(), "shared-uuid", "llm", is_persistent=first_persistent,
                     capabilities=["chat"], group_id="g1")
    again = register(own_bus.session(), "shared-uuid", "blender", is_persistent=not first_persistent,
                     capabilities=["modeling", "rendering"], group_id="g2")
    assert stable(again) == {"uuid": "shared-uuid", "client_type": "blender", "is_persistent": first_persistent,
                             "capabilities": ["modeling", "rendering"], "group_id": "g2",
                             "connected_at": first["connected_at"], "online": True}
    assert again["last_seen"] >= first["last_seen"]
    listing = own_bus.listing()
    kept, other = ("persistent", "ephemeral") if first_persistent else ("ephemeral", "persistent")
    assert uuids(listing[kept]) == ["shared-uuid"] and listing[other] == []
    assert stable(listing[kept][0]) == stable(again)


def test_re_registration_without_a_group_clears_the_group(own_bus):
    session = own_bus.session()
    register(session, "llm-grouped", group_id="g1", capabilities=["chat"])
    again = register(session, "llm-grouped")
    assert (again["group_id"], again["capabilities"]) == (None, [])


def test_sending_does_not_change_the_senders_client_info(own_bus):
    session = own_bus.session()
    before = stable(register(session, "llm-sender", capabilities=["chat"], group_id="g"))
    send_ok(session, {"x": 1}, from_uuid="llm-sender")
    send_ok(session, {"x": 2}, from_uuid="llm-sender", group_id="other", client_type="blender")
    call(session, "blender_job_update", {"job_id": "job-none", "status": "running"})
    assert stable(own_bus.client("llm-sender")) == before


# unregistration -----------------------------------------------------------------------------------


def test_unregister_removes_the_client_and_is_idempotent(own_bus):
    session = own_bus.session()
    register(session, "llm-gone", is_persistent=True)
    register(session, "llm-stays")
    assert unregister(session, "llm-gone") == {"status": "ok", "client_uuid": "llm-gone"}
    assert unregister(session, "llm-gone") == {"status": "not_found", "client_uuid": "llm-gone"}
    listing = own_bus.listing()
    assert listing["persistent"] == [] and uuids(listing["ephemeral"]) == ["llm-stays"]


def test_unregistering_a_never_registered_uuid_is_not_found(own_bus):
    assert unregister(own_bus.session(), "nobody") == {"status": "not_found", "client_uuid": "nobody"}


def test_any_session_of_the_user_may_unregister_a_client(own_bus):
    register(own_bus.session(), "llm-elsewhere")
    assert unregister(own_bus.session(), "llm-elsewhere")["status"] == "ok"
    assert own_bus.client("llm-elsewhere") is None


def test_a_client_registered_again_after_unregistering_gets_a_new_connected_at(own_bus):
    session = own_bus.session()
    first = register(session, "llm-again", is_persistent=True)
    unregister(session, "llm-again")
    second = register(session, "llm-again", is_persistent=False)
    assert second["is_persistent"] is False, "a new first registration chooses the bucket again"
    assert second["connected_at"] >= first["connected_at"]


# invalid_client_uuid and too_many_clients --------------------------------------------------------


@pytest.mark.parametrize("uuid", ["", "a" * 129, "has space", " leading", "trailing ", "tab\there", "new\nline",
                                  "nul\x00", "bell\x07", "del\x7f", "server:demo", "server:", "server-dispatch:demo",
                                  "server-dispatch:",
                                  # the reserved prefixes in any letter case
                                  "Server:x", "SERVER:demo", "SERVER-DISPATCH:x", "Server-Dispatch:demo"])
def test_a_malformed_or_reserved_uuid_is_invalid_client_uuid_and_changes_nothing(own_bus, uuid):
    session = own_bus.session()
    register(session, "llm-present")
    before = own_bus.state()
    result = call(session, "blender_register_client", {"client_uuid": uuid, "client_type": "llm",
                                                       "is_persistent": True})
    assert result == {"status": "error", "error": "invalid_client_uuid"}
    assert own_bus.state() == before


def test_the_257th_client_of_a_bus_is_too_many_clients(own_bus):
    session = own_bus.session()
    for n in range(CLIENT_LIMIT):
        register(session, f"client-{n:03d}", is_persistent=n % 2 == 0)
    before = own_bus.state()
    assert len(before[0]["persistent"]) + len(before[0]["ephemeral"]) == CLIENT_LIMIT
    result = call(session, "blender_register_client", {"client_uuid": "one-too-many", "client_type": "llm"})
    assert result == {"status": "error", "error": "too_many_clients"}
    assert own_bus.state() == before
    assert register(session, "client-007", "blender")["client_type"] == "blender", "re-registration is not a new client"
    unregister(session, "client-000")
    assert register(session, "one-too-many")["uuid"] == "one-too-many"


# validation failures: isError, and the bus is unchanged ---------------------------------------


NOT_A_STRING = {"not": "a string"}

INVALID_ARGUMENTS = [
    ("blender_register_client", {"client_type": "llm"}),
    ("blender_register_client", {"client_uuid": "llm-x"}),
    ("blender_register_client", {"client_uuid": None, "client_type": "llm"}),
    ("blender_register_client", {"client_uuid": NOT_A_STRING, "client_type": "llm"}),
    ("blender_register_client", {"client_uuid": ["llm-x"], "client_type": "llm"}),
    ("blender_register_client", {"client_uuid": "llm-x", "client_type": NOT_A_STRING}),
    ("blender_register_client", {"client_uuid": "llm-x", "client_type": "llm", "is_persistent": {"yes": 1}}),
    ("blender_register_client", {"client_uuid": "llm-x", "client_type": "llm", "capabilities": {"chat": 1}}),
    ("blender_register_client", {"client_uuid": "llm-x", "client_type": "llm", "group_id": ["g"]}),
    ("blender_unregister_client", {}),
    ("blender_unregister_client", {"client_uuid": NOT_A_STRING}),
    ("blender_send_message", {"target_uuid": "llm-present"}),
    ("blender_send_message", {"payload": None, "target_uuid": "llm-present"}),
    ("blender_send_message", {"payload": "a string", "target_uuid": "llm-present"}),
    ("blender_send_message", {"payload": [1, 2], "target_uuid": "llm-present"}),
    ("blender_send_message", {"payload": {}, "target_uuid": NOT_A_STRING}),
    ("blender_send_message", {"payload": {}, "group_id": ["g"]}),
    ("blender_send_message", {"payload": {}, "client_type": {"t": 1}}),
    ("blender_send_message", {"payload": {}, "target_uuid": "llm-present", "priority": {"level": "info"}}),
    ("blender_send_message", {"payload": {}, "target_uuid": "llm-present", "from_uuid": ["llm-present"]}),
    ("blender_job_update", {"status": "completed"}),
    ("blender_job_update", {"job_id": "job-1"}),
    ("blender_job_update", {"job_id": NOT_A_STRING, "status": "completed"}),
    ("blender_job_update", {"job_id": "job-1", "status": ["completed"]}),
    ("blender_job_update", {"job_id": "job-1", "status": "running", "progress": "half"}),
    ("blender_job_update", {"job_id": "job-1", "status": "completed", "result": {"out": "3\n"}}),
    ("blender_job_update", {"job_id": "job-1", "status": "failed", "error": ["boom"]}),
]


@pytest.mark.parametrize("tool,arguments", INVALID_ARGUMENTS,
                         ids=[f"{tool}-{i}" for i, (tool, _) in enumerate(INVALID_ARGUMENTS)])
def test_invalid_arguments_are_an_error_result_and_change_nothing(own_bus, tool, arguments):
    # The calls come from the session bound to the target of a pending job whose originator is that
    # same client, so a wrongly accepted job update would be delivered to it or close the job.
    watcher = own_bus.join("llm-present", is_persistent=True, group_id="g", capabilities=["chat"])
    send_ok(own_bus.observer, {"job_id": "job-1"}, target_uuid="llm-present", from_uuid="llm-present")
    seen = len(watcher.wait_records(1))
    before = own_bus.state()
    assert before[1]["pending_jobs_for_user"] == 1, before
    assert_invalid_arguments(watcher.session.tool(tool, arguments), tool)
    assert own_bus.state() == before
    assert_no_new_records(watcher, seen, own_bus.observer)


def test_numeric_strings_are_accepted_for_the_progress_number(own_bus):
    session = own_bus.session()
    result = call(session, "blender_job_update", {"job_id": "job-p", "status": "running", "progress": "0.5"})
    assert result["status"] == "ok", result


def test_unknown_extra_arguments_are_ignored(own_bus):
    client = register(own_bus.session(), "llm-extra", bogus=1, another={"x": True})
    assert client["uuid"] == "llm-extra"


# domain errors of blender_send_message: ordinary results, and the bus is unchanged --------------


SEND_ERRORS = [
    ({"priority": "loud"}, "Unknown priority: 'loud'"),
    ({"priority": ""}, "Unknown priority: ''"),
    ({"priority": "informational"}, "Unknown priority: 'informational'"),
    ({"priority": 9}, "Unknown priority: 9"),
    ({"priority": 8}, "Unknown priority: 8"),
    ({"priority": -1}, "Unknown priority: -1"),
    ({"payload": {"job_id": 5}}, "payload.job_id must be a string"),
    ({"payload": {"job_id": ["job-1"]}}, "payload.job_id must be a string"),
    ({"payload": {"job_id": {"id": "job-1"}}}, "payload.job_id must be a string"),
    ({"from_uuid": "server:whoever"}, "invalid_from_uuid"),
    ({"from_uuid": "server:"}, "invalid_from_uuid"),
    ({"from_uuid": "server-dispatch:whoever"}, "invalid_from_uuid"),
    ({"from_uuid": "Server:whoever"}, "invalid_from_uuid"),
    ({"from_uuid": "SERVER-DISPATCH:whoever"}, "invalid_from_uuid"),
]


@pytest.mark.parametrize("fields,error", SEND_ERRORS, ids=[e for _, e in SEND_ERRORS])
def test_a_refused_send_is_an_error_status_and_delivers_nothing(own_bus, fields, error):
    watcher = own_bus.join("llm-present", is_persistent=True)
    sender = own_bus.session()
    before = own_bus.state()
    arguments = {"payload": {"message_type": "job_dispatch", "job_id": "job-2"}, "target_uuid": "llm-present",
                 "from_uuid": "llm-origin", **fields}
    assert call(sender, "blender_send_message", arguments) == {"status": "error", "error": error}
    assert own_bus.state() == before
    assert_no_new_records(watcher, 0, sender)


def test_a_refused_broadcast_delivers_nothing_either(own_bus):
    watcher = own_bus.join("llm-present")
    sender = own_bus.session()
    assert send(sender, {"x": 1}, priority="LOUD") == {"status": "error", "error": "Unknown priority: 'LOUD'"}
    assert send(sender, {"x": 1}, from_uuid="server-dispatch:x") == {"status": "error", "error": "invalid_from_uuid"}
    assert_no_new_records(watcher, 0, sender)
