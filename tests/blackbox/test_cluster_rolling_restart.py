"""Rolling restart of a three-node cluster behind the shipped HAProxy config (issue 13): while a
client runs dispatches through HAProxy to a Blender-like peer, every node is restarted in turn
(SIGTERM, then the same node id on the same port). Every call either completes or fails with a
clear error, no job runs twice on the peer, and the counts add up.

The peer is a raw MCP client (persistent `blender`, also through HAProxy) that answers
command_dispatch records at once, counts every job id it is handed, and registers again on
whichever node HAProxy gives it when its session or stream ends.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx

from blackbox.bus_helpers import BUS_LOGGER, register, set_level
from blackbox.cluster_rig import NODE_IDS, rig_for  # noqa: F401
from blackbox.wire import Http, Mcp, login_ok

PEER_UUID = "blender-rolling"
CALL_TIMEOUT = 3  # the dispatch _timeout of each call, seconds
MIN_CALLS, MAX_CALLS = 1000, 1500
PACE = 0.015  # seconds between calls, so that the calls span the whole rolling restart
TEST_BUDGET = 120.0  # hard cap on the dispatch loop
GAP = 2.0  # seconds of traffic between one node's return and the next node's restart


class RawBlender(threading.Thread):
    """A Blender stand-in that survives the loss of its node by registering again."""

    def __init__(self, base_url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.base_url, self.token = base_url, token
        self.handed: Counter[str] = Counter()  # job id -> times a command_dispatch for it arrived
        self.registrations = 0
        self.problems: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            mcp = Mcp(self.base_url, self.token)
            try:
                self._serve(mcp)
            except (AssertionError, httpx.HTTPError, OSError, KeyError, ValueError) as problem:
                self.problems.append(f"{type(problem).__name__}: {str(problem)[:200]}")
            finally:
                mcp.close()
            self.halt.wait(0.1)

    def _serve(self, mcp: Mcp) -> None:
        session = mcp.initialize()
        set_level(session, "debug")
        register(session, PEER_UUID, "blender", is_persistent=True)
        self.registrations += 1
        stream = session.stream()
        assert stream.status == 200, stream.raw
        seen = 0
        try:
            while not self.halt.is_set():
                stream.wait_for(lambda s: len(s.parser.events) > seen or s.ended.is_set(), 0.5)
                events = stream.events
                for event in events[seen:]:
                    self._answer(session, event.json())
                seen = len(events)
                if stream.ended.is_set() and seen == len(stream.events):
                    return
        finally:
            stream.close()

    def _answer(self, session, message: dict) -> None:
        params = message.get("params") or {}
        if message.get("method") != "notifications/message" or params.get("logger") != BUS_LOGGER:
            return
        data = params["data"] if isinstance(params["data"], dict) else json.loads(params["data"])
        payload = data.get("payload") or {}
        if payload.get("message_type") != "command_dispatch":
            return
        job_id = payload["job_id"]
        self.handed[job_id] += 1
        session.tool("blender_job_update", {"job_id": job_id, "status": "completed",
                                            "result": json.dumps({"ran": job_id})})


@dataclass
class Outcomes:
    completed: list[str] = field(default_factory=list)  # job ids
    failed: list[str] = field(default_factory=list)  # what the client was told
    sessions: int = 0


def dispatch_once(mcp: Mcp, session_id: str) -> tuple[str, str]:
    """("completed", job_id), ("failed", explanation) or ("lost-session", explanation)."""
    try:
        reply = mcp.post({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": "blender_get_scene_info", "arguments": {"_timeout": CALL_TIMEOUT}}},
                         session=session_id)
    except httpx.HTTPError as error:
        return "lost-session", f"connection: {type(error).__name__}"
    if reply.status == 404:
        return "lost-session", "404: the session's node is gone"
    if reply.status != 200:
        return "lost-session", f"HTTP {reply.status}: {dict(reply.headers)} {reply.text[:200]!r}"
    envelope = json.loads(reply.result["content"][0]["text"])
    if envelope.get("status") == "completed":
        assert json.loads(envelope["result"]) == {"ran": envelope["job_id"]}, envelope
        return "completed", envelope["job_id"]
    explanation = envelope.get("hint") or envelope.get("error") or envelope.get("detail")
    assert explanation, f"a failed call must say why: {envelope}"
    return "failed", f"{envelope['status']}: {explanation} (job {envelope.get('job_id')})"


def new_session(mcp: Mcp) -> str | None:
    try:
        reply = mcp.initialize_reply()
    except httpx.HTTPError:
        return None
    if reply.status != 200:
        return None
    sid = reply.headers["mcp-session-id"]
    mcp.post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session=sid)
    return sid


def test_a_rolling_restart_of_every_node_loses_no_call_and_runs_none_twice(rig_for):
    rig = rig_for(haproxy=True)
    proxy = rig.proxy
    http = Http(proxy.base_url)
    token = login_ok(http).access
    http.close()
    peer = RawBlender(proxy.base_url, token)
    peer.start()
    caller = Mcp(proxy.base_url, token)
    outcomes = Outcomes()
    restarted = threading.Event()

    def roll() -> None:
        for i in range(len(NODE_IDS)):
            time.sleep(GAP)
            rig.restart(i)
            proxy.wait_states({NODE_IDS[i]: "UP"}, timeout=20)
        time.sleep(GAP)
        restarted.set()

    session_id = None
    durations: list[tuple[str, float]] = []
    started = time.monotonic()
    roller = threading.Thread(target=roll, daemon=True)
    try:
        while peer.registrations == 0 and time.monotonic() - started < 10:
            time.sleep(0.05)
        roller.start()
        calls = 0
        while calls < MAX_CALLS and time.monotonic() - started < TEST_BUDGET:
            if restarted.is_set() and calls >= MIN_CALLS:
                break
            if session_id is None:
                session_id = new_session(caller)
                outcomes.sessions += 1
                if session_id is None:
                    time.sleep(0.1)
                    continue
            call_started = time.monotonic()
            kind, detail = dispatch_once(caller, session_id)
            durations.append((kind, time.monotonic() - call_started))
            calls += 1
            time.sleep(PACE)
            if kind == "completed":
                outcomes.completed.append(detail)
            else:
                outcomes.failed.append(detail)
                if kind == "lost-session":
                    session_id = None
        roller.join(timeout=60)
        assert restarted.is_set(), "the rolling restart did not finish"
        # Full service afterwards: the next call completes.
        session_id = session_id or new_session(caller)
        deadline = time.monotonic() + 20
        final = dispatch_once(caller, session_id)
        while final[0] != "completed" and time.monotonic() < deadline:
            time.sleep(0.5)
            session_id = new_session(caller) if final[0] == "lost-session" else session_id
            final = dispatch_once(caller, session_id) if session_id else ("failed", "no session")
        assert final[0] == "completed", final
        outcomes.completed.append(final[1])
        calls += 1
        time.sleep(CALL_TIMEOUT)  # late deliveries of timed-out calls reach the peer now, if ever
    finally:
        peer.halt.set()
        peer.join(timeout=10)
        caller.close()

    summary = Counter(detail.split(":")[0] for detail in outcomes.failed)
    for detail in outcomes.failed:
        if not detail.startswith("no_client"):
            job = detail.rsplit("(job ", 1)[-1].rstrip(")") if "(job " in detail else None
            print(f"failed: {detail[:160]}" + (f"; handed to the peer {peer.handed.get(job, 0)} time(s)" if job else ""))
    print("peer problems:", peer.problems)
    took = sorted(d for kind, d in durations if kind == "completed")
    print(f"completed calls: median {took[len(took) // 2] * 1000:.0f} ms, max {took[-1] * 1000:.0f} ms")
    print(f"{calls} calls in {time.monotonic() - started:.1f} s: {len(outcomes.completed)} completed, "
          f"{len(outcomes.failed)} failed {dict(summary)}; caller sessions {outcomes.sessions}, "
          f"peer registrations {peer.registrations}, peer problems {len(peer.problems)}")
    assert len(outcomes.completed) + len(outcomes.failed) == calls
    assert calls >= MIN_CALLS
    assert len(set(outcomes.completed)) == len(outcomes.completed), "a job id completed twice"
    twice = {job: n for job, n in peer.handed.items() if n > 1}
    assert not twice, f"jobs handed to the peer more than once: {twice}"
    assert set(outcomes.completed) <= set(peer.handed), "a call completed that the peer never ran"
    assert len(outcomes.completed) >= calls // 2, (len(outcomes.completed), summary)
    assert peer.registrations >= 2, "the peer's node restarted, so it registered again"
    assert all(node.process.poll() is None for node in rig.running())
    assert all(code == 0 for code in rig.exits), rig.exits  # every SIGTERM ended its node cleanly
