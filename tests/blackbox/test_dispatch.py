"""Contract §5.2 (dispatch tools), §6 (dispatch-backed resources), §8.7-8.8: target choice, the
command_dispatch round trip, the envelopes, _timeout with a late reply read by blender_get_job,
cancellation, progress, and isolation between users.

The Blender clients are raw MCP sessions (`Bus.join`) whose standalone streams the test reads; the
test answers the command_dispatch records itself with blender_job_update. Dispatch calls block until
the reply, so they run in a background thread (plain JSON replies) or as a streamed POST whose SSE
events are read as they arrive. Every test works on a bus of its own (a user created for it).
"""
from __future__ import annotations

import json
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Iterator

import httpx
import pytest

from blackbox.bus_helpers import (Bus, Peer, Record, assert_invalid_arguments, assert_no_new_records,  # noqa: F401
                                  assert_record, bus_for, call, decoded, job_update_ok, own_bus, read_resource)
from blackbox.wire import JSON, JSON_AND_SSE, SSE, SseEvent, SseParser, Session, login_ok, make_http_client, rpc
from support.cluster import TOPOLOGIES
from support.prometheus import parse_samples, value
from support.server_process import ADMIN_PASSWORD

# Every test runs against one node and against a cluster of two (its clients spread over both).
pytestmark = pytest.mark.parametrize("topology", TOPOLOGIES, indirect=True, scope="session")

JOB_ID = re.compile(r"^j-[0-9a-f]{12}$")
CALL_TIMEOUT = 20.0  # hard cap on waiting for any dispatch call to come back
ENVELOPE_KEYS = {"status", "command", "target_uuid", "job_id", "result", "error"}
NO_CLIENT_HINT = ("No Blender client connected to your bus. Open Blender, enable the BlenderMCP addon, click Login "
                  "then Connect.")
AMBIGUOUS_HINT = "Multiple Blender clients connected; pass target_uuid=<one of candidates> to disambiguate."
UNKNOWN_HINT = "No registered Blender client has that UUID on this bus."
OFFLINE_HINT = ("That Blender client is registered but not connected. Reconnect it in Blender (Login then Connect) "
                "and retry.")
TIMEOUT_HINT = ("The Blender client did not reply in time. The command may still be running there; its reply will "
                "be kept: call blender_get_job with this job_id later. Pass a larger _timeout for long operations.")


# --------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture
def background() -> Iterator[ThreadPoolExecutor]:
    """Runs blocking dispatch calls while the test plays the Blender client."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        yield pool


def blender(bus: Bus, uuid: str) -> Peer:
    """A persistent `blender` client at level debug with its standalone stream open."""
    return bus.join(uuid, "blender", is_persistent=True)


def start_tool(pool: ThreadPoolExecutor, session: Session, tool: str, arguments: dict | None = None) -> Future:
    """A tools/call running in the background; its future gives the decoded tool result."""
    return pool.submit(lambda: decoded(session.tool(tool, arguments or {})))


def next_record(peer: Peer, seen: int) -> Record:
    """The record after the first `seen` ones on the peer's streams (waits, hard cap)."""
    records = peer.wait_records(seen + 1)
    assert len(records) > seen, f"no record after {seen}: {[r.data for r in records]}"
    return records[seen]


def assert_command_record(record: Record, bus: Bus, target: str, command: str, params: dict) -> str:
    """The command_dispatch record of contract §5.2 step 5; returns its job id."""
    job_id = record.data["job_id"]
    assert JOB_ID.match(job_id), record.data
    assert_record(record, user_id=bus.user_id, from_uuid=f"server-dispatch:{bus.user_id}", target_uuid=target,
                  routing={"type": "direct", "target_uuid": target},
                  payload={"message_type": "command_dispatch", "job_id": job_id, "command": command,
                           "params": params},
                  job_id=job_id, message_id=record.data["message_id"], priority=6)
    return job_id


def dispatch_ok(update: dict) -> None:
    """The result of a blender_job_update for a dispatch job: direct, to nobody (§8.8 step 2.4)."""
    assert update == {"status": "ok", "delivered": "direct", "targets": [], "filtered_by_level": [], "offline": []}


