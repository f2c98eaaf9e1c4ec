"""Contract §4.2, §5 (common rules), §8.1: one bus per user. Two users, demo and a user added with
the CLI, on a server of their own: neither can see, reach, change or count the other's bus."""
from __future__ import annotations

import pytest

from blackbox.bus_helpers import (assert_no_new_records, bus_for, job_update, job_update_ok, read_resource,  # noqa: F401
                                  register, send_ok, stable, unregister, uuids)
from blackbox.checks import SESSION_NOT_FOUND_BODY, assert_json
from blackbox.processes import add_user, remove_user
from blackbox.wire import SSE, rpc
from support.server_process import STORE_KINDS
from support.cluster import TOPOLOGIES

# Every test runs against one node and against a cluster of two (its clients spread over both).
pytestmark = pytest.mark.parametrize("topology", TOPOLOGIES, indirect=True, scope="session")

CLIENT_LIMIT = 256


@pytest.fixture
def buses(fresh_server, new_user, bus_for):
    """(demo's bus, the other user's bus) on a server used by this test only."""
    return bus_for(fresh_server), bus_for(fresh_server, *new_user(fresh_server))


def test_each_user_lists_only_the_clients_of_their_own_bus(buses):
    demo, other = buses
    demo.join("blender-demo01", "blender", is_persistent=True)
    demo.join("llm-demo")
    other.join("llm-other")
    demo_listing, other_listing = demo.listing(), other.listing()
    assert (uuids(demo_listing["persistent"]), uuids(demo_listing["ephemeral"])) == (["blender-demo01"], ["llm-demo"])
    assert (uuids(other_listing["persistent"]), uuids(other_listing["ephemeral"])) == ([], ["llm-other"])
    assert demo_listing["user_id"] == "demo" and other_listing["user_id"] == other.user_id


def test_the_bus_resources_describe_only_the_callers_bus(buses):
    demo, other = buses
    demo.join("blender-demo01", "blender", is_persistent=True)
    send_ok(demo.observer, {"job_id": "job-demo"}, target_uuid="blender-demo01", from_uuid="llm-demo")
    other.join("llm-other")
    assert demo.stats() == {"user_id": "demo", "persistent_count": 1, "ephemeral_count": 0,
                            "pending_jobs_for_user": 1}
    assert other.stats() == {"user_id": other.user_id, "persistent_count": 0, "ephemeral_count": 1,
                             "pending_jobs_for_user": 0}
    clients = read_resource(other.observer, "blender://bus/clients")
    assert clients["user_id"] == other.user_id
    assert (clients["persistent"], uuids(clients["ephemeral"])) == ([], ["llm-other"])


def test_the_same_uuid_on_two_buses_is_two_independent_clients(buses):
    demo, other = buses
    mine = demo.join("shared-uuid", "blender", is_persistent=True, capabilities=["gpu"])
    theirs = other.join("shared-uuid", "llm")
    assert stable(demo.client("shared-uuid"))["client_type"] == "blender"
    assert stable(other.client("shared-uuid"))["client_type"] == "llm"
    sent = send_ok(other.observer, {"from": "other"}, target_uuid="shared-uuid")
    assert sent["targets"] == ["shared-uuid"]
    assert theirs.wait_records(1)[0].data["user_id"] == other.user_id
    assert_no_new_records(mine, 0, demo.observer)


def test_a_user_cannot_message_the_clients_of_another_bus(buses):
    demo, other = buses
    victim = demo.join("blender-demo01", "blender", group_id="studio")
    other.join("llm-other")
    for fields in ({"target_uuid": "blender-demo01"}, {"group_id": "studio"}, {"client_type": "blender"}, {}):
        sent = send_ok(other.observer, {"intrusion": fields}, priority="emergency", **fields)
        assert "blender-demo01" not in sent["targets"], (fields, sent)
    assert_no_new_records(victim, 0, demo.observer)


def test_a_user_cannot_unregister_a_client_of_another_bus(buses):
    demo, other = buses
    demo.join("blender-demo01", "blender", is_persistent=True)
    assert unregister(other.observer, "blender-demo01") == {"status": "not_found", "client_uuid": "blender-demo01"}
    assert demo.client("blender-demo01") is not None


def test_re_registering_anothers_uuid_creates_a_client_on_the_own_bus_only(buses):
    demo, other = buses
    original = demo.join("blender-demo01", "blender", is_persistent=True)
    register(other.observer, "blender-demo01", "llm", is_persistent=False)
    assert stable(demo.client("blender-demo01")) == stable(original.client)
    sent = send_ok(demo.observer, {"still": "mine"}, target_uuid="blender-demo01")
    assert original.wait_records(1)[0].data["message_id"] == sent["message_id"]


def test_a_user_cannot_answer_or_detect_another_users_job(buses):
    """A job id that only another user has is an unknown job for the caller: the same answer as
    for an id nobody uses (a broadcast on the caller's own bus), and the other user's entry stays."""
    demo, other = buses
    originator = demo.join("llm-demo")
    target = demo.join("blender-demo01", "blender")
    send_ok(originator.session, {"job_id": "job-demo"}, target_uuid="blender-demo01", from_uuid="llm-demo")
    target.wait_records(1)
    intruder = other.join("blender-demo01", "blender")
    forged = job_update_ok(intruder.session, "job-demo", "completed", result="forged")
    unknown = job_update_ok(intruder.session, "job-nobody-has", "completed", result="forged")
    assert forged == unknown == {"status": "ok", "delivered": "broadcast", "targets": ["blender-demo01"],
                                 "filtered_by_level": [], "offline": []}
    assert [r.payload["job_id"] for r in intruder.wait_records(2)] == ["job-demo", "job-nobody-has"]
    assert demo.stats()["pending_jobs_for_user"] == 1
    assert_no_new_records(originator, 0, demo.observer)
    settled = job_update_ok(target.session, "job-demo", "completed", result="3\n")
    assert (settled["delivered"], settled["targets"]) == ("direct", ["llm-demo"])
    reply = originator.wait_records(2)[1]  # after the marker of assert_no_new_records
    assert (reply.payload["job_id"], reply.payload["result"]) == ("job-demo", "3\n")
    assert demo.stats()["pending_jobs_for_user"] == 0


