"""Connection floods: the connection limit, the health reserve and the accept loop's pause.

Each test starts its own server with a lowered descriptor limit (RLIMIT_NOFILE) and opens more
connections than it may hold. Before the fix, accept() failing with EMFILE was retried at once:
both cores at 100 %, a log line per failure, and /health unanswered.
"""
from __future__ import annotations

import re
import resource
import socket
import time
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import urlsplit

import httpx

from blackbox.checks import assert_detail
from blackbox.processes import cpu_seconds
from blackbox.wire import Http, Mcp, demo_access_token, wait_until
from support.server_process import ServerProcess

OPEN_FILES = 256
# effective_max_connections: the descriptor limit less 64 reserved descriptors and the health
# reserve of 16.
MAX_CONNECTIONS = OPEN_FILES - 64 - 16
HEALTH_RESERVE = 16
FLOOD = 400



@contextmanager
def flood(server: ServerProcess, count: int) -> Iterator[list[socket.socket]]:
    """`count` idle connections from one address, held open until the block ends. Connections
    the server has already closed stay in the list: the client side holds them all the same."""
    address = urlsplit(server.base_url)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(2)
            sock.connect((address.hostname, address.port))
            sockets.append(sock)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def health_answers(server: ServerProcess) -> bool:
    client = Http(server.base_url)
    try:
        return client.health().status == 200
    except httpx.TransportError:  # closed unanswered: every reserve place was taken
        return False
    finally:
        client.close()


def login_answers(server: ServerProcess) -> bool:
    client = Http(server.base_url)
    try:
        return client.login("demo", "demo").status == 200
    except httpx.TransportError:
        return False
    finally:
        client.close()


def assert_normal_service(server: ServerProcess) -> None:
    """Login, an MCP session and its deletion all work."""
    assert wait_until(lambda: login_answers(server), timeout=15), server.stderr_lines[-20:]
    mcp = Mcp(server.base_url, demo_access_token(server.base_url))
    try:
        session = mcp.initialize()
        assert mcp.delete(session.id).status in (200, 204)
    finally:
        mcp.close()


def test_the_default_limit_follows_the_descriptor_limit(spawn):
    server = spawn(open_files=OPEN_FILES)
    assert any(f"serving at most {MAX_CONNECTIONS} connections at once (descriptor limit "
               f"{OPEN_FILES}); {HEALTH_RESERVE} more may ask for GET /health" in line
               for line in server.stderr_lines), server.stderr_lines


def test_a_flood_past_the_descriptor_limit_neither_spins_nor_floods_the_log_and_health_answers(spawn):
    server = spawn(open_files=OPEN_FILES)
    pid = server.process.pid
    with flood(server, FLOOD):
        time.sleep(0.5)  # let the server accept what it will
        lines_before, cpu_before = len(server.stderr_lines), cpu_seconds(pid)
        time.sleep(3)
        spent = cpu_seconds(pid) - cpu_before
        assert spent < 0.5, f"{spent:.2f} s of CPU in 3 s while flooded"
        # The health reserve's places free up once their flood connections send nothing for
        # 2 s; a health check then gets one.
        assert wait_until(lambda: health_answers(server), timeout=10)
        new_lines = server.stderr_lines[lines_before:]
        assert len(new_lines) <= 5, new_lines
    assert len(server.stderr_lines) < 40, server.stderr_lines
    assert any(f"over the limit of {MAX_CONNECTIONS}" in line for line in server.stderr_lines), \
        server.stderr_lines
    assert_normal_service(server)


def test_accept_failing_for_lack_of_descriptors_pauses_instead_of_spinning(spawn):
    # The server sizes its limit for 256 descriptors; lowering the limit afterwards makes
    # accept() itself fail with EMFILE, as when something else holds the descriptors.
    server = spawn(open_files=OPEN_FILES)
    pid = server.process.pid
    _, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (100, hard))
    with flood(server, 300):
        assert wait_until(lambda: any("Too many open files" in line for line in server.stderr_lines),
                          timeout=10), server.stderr_lines
        lines_before, cpu_before = len(server.stderr_lines), cpu_seconds(pid)
        time.sleep(3)
        spent = cpu_seconds(pid) - cpu_before
        assert spent < 0.5, f"{spent:.2f} s of CPU in 3 s while accept() fails"
        new_lines = server.stderr_lines[lines_before:]
        assert len(new_lines) <= 2, new_lines
    failures = [line for line in server.stderr_lines if "accept failed" in line]
    assert 1 <= len(failures) <= 3, server.stderr_lines
    assert re.search(r"accept failed \d+ time\(s\) since the last report, last: Too many open files",
                     failures[0]), failures
    # With the flood gone, descriptors come back and the listen backlog drains.
    assert wait_until(lambda: health_answers(server), timeout=15), server.stderr_lines[-20:]
    assert_normal_service(server)


def test_connections_over_max_connections_get_503_and_health_still_answers(spawn):
    server = spawn("--max-connections", "2")
    assert any("serving at most 2 connections at once" in line for line in server.stderr_lines)
    with flood(server, 2):
        client = Http(server.base_url)
        try:
            reply = client.login("demo", "demo")
        finally:
            client.close()
        assert_detail(reply, 503, "Too many connections; try again later")
        assert reply.headers.get("connection", "").lower() == "close", reply
        assert reply.headers.get("retry-after") == "1", reply
        assert health_answers(server)
    assert_normal_service(server)


def test_a_connection_over_the_limit_that_sends_nothing_is_closed_within_two_seconds(spawn):
    server = spawn("--max-connections", "1")
    with flood(server, 2) as held:
        over = held[1]
        over.settimeout(5)
        started = time.monotonic()
        assert over.recv(1) == b""  # the server closed it, unanswered
        assert time.monotonic() - started < 4
        assert health_answers(server)


def test_max_connections_above_the_descriptor_limit_is_lowered_with_a_warning(spawn):
    server = spawn("--max-connections", "100000", open_files=OPEN_FILES)
    assert any(f"max connections 100000 lowered to {MAX_CONNECTIONS}" in line
               for line in server.stderr_lines), server.stderr_lines


def test_max_connections_from_the_environment(spawn):
    server = spawn(env={"BLENDER_MCP_MAX_CONNECTIONS": "3"})
    assert any("serving at most 3 connections at once" in line for line in server.stderr_lines)