def get_job(session: Session, job_id: str) -> dict:
    result = call(session, "blender_get_job", {"job_id": job_id})
    assert result["status"] == "ok" and set(result) == {"status", "job"}, result
    return result["job"]


class PostStream:
    """A POST to /mcp accepting SSE, read by a thread so the test sees each event as it arrives."""

    def __init__(self, session: Session, body: dict) -> None:
        self.body = body
        self.parser = SseParser()
        self.status: int | None = None
        self.content_type = ""
        self.error: Exception | None = None
        self.ended = threading.Event()
        self._changed = threading.Condition()
        self._started = threading.Event()
        self._client = make_http_client(session.mcp.http.source, timeout=CALL_TIMEOUT)
        headers = {"Authorization": f"Bearer {session.mcp.token}", "Mcp-Session-Id": session.id,
                   "Content-Type": JSON, "Accept": JSON_AND_SSE}
        url = session.mcp.http.base_url + session.mcp.path
        threading.Thread(target=self._run, args=(url, headers), daemon=True).start()

    def _run(self, url: str, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("POST", url, content=json.dumps(self.body), headers=headers) as response:
                self.status = response.status_code
                self.content_type = response.headers.get("content-type", "").split(";")[0].strip()
                self._started.set()
                for text in response.iter_text():
                    with self._changed:
                        self.parser.feed(text)
                        self._changed.notify_all()
        except httpx.HTTPError as exc:
            self.error = exc
        finally:
            with self._changed:
                self.ended.set()
                self._started.set()
                self._changed.notify_all()
            self._client.close()

    @property
    def events(self) -> list[SseEvent]:
        with self._changed:
            return list(self.parser.events)

    def wait_for(self, predicate: Callable[[list[SseEvent]], bool], timeout: float = CALL_TIMEOUT) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: predicate(list(self.parser.events)) or self.ended.is_set(),
                                          timeout) and predicate(list(self.parser.events))

    def wait_ended(self, timeout: float = CALL_TIMEOUT) -> bool:
        return self.ended.wait(timeout)

    def messages(self) -> list[dict]:
        return [event.json() for event in self.events]


def tool_call(tool: str, arguments: dict, progress_token: Any = None) -> dict:
    params: dict[str, Any] = {"name": tool, "arguments": arguments}
    if progress_token is not None:
        params["_meta"] = {"progressToken": progress_token}
    return rpc("tools/call", params)


# --------------------------------------------------------------------------------------------------
# Target choice


def test_without_a_blender_client_the_call_returns_exactly_the_no_client_envelope(own_bus):
    llm = own_bus.join("llm-not-blender")  # clients of other types are no candidates
    result = call(llm.session, "blender_get_scene_info")
    assert result == {"status": "no_client", "command": "get_scene_info", "hint": NO_CLIENT_HINT}


def test_two_online_blender_clients_make_the_call_ambiguous_with_the_candidates_sorted(own_bus):
    registered_first = blender(own_bus, "blender-def")
    registered_second = blender(own_bus, "blender-abc")
    result = call(own_bus.observer, "blender_get_scene_info")
    assert result == {"status": "ambiguous_target", "command": "get_scene_info",
                      "candidates": ["blender-abc", "blender-def"], "hint": AMBIGUOUS_HINT}
    for peer in (registered_first, registered_second):  # nothing was sent
        assert_no_new_records(peer, 0, own_bus.observer)


def test_target_uuid_chooses_one_of_two_blender_clients_and_only_it_gets_the_command(own_bus, background):
    other = blender(own_bus, "blender-abc")
    chosen = blender(own_bus, "blender-def")
    pending = start_tool(background, own_bus.observer, "blender_get_object_info",
                         {"name": "Cube", "target_uuid": "blender-def"})
    job_id = assert_command_record(next_record(chosen, 0), own_bus, "blender-def", "get_object_info",
                                   {"name": "Cube"})
    reply = json.dumps({"name": "Cube", "type": "MESH"})
    dispatch_ok(job_update_ok(chosen.session, job_id, "completed", result=reply, error=""))
    envelope = pending.result(CALL_TIMEOUT)
    assert envelope == {"status": "completed", "command": "get_object_info", "target_uuid": "blender-def",
                        "job_id": job_id, "result": reply, "error": ""}
    assert_no_new_records(other, 0, own_bus.observer)


