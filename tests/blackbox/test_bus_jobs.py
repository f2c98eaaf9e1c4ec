"""Contract §5.1 (`blender_job_update`), §8.8: pending-job entries from `blender_send_message` with
`from_uuid`, replies routed direct to the originator at `notice`, the broadcast fallback, and the
`not_job_target` refusal. A job id that only another user has is an unknown job for the caller (its
reply is broadcast on the caller's bus), never `cross_user_job_update` (docs/architecture.md)."""
from __future__ import annotations

import pytest

from blackbox.bus_helpers import (UUID4, assert_no_new_records, assert_record, bus_for, call,  # noqa: F401
                                  job_update, job_update_ok, own_bus, register, send_ok)
from blackbox.wire import wait_until
from support.cluster import TOPOLOGIES

# Every test runs against one node and against a cluster of two (its clients spread over both).
pytestmark = pytest.mark.parametrize("topology", TOPOLOGIES, indirect=True, scope="session")

SCRIPT = "import bpy\nprint(len(bpy.data.objects))"


def _reply(job_id: str, status: str, result: str = "", error: str = "") -> dict:
    return {"kind": "job_update", "job_id": job_id, "status": status, "result": result, "error": error}


def _dispatch(sender, job_id: str, target: str, from_uuid: str | None = "llm-orig", **fields) -> dict:
    payload = {"message_type": "job_dispatch", "job_id": job_id, "script": SCRIPT}
    extra = {"from_uuid": from_uuid} if from_uuid is not None else {}
    sent = send_ok(sender, payload, target_uuid=target, **extra, **fields)
    assert sent["job_id"] == job_id
    return sent


def _pending(bus) -> int:
    return bus.stats()["pending_jobs_for_user"]


@pytest.fixture
def orig(own_bus):
    return own_bus.join("llm-orig")


@pytest.fixture
def target(own_bus):
    return own_bus.join("blender-t", "blender", is_persistent=True)


# the direct reply ---------------------------------------------------------------------------------


def test_a_terminal_update_goes_direct_to_the_originator_at_notice(own_bus, orig, target):
    sent = _dispatch(orig.session, "job-abc123", "blender-t")
    assert sent["targets"] == ["blender-t"]
    [dispatch] = target.wait_records(1)
    assert dispatch.data["payload"]["message_type"] == "job_dispatch"
    update = job_update(target.session, "job-abc123", "completed", result="3\n")
    assert update == {"status": "ok", "delivered": "direct", "targets": ["llm-orig"], "filtered_by_level": [],
                      "offline": []}
    [record] = orig.wait_records(1)
    message_id = record.data["message_id"]
    assert UUID4.match(message_id) and message_id != sent["message_id"]
    assert_record(record, user_id=own_bus.user_id, from_uuid=f"server:{own_bus.user_id}", target_uuid="llm-orig",
                  routing={"type": "direct", "target_uuid": "llm-orig"},
                  payload=_reply("job-abc123", "completed", "3\n"), job_id="job-abc123", message_id=message_id,
                  priority=5)
    assert_no_new_records(target, 1, own_bus.observer)


def test_a_progress_record_sent_by_the_jobs_target_with_its_job_id_does_not_take_the_job_over(own_bus, orig,
                                                                                              target):
    _dispatch(orig.session, "job-progress", "blender-t")
    target.wait_records(1)
    progress = {"kind": "progress", "job_id": "job-progress", "percent": 50.0, "message": "half", "frame": None}
    sent = send_ok(target.session, progress, target_uuid="llm-orig", from_uuid="blender-t", priority="notice")
    assert sent["targets"] == ["llm-orig"], sent
    assert own_bus.stats()["pending_jobs_for_user"] == 1
    update = job_update(target.session, "job-progress", "completed", result="3\n")
    assert (update["status"], update["delivered"], update["targets"]) == ("ok", "direct", ["llm-orig"]), update
    records = orig.wait_records(2)
    assert [r.data["payload"]["kind"] for r in records] == ["progress", "job_update"], [r.data for r in records]
    assert _pending(own_bus) == 0


def test_a_bus_job_can_be_read_with_blender_get_job_while_pending_and_after_its_reply(own_bus, orig, target):
    _dispatch(orig.session, "job-readable", "blender-t")
    pending = call(orig.session, "blender_get_job", {"job_id": "job-readable"})
    assert pending["status"] == "ok", pending
    job = pending["job"]
    assert (job["job_id"], job["target_uuids"], job["state"], job["result"], job["error"]) == \
        ("job-readable", ["blender-t"], "pending", "", ""), job
    assert "command" not in job and "finished_at" not in job, job
    job_update_ok(target.session, "job-readable", "running", progress=0.5)
    assert call(orig.session, "blender_get_job", {"job_id": "job-readable"})["job"]["progress"] == 0.5
    job_update_ok(target.session, "job-readable", "completed", result="3\n")
    done = call(own_bus.observer, "blender_get_job", {"job_id": "job-readable"})["job"]
    assert (done["state"], done["result"], done["error"]) == ("completed", "3\n", ""), done
    assert done["finished_at"] >= done["created_at"], done


