"""A bounded concurrent load against one blender-mcp server: the black-box half of the `unit-tsan`
stage of scripts/test, run against the ThreadSanitizer build (BLENDER_MCP_BINARY).

The server runs with more I/O threads than the machine has cores, so that handlers of one session, of
one bus and of the timers really run on different threads. For `--seconds` seconds these workers run
side by side, each on its own HTTP clients:

* churn      - sessions of two users initialized, listed, pinged and deleted; every fourth is left
               to expire on the idle timer while the rest of the load goes on
* broadcast  - two senders broadcast on one bus to six listeners with open streams; every
               listener must receive every broadcast
* resume     - a listener that cuts its stream after every five records (or two seconds) and
               resumes with Last-Event-ID; no event id may come twice
* dispatch   - three callers run dispatch tools against a fake Blender client that answers every
               command_dispatch with blender_job_update (running with progress, then completed)
* cancel     - dispatches to a Blender client that never answers: cancelled by
               notifications/cancelled, abandoned by deleting the caller's session, or timed out
* progress   - the paced conformance tool with a progress token, every other call cancelled midway
* auth       - login, refresh, profile and /health

Then the server is stopped with SIGTERM while four clients keep logging in, so that work of its
blocking pool is still running when it shuts down.

The run fails when a worker saw a wrong answer or an exception, when a worker did no work at all,
when the server's exit status after SIGTERM is not 0 (ThreadSanitizer makes it 66, see
TSAN_OPTIONS in scripts/test), or when its stderr carries a ThreadSanitizer report.

    .venv/bin/python tests/tsan/load.py [--seconds 20] [--threads 4]
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import httpx

TESTS_DIR = Path(__file__).resolve().parents[1]
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from blackbox.bus_helpers import Bus, Peer, call, job_update, records_of, send  # noqa: E402
from blackbox.processes import add_user  # noqa: E402
from blackbox.wire import JSON_AND_SSE, Http, Mcp, Session, login_ok, rpc  # noqa: E402
from support.server_process import ServerProcess, binary_path, start_server  # noqa: E402

USERS = (("load-a", "load-a-password"), ("load-b", "load-b-password"))
TSAN_MARK = "ThreadSanitizer"
CALL_TIMEOUT = 30.0  # a generous cap: the sanitized server is several times slower


class Worker:
    """One kind of load on its own thread: `step()` runs again and again until the deadline given to
    `start`; `count` is the number of completed steps and `failure` the first error (which ends it)."""

    def __init__(self, name: str, step: Callable[[], None]) -> None:
        self.name = name
        self.step = step
        self.count = 0
        self.failure: str | None = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.deadline = 0.0

    def start(self, deadline: float) -> None:
        self.deadline = deadline
        self.thread.start()

    def _run(self) -> None:
        try:
            while time.monotonic() < self.deadline:
                self.step()
                self.count += 1
        except Exception:  # noqa: BLE001 - reported with the worker's name
            self.failure = traceback.format_exc()


def mcp_of(server: ServerProcess, username: str, password: str) -> Mcp:
    http = Http(server.base_url)
    try:
        tokens = login_ok(http, username, password)
    finally:
        http.close()
    return Mcp(server.base_url, tokens.access)


def require(condition: bool, what: object) -> None:
    if not condition:
        raise AssertionError(what)


# --------------------------------------------------------------------------------------------------
# Workers


def churn(server: ServerProcess, username: str, password: str) -> Callable[[], None]:
    mcp = mcp_of(server, username, password)
    counter = itertools.count()

    def step() -> None:
        session = mcp.initialize()
        tools = session.result("tools/list")
        require(any(tool["name"] == "blender_send_message" for tool in tools["tools"]), tools)
        require(session.result("ping") == {}, "ping")
        listing = call(session, "blender_list_available_clients")
        require(listing["status"] == "ok", listing)
        if next(counter) % 4 != 0:
            require(session.delete().status in (200, 202, 204), "delete")

    return step


def broadcast(sender: Session) -> Callable[[], None]:
    def step() -> None:
        result = send(sender, {"tick": time.monotonic()}, priority="info")
        require(result["status"] == "ok" and result["routing"]["type"] == "broadcast", result)

    return step


def resume(peer: Peer) -> Callable[[], None]:
    seen: set[int] = set()

    def step() -> None:
        peer.stream.wait_for(lambda stream: len(stream.parser.events) >= 5, timeout=2.0)
        events = peer.stream.events
        peer.stream.close()
        for event in events:
            if event.id is None:
                continue
            require(int(event.id) not in seen, f"event id {event.id} came twice")
            seen.add(int(event.id))
        last = max(seen) if seen else None
        peer.open(last)

    return step


class FakeBlender:
    """A Blender client that answers every command_dispatch on its stream: running with progress,
    then completed. Runs until `stop` is set."""

    def __init__(self, peer: Peer) -> None:
        self.peer = peer
        self.answered = 0
        self.failure: str | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="fake-blender", daemon=True)

    def _run(self) -> None:
        handled = 0
        try:
            while not self.stop.is_set():
                self.peer.stream.wait_for(lambda s: len(s.parser.events) > handled, timeout=0.2)
                records = records_of(self.peer.stream)
                for record in records[handled:]:
                    payload = record.payload
                    if isinstance(payload, dict) and payload.get("message_type") == "command_dispatch":
                        job_id = payload["job_id"]
                        running = job_update(self.peer.session, job_id, "running", progress=0.5,
                                             progress_message="half way")
                        require(running["status"] == "ok", running)
                        done = job_update(self.peer.session, job_id, "completed", result="{}")
                        require(done["status"] == "ok", done)
                        self.answered += 1
                handled = len(records)
        except Exception:  # noqa: BLE001 - reported by main
            self.failure = traceback.format_exc()


def dispatch(caller: Session, target: str) -> Callable[[], None]:
    tools = itertools.cycle(["blender_get_scene_info", "blender_execute_code", "blender_get_object_info"])
    arguments = {"blender_get_scene_info": {}, "blender_execute_code": {"code": "pass"},
                 "blender_get_object_info": {"name": "Cube"}}

    def step() -> None:
        tool = next(tools)
        envelope = call(caller, tool, {**arguments[tool], "target_uuid": target, "_timeout": CALL_TIMEOUT})
        require(envelope["status"] == "completed", envelope)

    return step


def cancel(bus: Bus, silent: Peer, pool: ThreadPoolExecutor) -> Callable[[], None]:
    ways = itertools.cycle(["notification", "delete", "timeout"])

    def commands() -> int:
        return sum(1 for record in records_of(silent.stream)
                   if isinstance(record.payload, dict) and record.payload.get("message_type") == "command_dispatch")

    def step() -> None:
        way = next(ways)
        caller = bus.session()
        if way == "timeout":
            envelope = call(caller, "blender_get_scene_info", {"target_uuid": silent.uuid, "_timeout": 0.2})
            require(envelope["status"] == "timeout", envelope)
            require(caller.delete().status in (200, 202, 204), "delete")
            return
        body = rpc("tools/call", {"name": "blender_get_scene_info",
                                  "arguments": {"target_uuid": silent.uuid, "_timeout": CALL_TIMEOUT}})
        sent = commands()
        pending = pool.submit(caller.post, body, accept=JSON_AND_SSE)
        # Cancel only once the call waits for its reply: a cancellation of a request the server has
        # not read yet is ignored (as the protocol says), and the call would then run into its timeout.
        require(silent.stream.wait_for(lambda _: commands() > sent, timeout=CALL_TIMEOUT),
                f"{way}: the command never reached the Blender client")
        if way == "notification":
            notice = caller.notify("notifications/cancelled", {"requestId": body["id"], "reason": "load"})
            require(notice.status == 202, notice)
        else:
            require(caller.delete().status in (200, 202, 204), "delete")
        reply = pending.result(timeout=CALL_TIMEOUT)
        require(reply.status == 200, f"{way}: {reply}")
        require(not any("result" in m for m in (e.json() for e in reply.sse.events)), f"{way}: {reply}")
        if way == "notification":
            require(caller.delete().status in (200, 202, 204), "delete")

    return step


def progress(mcp: Mcp, pool: ThreadPoolExecutor) -> Callable[[], None]:
    session = mcp.initialize()
    counter = itertools.count()

    def step() -> None:
        n = next(counter)
        body = rpc("tools/call", {"name": "test_tool_with_progress", "arguments": {},
                                  "_meta": {"progressToken": f"load-{n}"}})
        pending = pool.submit(session.post, body, accept=JSON_AND_SSE)
        if n % 2:
            time.sleep(0.02)
            session.notify("notifications/cancelled", {"requestId": body["id"]})
        reply = pending.result(timeout=CALL_TIMEOUT)
        require(reply.status == 200, reply)
        messages = [event.json() for event in reply.sse.events]
        if n % 2 == 0:
            require(sum(1 for m in messages if m.get("method") == "notifications/progress") == 3, messages)
            require(messages[-1]["result"]["content"][0]["text"] == "Tool with progress executed", messages)

    return step


def auth(server: ServerProcess, username: str, password: str) -> Callable[[], None]:
    http = Http(server.base_url)

    def step() -> None:
        tokens = login_ok(http, username, password)
        refreshed = http.refresh(tokens.refresh)
        require(refreshed.status == 200, refreshed)
        profile = http.profile(refreshed.json()["access_token"])
        require(profile.status == 200, profile)
        health = http.health()
        require(health.status == 200, health)

    return step


def stop_during_logins(server: ServerProcess) -> int:
    """Stops the server (SIGTERM) while logins are running on its blocking pool, and returns its exit
    status: the pool's work must finish before what it answers through is destroyed."""
    username, password = USERS[1]
    stopping = threading.Event()
    logins = [0] * 4  # one counter per client thread

    def log_in(index: int) -> None:
        http = Http(server.base_url)
        try:
            while not stopping.is_set():
                try:
                    http.login(username, password)
                    logins[index] += 1
                except httpx.HTTPError:
                    if not stopping.is_set():
                        raise
        finally:
            http.close()

    threads = [threading.Thread(target=log_in, args=(i,), daemon=True) for i in range(len(logins))]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + CALL_TIMEOUT
    while sum(logins) < 8 and time.monotonic() < deadline and all(t.is_alive() for t in threads):
        time.sleep(0.01)
    stopping.set()  # the clients' last logins are still in flight when SIGTERM arrives
    status = server.stop()
    for thread in threads:
        thread.join(CALL_TIMEOUT)
    print(f"  {'stop':<12} SIGTERM after {sum(logins)} logins, exit status {status}")
    return status