def jobs_gauge(server, http_for) -> list[float]:
    """blender_mcp_jobs as each node's /metrics says (one value for one node)."""
    values = []
    for node in getattr(server, "nodes", [server]):
        http = http_for(node)
        reply = http.request("GET", "/metrics", token=login_ok(http, "admin", ADMIN_PASSWORD).access)
        assert reply.status == 200, reply
        values.append(value(parse_samples(reply.text), "blender_mcp_jobs"))
    return values


def test_a_dispatch_job_is_counted_by_the_jobs_gauge_of_every_node(server, own_bus, background, http_for):
    before = jobs_gauge(server, http_for)
    peer = blender(own_bus, "blender-counted")
    pending = start_tool(background, own_bus.observer, "blender_get_scene_info")
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-counted", "get_scene_info", {})
    job_update_ok(peer.session, job_id, "completed", result="{}", error="")
    assert pending.result(CALL_TIMEOUT)["status"] == "completed"
    after = jobs_gauge(server, http_for)
    assert len(set(before)) == 1 and len(set(after)) == 1, (before, after)  # every node counts them all
    assert after[0] == before[0] + 1, (before, after)


def test_a_single_online_blender_client_is_picked_and_the_envelope_carries_its_failure(own_bus, background):
    peer = blender(own_bus, "blender-demo01")
    pending = start_tool(background, own_bus.observer, "blender_get_polyhaven_categories", {"asset_type": "hdris"})
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-demo01", "get_polyhaven_categories",
                                   {"asset_type": "hdris"})
    job_update_ok(peer.session, job_id, "failed", result="partial\n",
                  error="Unknown command type: get_polyhaven_categories")
    assert pending.result(CALL_TIMEOUT) == {
        "status": "failed", "command": "get_polyhaven_categories", "target_uuid": "blender-demo01",
        "job_id": job_id, "result": "partial\n", "error": "Unknown command type: get_polyhaven_categories"}


def test_an_unregistered_target_uuid_is_unknown_target_and_sends_nothing(own_bus):
    peer = blender(own_bus, "blender-abc")
    result = call(own_bus.observer, "blender_get_scene_info", {"target_uuid": "blender-xyz"})
    assert result == {"status": "unknown_target", "command": "get_scene_info", "target_uuid": "blender-xyz",
                      "hint": UNKNOWN_HINT}
    assert_no_new_records(peer, 0, own_bus.observer)


def test_a_target_uuid_naming_a_client_that_is_not_blender_is_unknown_target(own_bus):
    llm = own_bus.join("llm-helper")
    result = call(own_bus.observer, "blender_get_scene_info", {"target_uuid": "llm-helper"})
    assert result == {"status": "unknown_target", "command": "get_scene_info", "target_uuid": "llm-helper",
                      "hint": UNKNOWN_HINT}
    assert_no_new_records(llm, 0, own_bus.observer)


def test_a_persistent_blender_client_whose_session_ended_is_offline_target_and_skipped_by_auto_pick(own_bus):
    peer = blender(own_bus, "blender-abc")
    assert peer.session.delete().status == 200
    assert own_bus.client("blender-abc")["online"] is False
    result = call(own_bus.observer, "blender_get_scene_info", {"target_uuid": "blender-abc"})
    assert result == {"status": "offline_target", "command": "get_scene_info", "target_uuid": "blender-abc",
                      "hint": OFFLINE_HINT}
    result = call(own_bus.observer, "blender_get_scene_info")
    assert result == {"status": "no_client", "command": "get_scene_info", "hint": NO_CLIENT_HINT}
    assert own_bus.stats()["pending_jobs_for_user"] == 0


