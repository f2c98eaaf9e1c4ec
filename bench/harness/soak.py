"""The soak run (`scripts/bench --soak MINUTES [--soak-cluster]`): 1,000 listening sessions and
50 fast peers held for MINUTES with a steady mix of dispatches, broadcasts and stream
reconnects, against one embedded server or a cluster of two nodes on Redis and PostgreSQL.

Every minute it reports each server process's RSS and open descriptors, the records the
broadcasts should have delivered against those received, and the dispatches started against
those settled; at the end it waits for what is in flight and counts what was lost. Memory should
stay flat and nothing should be lost. Not part of CI (docs: bench/README.md).

Shape: 20 users, each with 50 listener sessions (an ephemeral `llm` client each, streams open),
2 or 3 peers (persistent `blender` clients answering every `command_dispatch` at once) and one
driver session. Each user's driver broadcasts a numbered record every 2 s and dispatches
`blender_get_scene_info` to its peers once a second; every second 10 listener streams are cut
and reopened with Last-Event-ID. A listener checks that it gets every broadcast of its user
exactly once and in order across its reconnects.

All clients run in one asyncio process (httpx), pinned to the load core; servers to the
server core.
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from . import processes
from .context import Context

USERS = 20
LISTENERS_PER_USER = 50
PEERS = 50
BROADCAST_EVERY = 2.0      # seconds, per user
DISPATCH_EVERY = 1.0       # seconds, per user
RECONNECTS_PER_SECOND = 10
DRAIN_SECONDS = 30
# Retention bounds lowered so that the server reaches them within the first minutes (64 KiB of
# replay per session, about 160 records; 100 settled jobs per user): from then on memory that
# still grows is a leak. With the defaults (2 MiB, 1,000 jobs) the plateau comes after hours.
SETTINGS = {"BLENDER_MCP_SESSION_REPLAY_BYTES": "65536", "BLENDER_MCP_MAX_RETAINED_JOBS": "100"}
SSE = "text/event-stream"
PROTOCOL = "2025-11-25"


def soak_user(index: int) -> str:
    return f"soak{index + 1:02d}"


@dataclass
class Counters:
    broadcasts: int = 0            # broadcast sends accepted
    expected: int = 0              # records those broadcasts should deliver to listeners
    received: int = 0              # broadcast records listeners got
    duplicates: int = 0
    out_of_order: int = 0
    reconnects: int = 0
    dispatched: int = 0
    settled: int = 0
    failed: int = 0                # dispatches answered with another status, or errors
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def error(self, text: str) -> None:
        if len(self.errors) < 20:
            self.errors.append(text[:300])


class McpSession:
    """One MCP session over HTTP: POSTs and one GET stream that can be cut and resumed."""

    def __init__(self, client: httpx.AsyncClient, url: str, token: str) -> None:
        self.client, self.url, self.token = client, url, token
        self.session_id = ""
        self.last_event_id = ""
        self.streamed = False  # a GET stream was opened before: a reopen resumes
        self.resumed_after: str | None = None  # the Last-Event-ID of the open stream
        self._ids = 0

    def headers(self) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.token}", "Accept": f"application/json, {SSE}",
             "Content-Type": "application/json", "MCP-Protocol-Version": PROTOCOL}
        if self.session_id:
            h["Mcp-Session-Id"] = self.session_id
        return h

    async def request(self, method: str, params: dict) -> dict:
        self._ids += 1
        request_id = self._ids  # sessions are shared by concurrent tasks
        body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        async with self.client.stream("POST", self.url, json=body, headers=self.headers()) as reply:
            if reply.status_code != 200:
                raise RuntimeError(f"{method}: HTTP {reply.status_code} {(await reply.aread())[:200]!r}")
            if method == "initialize":
                self.session_id = reply.headers["mcp-session-id"]
            if reply.headers.get("content-type", "").startswith(SSE):
                async for data in sse_data(reply):
                    message = json.loads(data)
                    if message.get("id") == request_id:
                        return message
                raise RuntimeError(f"{method}: the stream ended without an answer")
            return json.loads(await reply.aread())

    async def open(self) -> None:
        await self.request("initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                          "clientInfo": {"name": "soak", "version": "1"}})
        reply = await self.client.post(self.url, json={"jsonrpc": "2.0", "method": "notifications/initialized"},
                                       headers=self.headers())
        if reply.status_code != 202:
            raise RuntimeError(f"initialized: HTTP {reply.status_code}")
        # Bus records come as log notifications: without this, info records are filtered out.
        await self.request("logging/setLevel", {"level": "debug"})

    async def tool(self, name: str, arguments: dict) -> dict:
        message = await self.request("tools/call", {"name": name, "arguments": arguments})
        if "error" in message:
            raise RuntimeError(f"{name}: {message['error']}")
        return json.loads(message["result"]["content"][0]["text"])

    async def stream(self, on_data, on_open=None) -> None:
        """Reads the GET stream until it ends, resuming after the last id; `on_open` gets the
        response (closing it ends the read)."""
        headers = self.headers()
        headers["Accept"] = SSE
        # A reopen resumes from before the first event ("0") when no event carried an id yet, so
        # a record written into a stream that was cut before it was read is sent again.
        self.resumed_after = None
        if self.last_event_id or self.streamed:
            headers["Last-Event-ID"] = self.resumed_after = self.last_event_id or "0"
        self.streamed = True
        async with self.client.stream("GET", self.url, headers=headers) as reply:
            if reply.status_code != 200:
                raise RuntimeError(f"GET stream: HTTP {reply.status_code}")
            if on_open:
                on_open(reply)
            async for data, event_id in sse_events(reply):
                if event_id:
                    self.last_event_id = event_id
                on_data(data)


async def sse_events(reply: httpx.Response):
    data: list[str] = []
    event_id = ""
    async for line in reply.aiter_lines():
        if line == "":
            if data:
                yield "\n".join(data), event_id
            data, event_id = [], ""
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" "))
        elif line.startswith("id:"):
            event_id = line[3:].strip()


async def sse_data(reply: httpx.Response):
    async for data, _ in sse_events(reply):
        yield data


def bus_record(data: str) -> dict | None:
    message = json.loads(data)
    if message.get("method") != "notifications/message":
        return None
    params = message.get("params", {})
    return params.get("data") if params.get("logger") == "_message_bus" else None


class Listener:
    def __init__(self, session: McpSession, counters: Counters) -> None:
        self.session, self.counters = session, counters
        self.last_seq = -1
        self.seen: set[int] = set()
        self.task: asyncio.Task | None = None
        self.response: httpx.Response | None = None
        self.cutting = False

    def on_data(self, data: str) -> None:
        record = bus_record(data)
        if not record or record.get("payload", {}).get("kind") != "soak":
            return
        seq = record["payload"]["seq"]
        self.seen.add(seq)
        if seq <= self.last_seq:
            self.counters.duplicates += 1
            self.counters.error(f"listener {self.session.session_id}: seq {seq} again after {self.last_seq} "
                                f"(resumed after event id {self.session.resumed_after!r})")
        elif seq != self.last_seq + 1 and self.last_seq >= 0:
            self.counters.out_of_order += 1
            self.counters.error(f"listener {self.session.session_id}: seq {seq} after {self.last_seq}")
        self.last_seq = max(self.last_seq, seq)
        self.counters.received += 1

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    def _opened(self, response: httpx.Response) -> None:
        self.response = response

    async def _run(self) -> None:
        while True:
            try:
                await self.session.stream(self.on_data, self._opened)
            except asyncio.CancelledError:
                raise
            except Exception as problem:  # noqa: BLE001 - any failure is reported, the loop goes on
                if not self.cutting:
                    self.counters.error(f"listener stream: {problem!r}")
                    await asyncio.sleep(0.5)
            if self.cutting:  # the cut of reconnect(): open the stream again at once
                self.cutting = False
                self.counters.reconnects += 1

    async def reconnect(self) -> None:
        """Cuts the open stream by closing its response (the read loop then opens it again with
        Last-Event-ID). Not by cancelling the task: a cancelled httpx stream can leave its
        connection counted in the pool, which then runs dry."""
        response = self.response
        if response is None or self.cutting:
            return
        self.cutting = True
        self.response = None
        await response.aclose()


class Peer:
    """A fast fake Blender: answers each command_dispatch with a completed job_update."""

    def __init__(self, session: McpSession, counters: Counters) -> None:
        self.session, self.counters = session, counters
        self.replies: asyncio.Queue[str] = asyncio.Queue()

    def on_data(self, data: str) -> None:
        record = bus_record(data)
        payload = record.get("payload", {}) if record else {}
        if payload.get("message_type") == "command_dispatch":
            self.replies.put_nowait(payload["job_id"])

    async def run(self) -> None:
        stream = asyncio.create_task(self._stream())
        try:
            await self._answer()
        finally:
            stream.cancel()
            await asyncio.gather(stream, return_exceptions=True)

    async def _answer(self) -> None:
        while True:
            job_id = await self.replies.get()
            try:
                await self.session.tool("blender_job_update", {"job_id": job_id, "status": "completed",
                                                               "result": "{\"name\":\"Scene\"}"})
            except (httpx.HTTPError, RuntimeError) as problem:
                self.counters.error(f"peer reply: {problem!r}")

    async def _stream(self) -> None:
        while True:
            try:
                await self.session.stream(self.on_data)
            except asyncio.CancelledError:
                raise
            except Exception as problem:  # noqa: BLE001 - any failure is reported, the loop goes on
                self.counters.error(f"peer stream: {problem!r}")
                await asyncio.sleep(0.5)


async def login(client: httpx.AsyncClient, base_url: str, username: str, password: str) -> str:
    reply = await client.post(f"{base_url}/auth/login", json={"username": username, "password": password})
    reply.raise_for_status()
    return reply.json()["access_token"]


async def drive(urls: list[tuple[str, str]], password: str, minutes: float, pids: list[int]) -> dict:
    """`urls`: (base URL, MCP URL) of each node; sessions are spread over them."""
    counters = Counters()
    limits = httpx.Limits(max_connections=4000, max_keepalive_connections=400)
    timeout = httpx.Timeout(30.0, read=None)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        listeners: list[Listener] = []
        drivers: list[tuple[McpSession, list[str], list[int]]] = []
        peer_tasks: list[asyncio.Task] = []
        node = 0
        for u in range(USERS):
            base_url, _ = urls[u % len(urls)]
            token = await login(client, base_url, soak_user(u), password)
            peers_here = PEERS // USERS + (1 if u < PEERS % USERS else 0)
            peer_uuids = []
            for p in range(peers_here):
                node += 1
                session = McpSession(client, urls[node % len(urls)][1], token)
                await session.open()
                uuid = f"soak-peer-{u}-{p}"
                await session.tool("blender_register_client", {"client_uuid": uuid, "client_type": "blender",
                                                               "is_persistent": True})
                peer = Peer(session, counters)
                peer_tasks.append(asyncio.create_task(peer.run()))
                peer_uuids.append(uuid)
            for i in range(LISTENERS_PER_USER):
                node += 1
                session = McpSession(client, urls[node % len(urls)][1], token)
                await session.open()
                await session.tool("blender_register_client", {"client_uuid": f"soak-listener-{u}-{i}",
                                                               "client_type": "llm"})
                listener = Listener(session, counters)
                listener.start()
                listeners.append(listener)
            driver = McpSession(client, urls[u % len(urls)][1], token)
            await driver.open()
            drivers.append((driver, peer_uuids, [0]))
        await asyncio.sleep(2)  # every stream open before the first record

        user_listeners = [listeners[u * LISTENERS_PER_USER:(u + 1) * LISTENERS_PER_USER] for u in range(USERS)]
        stop = asyncio.Event()
        in_flight: set[asyncio.Task] = set()

        async def broadcast(u: int) -> None:
            driver, _, seq = drivers[u]
            while not stop.is_set():
                try:
                    outcome = await driver.tool("blender_send_message", {
                        "payload": {"kind": "soak", "seq": seq[0]}, "client_type": "llm"})
                    seq[0] += 1
                    counters.broadcasts += 1
                    counters.expected += len(outcome.get("targets", [])) - len(outcome.get("filtered_by_level", []))
                except (httpx.HTTPError, RuntimeError) as problem:
                    counters.error(f"broadcast: {problem!r}")
                await asyncio.sleep(BROADCAST_EVERY)

        async def one_dispatch(driver: McpSession, target: str) -> None:
            started = time.perf_counter()
            counters.dispatched += 1
            try:
                envelope = await driver.tool("blender_get_scene_info", {"target_uuid": target, "_timeout": 30})
                if envelope.get("status") == "completed":
                    counters.settled += 1
                    counters.latencies.append(time.perf_counter() - started)
                else:
                    counters.failed += 1
                    counters.error(f"dispatch: {json.dumps(envelope)[:200]}")
            except (httpx.HTTPError, RuntimeError) as problem:
                counters.failed += 1
                counters.error(f"dispatch: {problem!r}")

        async def dispatch(u: int) -> None:
            driver, peer_uuids, _ = drivers[u]
            turn = 0
            while not stop.is_set():
                task = asyncio.create_task(one_dispatch(driver, peer_uuids[turn % len(peer_uuids)]))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
                turn += 1
                await asyncio.sleep(DISPATCH_EVERY)

        async def reconnect() -> None:
            while not stop.is_set():
                for listener in random.sample(listeners, RECONNECTS_PER_SECOND):
                    await listener.reconnect()
                await asyncio.sleep(1)

        workers = [asyncio.create_task(broadcast(u)) for u in range(USERS)]
        workers += [asyncio.create_task(dispatch(u)) for u in range(USERS)]
        workers.append(asyncio.create_task(reconnect()))

        minutes_rows = []
        start = time.monotonic()
        for minute in range(1, int(minutes) + 1):
            await asyncio.sleep(max(0.0, start + 60 * minute - time.monotonic()))
            window = counters.latencies
            counters.latencies = []
            minutes_rows.append({
                "minute": minute,
                "rss_mib": [round(processes.rss_kib(pid) / 1024, 1) for pid in pids],
                "fds": [len(os.listdir(f"/proc/{pid}/fd")) for pid in pids],
                "broadcasts": counters.broadcasts, "expected": counters.expected, "received": counters.received,
                "dispatched": counters.dispatched, "settled": counters.settled, "failed": counters.failed,
                "reconnects": counters.reconnects,
                "dispatch_p50_ms": round(statistics.median(window) * 1e3, 2) if window else None,
                "dispatch_p99_ms": round(sorted(window)[int(len(window) * 0.99)] * 1e3, 2) if window else None,
            })
            print(f"[soak] minute {minute}: {minutes_rows[-1]}", flush=True)
        stop.set()
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        # Drain: dispatches in flight settle, streams catch up with what was sent.
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline and (in_flight or counters.received < counters.expected):
            await asyncio.sleep(0.5)
        # Every listener was registered before the first broadcast: it must have seen each one.
        missing = 0
        for u, group in enumerate(user_listeners):
            sent = drivers[u][2][0]
            for listener in group:
                lost = sorted(set(range(sent)) - listener.seen)
                missing += len(lost)
                if lost:
                    counters.error(f"listener {listener.session.session_id} of user {u}: missing seq "
                                   f"{lost[:10]}{' ...' if len(lost) > 10 else ''} of {sent}")
        for listener in listeners:
            if listener.task:
                listener.task.cancel()
        for task in peer_tasks:
            task.cancel()
        await asyncio.gather(*peer_tasks, *[lt.task for lt in listeners if lt.task], return_exceptions=True)
        return {"minutes": minutes_rows, "final": {
            "broadcasts": counters.broadcasts, "expected": counters.expected, "received": counters.received,
            "duplicates": counters.duplicates, "out_of_order": counters.out_of_order,
            "missing_at_end": missing, "dispatched": counters.dispatched, "settled": counters.settled,
            "failed": counters.failed, "unsettled": counters.dispatched - counters.settled - counters.failed,
            "reconnects": counters.reconnects, "errors": counters.errors,
            "rss_mib": [round(processes.rss_kib(pid) / 1024, 1) for pid in pids],
            "fds": [len(os.listdir(f"/proc/{pid}/fd")) for pid in pids]}}


def run(ctx: Context, minutes: float, clustered: bool) -> dict:
    password = ctx.user_password
    names = [soak_user(i) for i in range(USERS)]
    started: list[processes.Service] = []
    others: list[subprocess.Popen] = []
    postgres_state = ctx.work / "soak-postgres"
    script = ctx.root / "tests" / "support" / "test-postgres"
    try:
        if clustered:
            from .cluster import CLUSTER_PUBLIC_URL, _start_redis
            subprocess.run(processes.pinned([str(script), "start", str(postgres_state)], ctx.server_cpus),
                           capture_output=True, text=True, check=True, timeout=120)
            database_url = subprocess.run([str(script), "createdb", str(postgres_state), "soak"], capture_output=True,
                                          text=True, check=True, timeout=60).stdout.strip()
            users_dir = ctx.work / "soak-users"
            users_dir.mkdir(mode=0o700)
            for name in names:
                subprocess.run([str(ctx.binary), "--data-dir", str(users_dir), "--database-url", database_url,
                                "user", "add", name, "--password-stdin"], input=password + "\n", text=True,
                               check=True, capture_output=True, env=processes.server_env(ctx.admin_password),
                               timeout=60)
            redis, redis_url = _start_redis(ctx)
            others.append(redis)
            for n in range(2):
                node_dir = ctx.work / f"soak-node-{n + 1}"
                node_dir.mkdir(mode=0o700)
                started.append(processes.start_blender_mcp(
                    ctx.binary, node_dir, ctx.log(f"soak-node-{n + 1}"), ctx.server_cpus, ctx.server_threads,
                    ctx.admin_password, fixtures=False, settings=SETTINGS,
                    extra_args=["--database-url", database_url, "--redis-url", redis_url, "--node-id",
                                f"node-{n + 1}", "--public-url", CLUSTER_PUBLIC_URL]))
        else:
            processes.add_users(ctx.binary, ctx.data_dir, names, password, ctx.admin_password)
            started.append(processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("soak-blender-mcp"),
                                                       ctx.server_cpus, ctx.server_threads, ctx.admin_password,
                                                       fixtures=False, settings=SETTINGS))
        os.sched_setaffinity(0, {int(ctx.load_cpus)})
        urls = [(service.base_url, f"{service.base_url}/mcp") for service in started]
        pids = [service.pid for service in started] + [p.pid for p in others]
        result = asyncio.run(drive(urls, password, minutes, pids))
        result["shape"] = {"mode": "cluster of 2 nodes (Redis, PostgreSQL)" if clustered else "embedded",
                           "processes": [s.name for s in started] + (["redis-server"] if others else []),
                           "minutes": minutes, "users": USERS, "listeners": USERS * LISTENERS_PER_USER,
                           "peers": PEERS}
        return result
    finally:
        for service in started:
            service.stop()
        for process in others:
            processes.stop(process)
        if clustered:
            subprocess.run([str(script), "stop", str(postgres_state)], capture_output=True, timeout=60)


def render(header: list[str], result: dict) -> str:
    """The soak report: one row per minute, then the totals after the drain."""
    shape, final = result["shape"], result["final"]
    names = ", ".join(shape["processes"])
    lines = [*header, "", f"## Soak: {shape['mode']}, {shape['minutes']:g} minutes", "",
             f"{shape['listeners']:,} listening sessions and {shape['peers']} fast peers over {shape['users']} users; "
             f"each user broadcasts every {BROADCAST_EVERY:g} s and dispatches every {DISPATCH_EVERY:g} s; "
             f"{RECONNECTS_PER_SECOND} listener streams cut and resumed with Last-Event-ID every second. "
             f"RSS and descriptors of: {names}. Server settings: "
             f"{', '.join(f'{k}={v}' for k, v in SETTINGS.items())} (retention reached in the first minutes; "
             "memory that grows after that is a leak).", "",
             "| Minute | RSS MiB | Open fds | Broadcasts | Records expected | Records received | Dispatches "
             "started | settled | failed | Reconnects | Dispatch p50 / p99 ms |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in result["minutes"]:
        lines.append(
            f"| {row['minute']} | {' / '.join(str(v) for v in row['rss_mib'])} | "
            f"{' / '.join(str(v) for v in row['fds'])} | {row['broadcasts']:,} | {row['expected']:,} | "
            f"{row['received']:,} | {row['dispatched']:,} | {row['settled']:,} | {row['failed']:,} | "
            f"{row['reconnects']:,} | {row['dispatch_p50_ms']} / {row['dispatch_p99_ms']} |")
    lines += ["", f"After a drain of up to {DRAIN_SECONDS} s: records expected {final['expected']:,}, received "
              f"{final['received']:,}, missing at the end {final['missing_at_end']:,}, duplicates "
              f"{final['duplicates']:,}, out of order {final['out_of_order']:,}; dispatches started "
              f"{final['dispatched']:,}, settled {final['settled']:,}, failed {final['failed']:,}, unsettled "
              f"{final['unsettled']:,}; reconnects {final['reconnects']:,}. RSS MiB at the end: "
              f"{' / '.join(str(v) for v in final['rss_mib'])}; open fds: "
              f"{' / '.join(str(v) for v in final['fds'])}."]
    if final["errors"]:
        lines += ["", "First errors seen:", "", *[f"- `{e}`" for e in final["errors"]]]
    return "\n".join(lines) + "\n"