def test_both_users_may_use_the_same_job_id_without_interfering(buses):
    demo, other = buses
    peers = {}
    for bus, name in ((demo, "demo"), (other, "other")):
        originator = bus.join("llm-orig")
        target = bus.join("blender-t", "blender")
        send_ok(originator.session, {"message_type": "job_dispatch", "job_id": "job-abc123", "script": name},
                target_uuid="blender-t", from_uuid="llm-orig")
        assert target.wait_records(1)[0].payload["script"] == name
        peers[name] = (originator, target)
    assert demo.stats()["pending_jobs_for_user"] == 1 and other.stats()["pending_jobs_for_user"] == 1
    update = job_update_ok(peers["other"][1].session, "job-abc123", "completed", result="other\n")
    assert (update["delivered"], update["targets"]) == ("direct", ["llm-orig"])
    assert demo.stats()["pending_jobs_for_user"] == 1 and other.stats()["pending_jobs_for_user"] == 0
    update = job_update_ok(peers["demo"][1].session, "job-abc123", "completed", result="demo\n")
    assert (update["delivered"], update["targets"]) == ("direct", ["llm-orig"])
    for name in ("demo", "other"):
        [record] = peers[name][0].wait_records(1)
        assert record.payload["result"] == f"{name}\n"
        assert record.data["user_id"] == (demo.user_id if name == "demo" else other.user_id)
    assert demo.stats()["pending_jobs_for_user"] == 0


def test_a_broadcast_job_update_stays_on_the_callers_bus(buses):
    demo, other = buses
    bystander = demo.join("llm-demo")
    caller = other.join("blender-other", "blender")
    update = job_update_ok(caller.session, "job-unknown-anywhere", "completed")
    assert (update["delivered"], update["targets"]) == ("broadcast", ["blender-other"])
    assert_no_new_records(bystander, 0, demo.observer)


def test_another_users_session_id_is_not_found_for_every_verb(buses):
    demo, other = buses
    mine = demo.join("llm-demo")
    mcp = other.mcp
    assert assert_json(mcp.post(rpc("ping"), session=mine.session.id), 404) == SESSION_NOT_FOUND_BODY
    assert assert_json(mcp.post(rpc("tools/call", {"name": "blender_list_available_clients", "arguments": {}}),
                                session=mine.session.id), 404) == SESSION_NOT_FOUND_BODY
    assert assert_json(mcp.get(session=mine.session.id, accept=SSE), 404) == SESSION_NOT_FOUND_BODY
    assert assert_json(mcp.delete(mine.session.id), 404) == SESSION_NOT_FOUND_BODY
    assert mine.session.result("ping") == {}, "the owner's session is untouched"
    assert demo.client("llm-demo")["online"] is True


def test_the_client_limit_is_per_bus(buses):
    demo, other = buses
    session = demo.session()
    for n in range(CLIENT_LIMIT):
        register(session, f"client-{n:03d}")
    assert register(other.observer, "client-000")["uuid"] == "client-000"
    assert other.listing()["ephemeral"][0]["uuid"] == "client-000"


def test_health_counts_every_bus_without_naming_users(buses, fresh_server, http_for):
    demo, other = buses
    demo.join("blender-demo01", "blender", is_persistent=True)
    demo.join("llm-demo")
    other.join("llm-other")
    reply = http_for(fresh_server).health()
    body = reply.json()
    assert set(body) == {"status", "buses", "clients", "version"}
    assert (body["status"], body["buses"], body["clients"]) == ("healthy", 2, 3)
    assert "demo" not in reply.text and other.user_id not in reply.text


REMOVED_USER_CHECK = 25  # seconds: the server checks every 10 s (contract §3.6 allows 30 s)


@pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True, scope="session")
def test_a_user_created_again_under_a_removed_users_name_gets_none_of_the_old_accounts_bus(
        server, new_user, bus_for):
    """The new account (another `uid`) must not share a bus with sessions the old account left
    open: every session of the name ends, and the bus starts empty (docs/architecture.md)."""
    username, password = new_user(server)
    old = bus_for(server, username, password)
    old_blender = old.join("blender-old", "blender", is_persistent=True)
    send_ok(old.observer, {"job_id": "job-old"}, target_uuid="blender-old", from_uuid="llm-old")
    old_blender.wait_records(1)
    remove_user(server.store, username)
    add_user(server.store, username, "another-password-2")
    new = bus_for(server, username, "another-password-2")
    new_llm = new.join("llm-new")
    assert old_blender.stream.ended.wait(REMOVED_USER_CHECK), "the old account's stream stayed open"
    assert new_llm.stream.ended.wait(5), "the name's sessions all end, the new account's too"
    again = bus_for(server, username, "another-password-2")
    assert again.listing()["persistent"] == [] and again.listing()["ephemeral"] == []
    assert again.stats()["pending_jobs_for_user"] == 0