# --------------------------------------------------------------------------------------------------


def run_load(server: ServerProcess, seconds: float) -> list[str]:
    """Runs every worker for `seconds`; returns the problems found (empty when all went well)."""
    (user_a, password_a), (user_b, password_b) = USERS
    pool = ThreadPoolExecutor(max_workers=8)
    bus = Bus(mcp_of(server, user_a, password_a), user_a)
    listeners = [bus.join(f"listener-{i}", level="debug") for i in range(6)]
    resumer = Bus(mcp_of(server, user_a, password_a), user_a).join("resumer", level="debug")
    blender = FakeBlender(Bus(mcp_of(server, user_a, password_a), user_a).join("blender-fast", "blender",
                                                                                 is_persistent=True))
    silent = bus.join("blender-silent", "blender", is_persistent=True)
    fixtures = mcp_of(server, user_b, password_b)

    workers = [
        Worker("churn-a", churn(server, user_a, password_a)),
        Worker("churn-b", churn(server, user_b, password_b)),
        Worker("broadcast-1", broadcast(Bus(mcp_of(server, user_a, password_a), user_a).session())),
        Worker("broadcast-2", broadcast(Bus(mcp_of(server, user_a, password_a), user_a).session())),
        Worker("resume", resume(resumer)),
        *[Worker(f"dispatch-{i}", dispatch(Bus(mcp_of(server, user_a, password_a), user_a).session(),
                                           "blender-fast")) for i in range(3)],
        Worker("cancel", cancel(Bus(mcp_of(server, user_a, password_a), user_a), silent, pool)),
        Worker("progress", progress(fixtures, pool)),
        Worker("auth", auth(server, user_b, password_b)),
    ]
    deadline = time.monotonic() + seconds
    blender.thread.start()
    for worker in workers:
        worker.start(deadline)
    for worker in workers:
        worker.thread.join(seconds + 2 * CALL_TIMEOUT)
    blender.stop.set()
    blender.thread.join(CALL_TIMEOUT)

    problems = []
    for worker in workers:
        print(f"  {worker.name:<12} {worker.count:6d} steps")
        if worker.thread.is_alive():
            problems.append(f"{worker.name} did not finish")
        if worker.failure:
            problems.append(f"{worker.name} failed:\n{worker.failure}")
        elif worker.count == 0:
            problems.append(f"{worker.name} completed no step")
    print(f"  {'fake blender':<12} {blender.answered:6d} dispatches answered")
    if blender.failure:
        problems.append(f"the fake Blender client failed:\n{blender.failure}")
    sent = sum(worker.count for worker in workers if worker.name.startswith("broadcast"))
    for peer in listeners:
        peer.stream.wait_for(lambda stream: len(stream.parser.events) >= sent, timeout=CALL_TIMEOUT)
    received = [len(records_of(peer.stream)) for peer in listeners]
    print(f"  {'listeners':<12} {min(received):6d} .. {max(received)} of {sent} broadcasts each")
    if received != [sent] * len(listeners):
        problems.append(f"listeners received {received} records, not {sent} each")
    for peer in [*listeners, silent, resumer, blender.peer]:
        peer.close()
    pool.shutdown(wait=True)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the load runs (default 20)")
    parser.add_argument("--threads", type=int, default=4, help="the server's I/O threads (default 4)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="bmcp-tsan-load-"))
    for username, password in USERS:
        add_user(data_dir, username, password)
    print(f"load: {binary_path()} with {args.threads} I/O threads for {args.seconds:g} s")
    server = start_server("--threads", str(args.threads), "--conformance-fixtures", data_dir=data_dir,
                          timeout=60.0, env={"BLENDER_MCP_SESSION_IDLE_SECONDS": "3",
                                             "BLENDER_MCP_STREAM_GRACE_SECONDS": "1"})
    problems: list[str] = []
    try:
        problems = run_load(server, args.seconds)
    except Exception:  # noqa: BLE001 - setup failed; the server is still stopped below
        problems.append("load setup failed:\n" + traceback.format_exc())
    finally:
        status = stop_during_logins(server)
    time.sleep(0.2)  # the stderr reader thread takes the last lines
    if status != 0:
        problems.append(f"the server exited with status {status} after SIGTERM (66: a ThreadSanitizer report)")
    reports = [line for line in server.stderr_lines if TSAN_MARK in line]
    if reports:
        problems.append(f"{len(reports)} ThreadSanitizer lines on the server's stderr")
        print("\n".join(server.stderr_lines[-200:]))
    for problem in problems:
        print(f"load: {problem}")
    print(f"load: {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