def test_a_message_sent_without_from_uuid_is_no_job_for_blender_get_job(own_bus, orig, target):
    _dispatch(orig.session, "job-untracked", "blender-t", from_uuid=None)
    assert call(orig.session, "blender_get_job", {"job_id": "job-untracked"}) == \
        {"status": "not_found", "job_id": "job-untracked"}


def test_a_failed_update_carries_its_result_and_error_verbatim(own_bus, orig, target):
    _dispatch(orig.session, "job-fail", "blender-t")
    text = "partial\nout \"quoted\" ü\t"
    job_update_ok(target.session, "job-fail", "failed", result=text, error="Traceback: boom")
    [record] = orig.wait_records(1)
    assert record.payload == _reply("job-fail", "failed", text, "Traceback: boom")


def test_a_job_reply_is_filtered_at_the_default_warning_level(own_bus, target):
    quiet = own_bus.join("llm-orig", level=None)
    _dispatch(quiet.session, "job-quiet", "blender-t")
    update = job_update_ok(target.session, "job-quiet", "completed", result="3\n")
    assert (update["delivered"], update["targets"], update["filtered_by_level"]) == \
        ("direct", ["llm-orig"], ["llm-orig"])
    assert_no_new_records(quiet, 0, own_bus.observer)


def test_a_reply_to_an_originator_that_is_no_client_goes_direct_to_nobody(own_bus, target):
    _dispatch(own_bus.observer, "job-ghost", "blender-t", from_uuid="llm-ghost")
    assert _pending(own_bus) == 1
    update = job_update_ok(target.session, "job-ghost", "completed")
    assert (update["delivered"], update["targets"], update["offline"]) == ("direct", [], [])
    assert _pending(own_bus) == 0


def test_a_reply_to_an_offline_persistent_originator_is_listed_as_offline(own_bus, target):
    gone = own_bus.join("llm-orig", is_persistent=True)
    _dispatch(gone.session, "job-away", "blender-t")
    assert gone.session.delete().status == 200
    assert wait_until(lambda: own_bus.client("llm-orig")["online"] is False, timeout=10)
    update = job_update_ok(target.session, "job-away", "completed")
    assert (update["delivered"], update["targets"], update["offline"]) == ("direct", ["llm-orig"], ["llm-orig"])


# entries: created, kept, replaced, closed ---------------------------------------------------------


def test_only_a_send_with_from_uuid_records_a_pending_job(own_bus, orig, target):
    assert _pending(own_bus) == 0
    _dispatch(own_bus.observer, "job-anonymous", "blender-t", from_uuid=None)
    assert _pending(own_bus) == 0
    _dispatch(orig.session, "job-one", "blender-t")
    _dispatch(orig.session, "job-two", "blender-t")
    assert _pending(own_bus) == 2


@pytest.mark.parametrize("terminal", ["completed", "failed", "cancelled"])
def test_a_terminal_status_closes_the_entry_and_running_does_not(own_bus, orig, target, terminal):
    _dispatch(orig.session, "job-life", "blender-t")
    assert _pending(own_bus) == 1
    assert job_update_ok(target.session, "job-life", "running")["delivered"] == "direct"
    assert job_update_ok(target.session, "job-life", "running", progress=0.5,
                         progress_message="halfway")["delivered"] == "direct"
    assert _pending(own_bus) == 1
    assert job_update_ok(target.session, "job-life", terminal, result="done\n")["targets"] == ["llm-orig"]
    assert _pending(own_bus) == 0
    records = orig.wait_records(3)
    assert [r.data["routing"]["type"] for r in records] == ["direct"] * 3
    assert records[0].payload == _reply("job-life", "running")
    assert {k: records[1].payload[k] for k in _reply("job-life", "running")} == _reply("job-life", "running")
    assert records[2].payload == _reply("job-life", terminal, "done\n")
    late = job_update_ok(target.session, "job-life", "completed")
    assert late["delivered"] == "broadcast", "after the terminal update the job is unknown"


def test_a_later_send_with_the_same_job_id_replaces_the_entry(own_bus, orig, target):
    other_orig = own_bus.join("llm-orig-2")
    other_target = own_bus.join("blender-t2", "blender")
    _dispatch(orig.session, "job-same", "blender-t")
    _dispatch(other_orig.session, "job-same", "blender-t2", from_uuid="llm-orig-2")
    assert _pending(own_bus) == 1
    assert job_update(target.session, "job-same", "completed") == {"status": "error", "error": "not_job_target"}
    update = job_update_ok(other_target.session, "job-same", "completed", result="2\n")
    assert (update["delivered"], update["targets"]) == ("direct", ["llm-orig-2"])
    assert other_orig.wait_records(1)[0].payload == _reply("job-same", "completed", "2\n")
    assert_no_new_records(orig, 0, own_bus.observer)
    assert _pending(own_bus) == 0


