"""The pump's intake and queue (contract 9.7): filtering, priority order, de-duplication, cancel."""
from __future__ import annotations

import json
import threading
import time

from .. import paths  # noqa: F401
from blender_mcp.job_queue import JobQueue

ME = "blender-me"


def record(job_id: str, *, level: str = "info", message_id: str | None = None, target: str | None = ME,
           payload: dict | None = None, logger: str = "_message_bus", as_text: bool = False) -> dict:
    data = {"user_id": "demo", "from_uuid": "llm-1", "target_uuid": target, "routing": {"type": "direct"},
            "payload": payload if payload is not None else
            {"message_type": "job_dispatch", "job_id": job_id, "script": "print(1)"},
            "job_id": job_id, "message_id": message_id or f"m-{job_id}", "priority": 6, "timestamp": 1.0}
    return {"jsonrpc": "2.0", "method": "notifications/message",
            "params": {"level": level, "logger": logger, "data": json.dumps(data) if as_text else data}}


def drain(queue: JobQueue) -> list[str]:
    order = []
    while (job := queue.pop()) is not None:
        order.append(job.job_id)
    return order


def test_jobs_run_by_priority_then_in_arrival_order():
    queue = JobQueue(ME)
    for job_id, level in [("a", "info"), ("b", "debug"), ("c", "emergency"), ("d", "info"), ("e", "warning")]:
        queue.offer(record(job_id, level=level))
    assert drain(queue) == ["c", "e", "a", "d", "b"]


def test_only_bus_notifications_for_this_client_with_a_string_job_id_become_jobs():
    queue = JobQueue(ME)
    assert queue.offer(record("x", logger="other")) is None
    assert queue.offer(record("x", target="blender-other")) is None
    assert queue.offer(record("x", payload={"message_type": "job_dispatch", "job_id": 5, "script": ""})) is None
    assert queue.offer(record("x", payload={"kind": "job_update", "job_id": "x"})) is None
    assert queue.offer(record("x", payload={"message_type": "job_dispatch", "job_id": "x"})) is None  # no script
    assert queue.offer({"jsonrpc": "2.0", "id": 3, "result": {}}) is None
    bad_text = record("x")
    bad_text["params"]["data"] = "{not json"
    assert queue.offer(bad_text) is None
    assert len(queue) == 0


def test_data_sent_as_json_text_is_accepted_and_an_unknown_level_counts_as_info():
    queue = JobQueue(ME)
    queue.offer(record("late", level="info"))
    job = queue.offer(record("text", level="loud", as_text=True))
    assert job.priority == 6 and job.kind == "script"
    assert drain(queue) == ["late", "text"]


def test_a_command_dispatch_becomes_a_command_job_with_its_params():
    queue = JobQueue(ME)
    job = queue.offer(record("j-1", payload={"message_type": "command_dispatch", "job_id": "j-1",
                                             "command": "get_object_info", "params": {"name": "Cube"}}))
    assert (job.kind, job.command, job.params, job.from_uuid) == ("command", "get_object_info", {"name": "Cube"},
                                                                   "llm-1")


def test_a_replayed_message_id_is_dropped_but_the_same_job_id_with_a_new_message_id_is_served():
    queue = JobQueue(ME)
    assert queue.offer(record("job-1", message_id="m-1")) is not None
    assert queue.offer(record("job-1", message_id="m-1")) is None
    assert queue.offer(record("job-1", message_id="m-2")) is not None
    assert drain(queue) == ["job-1", "job-1"] and queue.duplicates == 1


def test_a_cancel_record_removes_a_queued_job_and_reports_it():
    cancelled = []
    queue = JobQueue(ME, on_cancelled=cancelled.append)
    queue.offer(record("keep"))
    queue.offer(record("drop"))
    queue.offer(record("cancel-1", payload={"message_type": "cancel", "job_id": "drop"}))
    queue.offer(record("cancel-2", payload={"message_type": "cancel", "job_id": "unknown"}))
    assert [job.job_id for job in cancelled] == ["drop"]
    assert drain(queue) == ["keep"]


def test_a_cancel_for_a_job_that_is_not_queued_goes_to_the_running_job():
    running = []
    queue = JobQueue(ME, on_cancel_running=lambda job_id: running.append(job_id) or True)
    queue.offer(record("queued"))
    queue.offer(record("cancel-1", payload={"message_type": "cancel", "job_id": "queued"}))
    queue.offer(record("cancel-2", payload={"message_type": "cancel", "job_id": "rendering"}))
    assert running == ["rendering"]


def test_a_waiting_pop_returns_as_soon_as_a_job_is_offered_from_another_thread():
    queue = JobQueue(ME)
    threading.Timer(0.05, lambda: queue.offer(record("now"))).start()
    started = time.monotonic()
    job = queue.pop(timeout=5.0)
    assert job is not None and job.job_id == "now"
    assert time.monotonic() - started < 4.0


def test_calls_handed_over_by_network_threads_run_in_order_on_run_calls():
    queue = JobQueue(ME)
    seen = []
    queue.call_soon(lambda: seen.append(1))
    queue.call_soon(lambda: seen.append(2))
    assert queue.pop(timeout=1.0) is None  # wakes for the calls, returns no job
    assert queue.run_calls() == 2 and seen == [1, 2]