def test_an_offline_blender_client_does_not_make_the_auto_pick_ambiguous(own_bus, background):
    gone = blender(own_bus, "blender-abc")
    assert gone.session.delete().status == 200
    live = blender(own_bus, "blender-def")
    pending = start_tool(background, own_bus.observer, "blender_get_scene_info")
    job_id = assert_command_record(next_record(live, 0), own_bus, "blender-def", "get_scene_info", {})
    job_update_ok(live.session, job_id, "completed", result="{}")
    assert pending.result(CALL_TIMEOUT)["target_uuid"] == "blender-def"


# --------------------------------------------------------------------------------------------------
# Parameters on the wire


@pytest.mark.parametrize("tool, arguments, command, params", [
    ("blender_browse_data", {}, "browse_data",
     {"collection": None, "item_name": None, "page": 1, "page_size": 50, "detail_level": "summary"}),
    ("blender_console_operations", {"params": None}, "console_operations", {"operation": "get_info", "params": {}}),
    ("blender_download_polyhaven_asset",
     {"asset_id": "kloofendal_43d_clear_puresky", "asset_type": "hdris", "resolution": "2k", "_timeout": 600.0},
     "download_polyhaven_asset",
     {"asset_id": "kloofendal_43d_clear_puresky", "asset_type": "hdris", "resolution": "2k", "file_format": None}),
])
def test_the_command_record_carries_every_parameter_with_its_default_and_never_the_timeout(
        own_bus, background, tool, arguments, command, params):
    peer = blender(own_bus, "blender-demo01")
    pending = start_tool(background, own_bus.observer, tool, arguments)
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-demo01", command, params)
    job_update_ok(peer.session, job_id, "completed", result="{}")
    assert pending.result(CALL_TIMEOUT)["status"] == "completed"


@pytest.mark.parametrize("timeout", [0, -1, "0"])
def test_a_timeout_that_is_not_above_zero_is_invalid_and_sends_nothing(own_bus, timeout):
    peer = blender(own_bus, "blender-demo01")
    result = own_bus.observer.tool("blender_get_scene_info", {"_timeout": timeout})
    assert_invalid_arguments(result, "blender_get_scene_info")
    assert_no_new_records(peer, 0, own_bus.observer)


# --------------------------------------------------------------------------------------------------
# The wait: what wakes it and what does not


def test_only_a_terminal_update_from_the_targets_session_ends_the_wait(own_bus, background):
    peer = blender(own_bus, "blender-demo01")
    pending = start_tool(background, own_bus.observer, "blender_get_scene_info")
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-demo01", "get_scene_info", {})
    assert own_bus.stats()["pending_jobs_for_user"] == 1  # the dispatch in flight counts

    bystander = own_bus.session("debug")
    refused = call(bystander, "blender_job_update", {"job_id": job_id, "status": "completed", "result": "forged"})
    assert refused == {"status": "error", "error": "not_job_target"}
    dispatch_ok(job_update_ok(peer.session, job_id, "running", progress=0.25))
    job = get_job(own_bus.observer, job_id)
    assert (job["state"], job["progress"], job["result"]) == ("pending", 0.25, ""), job
    assert not pending.done()

    dispatch_ok(job_update_ok(peer.session, job_id, "completed", result="{}"))
    envelope = pending.result(CALL_TIMEOUT)
    assert (envelope["status"], envelope["result"]) == ("completed", "{}"), envelope
    assert own_bus.stats()["pending_jobs_for_user"] == 0


def test_a_cancelled_status_reported_by_the_addon_is_the_envelope_status(own_bus, background):
    peer = blender(own_bus, "blender-demo01")
    pending = start_tool(background, own_bus.observer, "blender_get_scene_info")
    job_id = next_record(peer, 0).data["job_id"]
    job_update_ok(peer.session, job_id, "cancelled", result="", error="dropped before it started")
    assert pending.result(CALL_TIMEOUT) == {
        "status": "cancelled", "command": "get_scene_info", "target_uuid": "blender-demo01", "job_id": job_id,
        "result": "", "error": "dropped before it started"}
    assert get_job(own_bus.observer, job_id)["state"] == "cancelled"


