"""Abuse that the server withstands, each kept so that it keeps holding.

Every scenario runs against its own server while a probe, another user with an MCP session of
its own, sends `ping` every 20 ms. The test fails when the abuse breaks the server or when the
probe goes unanswered or slow; the probe's latencies are printed (run with `-s` to see them):

* 200 connections that send their request headers a byte at a time, held for 40 s (the server's
  30 s read timeout closes them);
* 10,000 idle connections;
* bodies nested 100,000 levels deep, `1e999999`, and invalid UTF-8, sent in a loop;
* one user opening 70 MCP sessions (64 are allowed).

The bounds on the probe are wide (p99 under 250 ms, no answer over 2 s) so that a busy CI machine
does not fail them; on a quiet machine the numbers are a few milliseconds.
"""
from __future__ import annotations

import resource
import socket
import statistics
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from blackbox.checks import PARSE_ERROR_BODY
from blackbox.processes import add_user
from blackbox.test_overload import cpu_seconds
from blackbox.wire import Http, Mcp, Session, login_ok
from support.server_process import ServerProcess

PROBE_INTERVAL = 0.02
PROBE_P99_LIMIT = 0.25
PROBE_MAX_LIMIT = 2.0
PROBE_USER = "probe"
PROBE_PASSWORD = "probe-password-1"


class Probe:
    """Another user's session pinging the server from a thread of its own until stopped."""

    def __init__(self, server: ServerProcess) -> None:
        http = Http(server.base_url)
        try:
            tokens = login_ok(http, PROBE_USER, PROBE_PASSWORD)
        finally:
            http.close()
        self._mcp = Mcp(server.base_url, tokens.access)
        self._session: Session = self._mcp.initialize()
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            try:
                reply = self._session.call("ping")
                if reply.status != 200 or "result" not in reply.message:
                    self.failures.append(f"{reply.status} {reply.text[:200]}")
            except (httpx.HTTPError, AssertionError, ValueError) as error:
                self.failures.append(repr(error))
            self.latencies.append(time.perf_counter() - started)
            self._stop.wait(PROBE_INTERVAL)

    def __enter__(self) -> "Probe":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._session.delete()
        self._mcp.close()

    def report(self, scenario: str) -> str:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (f"{scenario}: probe {len(ordered)} pings, p50 {statistics.median(ordered) * 1e3:.2f} ms, "
                f"p99 {p99 * 1e3:.2f} ms, max {ordered[-1] * 1e3:.2f} ms")

    def assert_responsive(self, scenario: str, minimum_pings: int) -> None:
        summary = self.report(scenario)
        print(summary)
        assert not self.failures, f"{scenario}: the probe was refused: {self.failures[:5]}"
        assert len(self.latencies) >= minimum_pings, summary
        ordered = sorted(self.latencies)
        assert ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] < PROBE_P99_LIMIT, summary
        assert ordered[-1] < PROBE_MAX_LIMIT, summary


@pytest.fixture
def abused(spawn: Callable[..., ServerProcess]) -> Callable[..., ServerProcess]:
    """A factory of servers with the probe's user added."""

    def start(**kwargs: object) -> ServerProcess:
        server = spawn(**kwargs)
        add_user(server.store, PROBE_USER, PROBE_PASSWORD)
        return server

    return start


def address_of(server: ServerProcess) -> tuple[str, int]:
    parts = urlsplit(server.base_url)
    return parts.hostname, parts.port