def test_any_target_of_a_group_job_may_reply(own_bus, orig):
    own_bus.join("blender-1", "blender", group_id="farm")
    second = own_bus.join("blender-2", "blender", group_id="farm")
    sent = send_ok(orig.session, {"message_type": "job_dispatch", "job_id": "job-farm", "script": SCRIPT},
                   group_id="farm", from_uuid="llm-orig")
    assert sorted(sent["targets"]) == ["blender-1", "blender-2"]
    update = job_update_ok(second.session, "job-farm", "completed", result="ok\n")
    assert (update["delivered"], update["targets"]) == ("direct", ["llm-orig"])
    assert _pending(own_bus) == 0


# refusals -----------------------------------------------------------------------------------------


def test_an_update_from_a_session_not_bound_to_a_target_is_not_job_target(own_bus, orig, target):
    bystander = own_bus.join("blender-bystander", "blender")
    _dispatch(orig.session, "job-guarded", "blender-t")
    for session in (bystander.session, orig.session, own_bus.observer):
        assert job_update(session, "job-guarded", "completed", result="forged") == \
            {"status": "error", "error": "not_job_target"}
    assert _pending(own_bus) == 1
    assert_no_new_records(orig, 0, own_bus.observer)
    assert job_update_ok(target.session, "job-guarded", "completed")["delivered"] == "direct"


def test_after_the_target_re_registers_elsewhere_only_its_new_session_may_reply(own_bus, orig, target):
    _dispatch(orig.session, "job-moved", "blender-t")
    moved = own_bus.join("blender-t", "blender", is_persistent=True)
    assert job_update(target.session, "job-moved", "completed") == {"status": "error", "error": "not_job_target"}
    assert job_update_ok(moved.session, "job-moved", "completed")["targets"] == ["llm-orig"]


def test_an_update_for_another_users_job_is_answered_as_for_an_unknown_job(server, new_user, bus_for, own_bus,
                                                                            orig, target):
    _dispatch(orig.session, "job-private", "blender-t")
    target.wait_records(1)
    other = bus_for(server, *new_user(server))
    intruder = other.join("blender-t", "blender")
    update = job_update_ok(intruder.session, "job-private", "completed", result="forged")
    assert update == {"status": "ok", "delivered": "broadcast", "targets": ["blender-t"],
                      "filtered_by_level": [], "offline": []}
    [record] = intruder.wait_records(1)
    assert_record(record, user_id=other.user_id, from_uuid=f"server:{other.user_id}", target_uuid="blender-t",
                  routing={"type": "broadcast"}, payload=_reply("job-private", "completed", "forged"),
                  job_id="job-private", message_id=record.data["message_id"], priority=5)
    assert _pending(own_bus) == 1 and _pending(other) == 0
    assert_no_new_records(orig, 0, own_bus.observer)
    assert_no_new_records(target, 1, own_bus.observer)
    settled = job_update_ok(target.session, "job-private", "completed", result="3\n")
    assert (settled["delivered"], settled["targets"]) == ("direct", ["llm-orig"])
    reply = orig.wait_records(2)[1]  # after the marker of assert_no_new_records
    assert reply.payload == _reply("job-private", "completed", "3\n")
    assert _pending(own_bus) == 0


# the broadcast fallback ---------------------------------------------------------------------------


def test_an_update_for_an_unknown_job_is_broadcast_to_every_client_of_the_callers_bus(own_bus, orig, target):
    update = job_update_ok(target.session, "job-unknown", "completed", result="late\n")
    assert update["delivered"] == "broadcast"
    assert sorted(update["targets"]) == ["blender-t", "llm-orig"], "the origin is the server, so nobody is excluded"
    assert (update["filtered_by_level"], update["offline"]) == ([], [])
    for peer in (orig, target):
        [record] = peer.wait_records(1)
        assert_record(record, user_id=own_bus.user_id, from_uuid=f"server:{own_bus.user_id}",
                      target_uuid=peer.uuid, routing={"type": "broadcast"},
                      payload=_reply("job-unknown", "completed", "late\n"), job_id="job-unknown",
                      message_id=record.data["message_id"], priority=5)


def test_the_reply_to_a_job_sent_without_from_uuid_is_broadcast(own_bus, orig, target):
    _dispatch(own_bus.observer, "job-no-origin", "blender-t", from_uuid=None)
    target.wait_records(1)
    update = job_update_ok(target.session, "job-no-origin", "completed", result="3\n")
    assert update["delivered"] == "broadcast"
    assert sorted(update["targets"]) == ["blender-t", "llm-orig"]
    assert orig.wait_records(1)[0].payload == _reply("job-no-origin", "completed", "3\n")