def test_ending_the_callers_session_abandons_the_wait_and_the_targets_reply_closes_the_job(own_bus):
    peer = blender(own_bus, "blender-demo01")
    bystander = own_bus.join("llm-bystander")
    caller = own_bus.session()
    stream = PostStream(caller, tool_call("blender_get_scene_info", {"_timeout": CALL_TIMEOUT}))
    job_id = next_record(peer, 0).data["job_id"]
    assert own_bus.stats()["pending_jobs_for_user"] == 1
    assert caller.delete().status == 200
    assert stream.wait_ended(CALL_TIMEOUT / 2), "the abandoned call's POST did not end"
    assert next_record(peer, 1).payload == {"message_type": "cancel", "job_id": job_id}
    # As after a timeout, the entry stays until the target answers; the answer goes to nobody.
    assert own_bus.stats()["pending_jobs_for_user"] == 1
    update = job_update_ok(peer.session, job_id, "cancelled", result="", error="dropped before it started")
    assert (update["delivered"], update["targets"]) == ("direct", []), update
    assert own_bus.stats()["pending_jobs_for_user"] == 0
    assert_no_new_records(bystander, 0, own_bus.observer)


# --------------------------------------------------------------------------------------------------
# Timeout and blender_get_job


def test_a_timeout_returns_the_timeout_envelope_and_a_late_reply_is_kept_for_blender_get_job(own_bus):
    peer = blender(own_bus, "blender-slow")
    started = time.monotonic()
    envelope = call(own_bus.observer, "blender_get_scene_info", {"_timeout": 1})
    waited = time.monotonic() - started
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-slow", "get_scene_info", {})
    assert envelope == {"status": "timeout", "command": "get_scene_info", "target_uuid": "blender-slow",
                        "job_id": job_id, "result": "", "error": "timeout", "waited_seconds": 1.0,
                        "hint": TIMEOUT_HINT}
    assert 0.9 <= waited < CALL_TIMEOUT, waited

    job = get_job(own_bus.observer, job_id)
    assert (job["job_id"], job["command"], job["target_uuids"], job["state"]) == \
        (job_id, "get_scene_info", ["blender-slow"], "timed_out"), job

    late = json.dumps({"name": "Scene", "object_count": 3})
    dispatch_ok(job_update_ok(peer.session, job_id, "completed", result=late, error=""))
    job = get_job(own_bus.observer, job_id)
    assert (job["state"], job["result"], job["error"], job["target_uuids"]) == \
        ("completed", late, "", ["blender-slow"]), job
    assert isinstance(job["created_at"], float) and job["finished_at"] >= job["created_at"], job


def test_blender_get_job_of_an_unknown_or_another_users_job_is_not_found(own_bus, server, new_user, bus_for):
    peer = blender(own_bus, "blender-slow")
    envelope = call(own_bus.observer, "blender_get_scene_info", {"_timeout": 0.2})
    assert envelope["status"] == "timeout", envelope
    assert call(own_bus.observer, "blender_get_job", {"job_id": "j-000000000000"}) == \
        {"status": "not_found", "job_id": "j-000000000000"}
    other = bus_for(server, *new_user(server))
    assert call(other.observer, "blender_get_job", {"job_id": envelope["job_id"]}) == \
        {"status": "not_found", "job_id": envelope["job_id"]}
    assert next_record(peer, 0).data["job_id"] == envelope["job_id"]


# --------------------------------------------------------------------------------------------------
# Cancellation