@contextmanager
def open_files_raised_to(count: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < count:
        pytest.fail(f"this test needs {count} open files; the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, count), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_200_connections_sending_headers_a_byte_at_a_time_for_40_s_neither_hold_nor_slow_the_server(abused):
    server = abused()
    host, port = address_of(server)
    request = (f"POST /mcp HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
               "Accept: application/json, text/event-stream\r\nX-Padding: " + "a" * 4096).encode()
    sockets = []
    for _ in range(200):
        sock = socket.create_connection((host, port), timeout=5)
        sock.setblocking(False)
        sockets.append(sock)
    sent = [0] * len(sockets)
    closed_at: dict[int, float] = {}
    started = time.monotonic()
    with Probe(server) as probe:
        while time.monotonic() - started < 40:
            for index, sock in enumerate(sockets):
                if index in closed_at:
                    continue
                try:
                    sock.send(request[sent[index]:sent[index] + 1])
                    sent[index] += 1
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:  # reset or broken pipe: the server closed it
                    closed_at[index] = time.monotonic() - started
            time.sleep(0.25)
    for sock in sockets:
        sock.close()
    probe.assert_responsive("200 slow-header connections for 40 s", minimum_pings=300)
    # The read timeout (30 s for a whole request) cut every dribbling connection; none got an answer
    # for a request it never finished.
    assert len(closed_at) == len(sockets), f"{len(sockets) - len(closed_at)} still open after 40 s"
    assert min(closed_at.values()) >= 25, sorted(closed_at.values())[:5]
    assert server.process.poll() is None


def test_10000_idle_connections_cost_no_cpu_and_others_are_answered(abused):
    count = 10_000
    with open_files_raised_to(count + 500):
        server = abused(open_files=count + 500)
        host, port = address_of(server)
        sockets = []
        try:
            for _ in range(count):
                sockets.append(socket.create_connection((host, port), timeout=5))
            cpu_before = cpu_seconds(server.process.pid)
            with Probe(server) as probe:
                time.sleep(10)
            cpu_used = cpu_seconds(server.process.pid) - cpu_before
        finally:
            for sock in sockets:
                sock.close()
        probe.assert_responsive(f"{count} idle connections for 10 s", minimum_pings=100)
        print(f"{count} idle connections: server CPU {cpu_used:.2f} s in 10 s (the probe's pings included)")
        assert cpu_used < 3, f"server used {cpu_used:.2f} s of CPU in 10 s with idle connections"
        health = Http(server.base_url)
        assert health.health().status == 200
        health.close()


MALFORMED_BODIES = {
    "nested 100,000 levels": b"[" * 100_000 + b"]" * 100_000,
    "nested 100,000 levels in params":
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
    "1e999999": b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":1e999999}}',
    "invalid UTF-8": b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":"\xff\xfe\xc0\xaf"}}',
    "truncated UTF-8": b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":"\xe2\x82"}}',
}


def test_malformed_bodies_in_a_loop_are_refused_and_others_are_answered(abused):
    server = abused()
    http = Http(server.base_url)
    try:
        tokens = login_ok(http)
    finally:
        http.close()
    mcp = Mcp(server.base_url, tokens.access)
    session = mcp.initialize()
    answered = {name: 0 for name in MALFORMED_BODIES}
    started = time.monotonic()
    with Probe(server) as probe:
        while time.monotonic() - started < 8:
            for name, body in MALFORMED_BODIES.items():
                reply = session.post(raw=body)
                assert reply.status == 400, (name, reply.status, reply.text[:200])
                assert reply.json() == PARSE_ERROR_BODY, (name, reply.text[:200])
                answered[name] += 1
    # The session is untouched by what it sent: it still answers.
    assert session.call("ping").status == 200
    session.delete()
    mcp.close()
    print(f"malformed bodies refused in 8 s: {answered}")
    assert min(answered.values()) >= 5, answered
    probe.assert_responsive("malformed bodies for 8 s", minimum_pings=100)
    assert server.process.poll() is None


def test_one_user_opening_70_sessions_gets_64_and_a_clear_refusal_and_others_are_answered(abused):
    server = abused()
    http = Http(server.base_url)
    try:
        tokens = login_ok(http)
    finally:
        http.close()
    mcp = Mcp(server.base_url, tokens.access)
    session_ids: list[str] = []
    refusals: list[tuple[int, str]] = []
    with Probe(server) as probe:
        for _ in range(70):
            reply = mcp.initialize_reply()
            if reply.status == 200:
                session_ids.append(reply.headers["mcp-session-id"])
            else:
                refusals.append((reply.status, reply.json().get("detail", "")))
        # A session that is given up makes room for one more.
        assert mcp.delete(session_ids.pop()).status in (200, 204)
        again = mcp.initialize_reply()
        assert again.status == 200, again.text
        session_ids.append(again.headers["mcp-session-id"])
        assert mcp.initialize_reply().status == 429
    for session_id in session_ids:
        mcp.delete(session_id)
    mcp.close()
    assert len(session_ids) == 64
    assert refusals == [(429, "Too many MCP sessions")] * 6
    probe.assert_responsive("one user opening 70 sessions", minimum_pings=1)