def test_a_cancelled_call_gets_no_response_and_the_target_gets_a_cancel_record_at_notice(own_bus):
    peer = blender(own_bus, "blender-demo01")
    caller = own_bus.session()
    body = tool_call("blender_get_scene_info", {"_timeout": CALL_TIMEOUT})
    stream = PostStream(caller, body)
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-demo01", "get_scene_info", {})

    notice = caller.notify("notifications/cancelled", {"requestId": body["id"], "reason": "user pressed stop"})
    assert notice.status == 202, notice
    assert stream.wait_ended(CALL_TIMEOUT / 2), "the cancelled call's POST stream did not end"
    assert stream.error is None, stream.error
    assert (stream.status, stream.content_type) == (200, SSE)
    assert [m for m in stream.messages() if "result" in m or "error" in m] == [], stream.messages()

    cancel = next_record(peer, 1)
    assert_record(cancel, user_id=own_bus.user_id, from_uuid=f"server-dispatch:{own_bus.user_id}",
                  target_uuid="blender-demo01", routing={"type": "direct", "target_uuid": "blender-demo01"},
                  payload={"message_type": "cancel", "job_id": job_id}, job_id=job_id,
                  message_id=cancel.data["message_id"], priority=5)
    job = get_job(own_bus.observer, job_id)
    assert (job["job_id"], job["state"]) == (job_id, "cancelled"), job


def test_cancelling_another_request_id_leaves_the_dispatch_waiting(own_bus):
    peer = blender(own_bus, "blender-demo01")
    caller = own_bus.session()
    body = tool_call("blender_get_scene_info", {"_timeout": CALL_TIMEOUT})
    stream = PostStream(caller, body)
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-demo01", "get_scene_info", {})
    assert caller.notify("notifications/cancelled", {"requestId": 987654321}).status == 202
    job_update_ok(peer.session, job_id, "completed", result="{}")
    assert stream.wait_ended(CALL_TIMEOUT), "the call never ended"
    [response] = stream.messages()
    assert response["id"] == body["id"] and response["result"]["structuredContent"]["status"] == "completed"
    assert_no_new_records(peer, 1, own_bus.observer)  # no cancel record


# --------------------------------------------------------------------------------------------------
# Progress


def test_progress_updates_become_progress_notifications_on_the_calls_sse_stream(own_bus):
    peer = blender(own_bus, "blender-demo01")
    caller = own_bus.session()
    body = tool_call("blender_execute_code", {"code": "bake()"}, progress_token="bake-7")
    stream = PostStream(caller, body)
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-demo01", "execute_code",
                                   {"code": "bake()"})

    dispatch_ok(job_update_ok(peer.session, job_id, "running"))  # no progress value: no notification
    dispatch_ok(job_update_ok(peer.session, job_id, "running", progress=0.5, progress_message="baking 50 of 100"))
    assert stream.wait_for(lambda events: len(events) >= 1), stream.messages()
    job_update_ok(peer.session, job_id, "completed", result="baked\n")
    assert stream.wait_ended(CALL_TIMEOUT), "the call never ended"

    assert stream.error is None and (stream.status, stream.content_type) == (200, SSE), stream.error
    progress, response = stream.messages()
    assert progress == {"jsonrpc": "2.0", "method": "notifications/progress",
                        "params": {"progressToken": "bake-7", "progress": 50, "total": 100,
                                   "message": "baking 50 of 100"}}
    assert response["id"] == body["id"]
    assert response["result"]["structuredContent"] == {
        "status": "completed", "command": "execute_code", "target_uuid": "blender-demo01", "job_id": job_id,
        "result": "baked\n", "error": ""}
    assert all(event.id is None and event.event == "message" for event in stream.events), stream.events


def test_without_a_progress_token_running_updates_send_no_progress_notifications(own_bus):
    peer = blender(own_bus, "blender-demo01")
    caller = own_bus.session()
    body = tool_call("blender_execute_code", {"code": "bake()"})
    stream = PostStream(caller, body)
    job_id = next_record(peer, 0).data["job_id"]
    job_update_ok(peer.session, job_id, "running", progress=0.5, progress_message="half")
    job_update_ok(peer.session, job_id, "completed", result="baked\n")
    assert stream.wait_ended(CALL_TIMEOUT), "the call never ended"
    [response] = stream.messages()
    assert response["id"] == body["id"] and response["result"]["structuredContent"]["result"] == "baked\n"


# --------------------------------------------------------------------------------------------------
# Isolation between users


def test_one_users_dispatch_never_reaches_another_users_blender_client(own_bus, server, new_user, bus_for):
    peer = blender(own_bus, "blender-demo01")
    other = bus_for(server, *new_user(server))
    assert call(other.observer, "blender_get_scene_info") == \
        {"status": "no_client", "command": "get_scene_info", "hint": NO_CLIENT_HINT}
    assert call(other.observer, "blender_get_scene_info", {"target_uuid": "blender-demo01"}) == \
        {"status": "unknown_target", "command": "get_scene_info", "target_uuid": "blender-demo01",
         "hint": UNKNOWN_HINT}
    assert_no_new_records(peer, 0, own_bus.observer)


def test_the_same_blender_uuid_on_two_buses_gets_only_its_own_users_commands(own_bus, server, new_user, bus_for,
                                                                              background):
    other = bus_for(server, *new_user(server))
    mine, theirs = blender(own_bus, "blender-demo01"), blender(other, "blender-demo01")
    pending = start_tool(background, other.observer, "blender_get_scene_info")
    record = next_record(theirs, 0)
    job_id = assert_command_record(record, other, "blender-demo01", "get_scene_info", {})
    forged = call(mine.session, "blender_job_update", {"job_id": job_id, "status": "completed", "result": "forged"})
    assert (forged["status"], forged["delivered"]) == ("ok", "broadcast"), "another user's job is an unknown job"
    assert "blender-demo01" in forged["targets"]
    assert mine.wait_records(1)[0].payload["result"] == "forged", "broadcast on the caller's own bus"
    assert_no_new_records(theirs, 1, other.observer)
    job_update_ok(theirs.session, job_id, "completed", result="{}")
    assert pending.result(CALL_TIMEOUT)["job_id"] == job_id


# --------------------------------------------------------------------------------------------------
# Dispatch-backed resources


def test_the_scene_info_resource_is_the_dispatch_envelope_as_text(own_bus, background):
    peer = blender(own_bus, "blender-demo01")
    pending = background.submit(read_resource, own_bus.observer, "blender://scene/info")
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-demo01", "get_scene_info", {})
    scene = json.dumps({"name": "Scene", "object_count": 3})
    job_update_ok(peer.session, job_id, "completed", result=scene)
    assert pending.result(CALL_TIMEOUT) == {"status": "completed", "command": "get_scene_info",
                                            "target_uuid": "blender-demo01", "job_id": job_id, "result": scene,
                                            "error": ""}


def test_the_scene_info_resource_returns_no_client_as_content(own_bus):
    assert read_resource(own_bus.observer, "blender://scene/info") == \
        {"status": "no_client", "command": "get_scene_info", "hint": NO_CLIENT_HINT}


@pytest.mark.parametrize("uri, command, params", [
    ("blender://scene/objects", "browse_data",
     {"collection": "objects", "item_name": None, "page": 1, "page_size": 50, "detail_level": "summary"}),
    ("blender://console/all", "get_console_output", {"level": "all", "page": 1, "page_size": 50}),
    ("blender://console/warning/3", "get_console_output", {"level": "warning", "page": 3, "page_size": 50}),
])
def test_the_other_dispatch_resources_send_their_fixed_command_and_parameters(own_bus, background, uri, command,
                                                                              params):
    peer = blender(own_bus, "blender-demo01")
    pending = background.submit(read_resource, own_bus.observer, uri)
    job_id = assert_command_record(next_record(peer, 0), own_bus, "blender-demo01", command, params)
    job_update_ok(peer.session, job_id, "completed", result="[]")
    assert pending.result(CALL_TIMEOUT)["job_id"] == job_id


@pytest.mark.parametrize("uri", ["blender://console/all/0", "blender://console/all/-1", "blender://console/all/x",
                                 "blender://scene/nothing"])
def test_a_console_page_that_is_not_a_positive_integer_or_an_unknown_uri_is_resource_not_found(own_bus, uri):
    peer = blender(own_bus, "blender-demo01")
    message = own_bus.observer.request("resources/read", {"uri": uri})
    assert message["error"] == {"code": -32002, "message": "Resource not found", "data": {"uri": uri}}, message
    assert_no_new_records(peer, 0, own_bus.observer)
