"""Byte bounds of the bus (docs/architecture.md, "Bounds"): the largest record, the per-session
queue and replay bytes, the per-user budget of waiting records, and the registration strings.

What must hold: a send over the record limit is refused with the limit named before anything is
queued, and the recipient's stream keeps delivering; a backlog larger than a stream's buffer is
delivered in pieces, never cut; one user flooding many sessions and unread streams keeps the
server's memory within the documented bound; oversized registration strings are refused."""
from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from blackbox.bus_helpers import bus_for, call, own_bus, send, send_ok  # noqa: F401 (fixtures)
from blackbox.processes import expect_startup_refused
from blackbox.wire import login_ok
import pytest
from support.cluster import TOPOLOGIES

# Every test runs against one node and against a cluster of two (its clients spread over both).
pytestmark = pytest.mark.parametrize("topology", TOPOLOGIES, indirect=True, scope="session")

MAX_RECORD_BYTES = 4 << 20
MIB = 1 << 20


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_a_send_over_the_record_limit_is_refused_naming_it_and_the_stream_keeps_delivering(own_bus):
    bus = own_bus
    receiver = bus.join("blender-big", "blender")
    big = {"message_type": "job_dispatch", "job_id": "job-big", "script": "x" * (5 * MIB)}
    refused = send(bus.observer, big, target_uuid="blender-big", from_uuid="llm-sender")
    assert refused["status"] == "error" and refused["error"] == "record_too_large", refused
    assert str(MAX_RECORD_BYTES) in refused["detail"] and "max_record_bytes" in refused["detail"], refused
    # Nothing was recorded: the job id is unknown, so an update for it is a broadcast.
    assert call(bus.observer, "blender_get_job", {"job_id": "job-big"})["status"] != "ok"

    # A dispatch tool with arguments over the limit gets its own envelope and sends nothing.
    result = call(bus.observer, "blender_execute_code", {"code": "#" * (5 * MIB)})
    assert result["status"] == "record_too_large", {k: v for k, v in result.items() if k != "result"}
    assert "max_record_bytes" in result["error"], result

    # Records within the limit, one of them 3 MiB, still arrive on the same stream, in order.
    sent = [send_ok(bus.observer, {"n": 1}, target_uuid="blender-big")["message_id"],
            send_ok(bus.observer, {"blob": "y" * (3 * MIB)}, target_uuid="blender-big")["message_id"],
            send_ok(bus.observer, {"n": 3}, target_uuid="blender-big")["message_id"]]
    records = receiver.wait_records(3, timeout=30)
    assert [r.data["message_id"] for r in records] == sent
    assert receiver.stream.ended.is_set() is False


def test_a_backlog_larger_than_the_stream_buffer_is_delivered_whole_in_pieces(spawn, bus_for):
    srv = spawn(env={"BLENDER_MCP_STREAM_BUFFER_BYTES": str(1 * MIB),
                     "BLENDER_MCP_MAX_RECORD_BYTES": str(512 * 1024),
                     "BLENDER_MCP_MAX_IMAGE_BYTES": str(64 * 1024)})
    bus = bus_for(srv)
    receiver = bus.join("blender-backlog", "blender", stream=False)
    sent = [send_ok(bus.observer, {"n": n, "blob": "z" * (400 * 1024)}, target_uuid="blender-backlog")["message_id"]
            for n in range(10)]
    receiver.open()
    records = receiver.wait_records(10, timeout=30)
    assert [r.data["message_id"] for r in records] == sent
    # The stream stays usable: the next record follows.
    after = send_ok(bus.observer, {"n": "after"}, target_uuid="blender-backlog")["message_id"]
    assert receiver.wait_records(11, timeout=10)[-1].data["message_id"] == after


def test_bounds_that_cannot_hold_one_record_are_refused_at_start_up():
    boot = expect_startup_refused(env={"BLENDER_MCP_STREAM_BUFFER_BYTES": "1000",
                                       "BLENDER_MCP_MAX_RECORD_BYTES": "2000"})
    assert "BLENDER_MCP_STREAM_BUFFER_BYTES" in boot.stderr and "BLENDER_MCP_MAX_RECORD_BYTES" in boot.stderr


def test_a_picture_bound_that_a_stream_buffer_cannot_answer_is_refused_at_start_up():
    boot = expect_startup_refused(env={"BLENDER_MCP_STREAM_BUFFER_BYTES": str(5 * MIB)})
    assert "BLENDER_MCP_MAX_IMAGE_BYTES (4194304) is too large for BLENDER_MCP_STREAM_BUFFER_BYTES" in boot.stderr
    boot = expect_startup_refused(env={"BLENDER_MCP_MAX_IMAGE_BYTES": "0"})
    assert "BLENDER_MCP_MAX_IMAGE_BYTES must be greater than 0" in boot.stderr


def test_oversized_registration_strings_are_refused_and_register_nothing(own_bus):
    session = own_bus.observer
    result = call(session, "blender_register_client",
                  {"client_uuid": "llm-x", "client_type": "llm", "group_id": "g" * MIB})
    assert result["status"] == "error" and result["error"] == "invalid_group_id", result["error"]
    assert "128" in result["detail"]
    result = call(session, "blender_register_client",
                  {"client_uuid": "llm-x", "client_type": "llm", "capabilities": ["c"] * 100_000})
    assert result["status"] == "error" and result["error"] == "invalid_capabilities", result["error"]
    result = call(session, "blender_register_client",
                  {"client_uuid": "llm-x", "client_type": "llm", "capabilities": ["c" * 129]})
    assert result["error"] == "invalid_capabilities", result
    result = call(session, "blender_register_client", {"client_uuid": "llm-x", "client_type": "t" * 65})
    assert result["error"] == "invalid_client_type", result
    assert own_bus.client("llm-x") is None


def _unread_stream(base_url: str, token: str, session_id: str) -> socket.socket:
    """A GET stream whose client never reads: a small receive buffer, and nothing consumes it."""
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.sendall((f"GET /mcp HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
                  f"Authorization: Bearer {token}\r\nMcp-Session-Id: {session_id}\r\n"
                  "MCP-Protocol-Version: 2025-11-25\r\n\r\n").encode())
    return sock


# The documented bound for one user (docs/architecture.md): the user's budget of waiting records
# (64 MiB), plus per open stream what its buffer holds (8 MiB), plus per session its replay bytes
# (2 MiB). With 32 queueing sessions and 8 unread streams that is 64 + 64 + 80 = 208 MiB; the test
# allows 256 MiB of growth for the allocator's slack.
RSS_GROWTH_BOUND = 256 * MIB


def test_one_user_flooding_32_sessions_and_8_unread_streams_keeps_memory_bounded(spawn, bus_for, http_for):
    srv = spawn()
    bus = bus_for(srv)
    tokens = login_ok(http_for(srv), "demo", "demo")
    nodes = getattr(srv, "nodes", [srv])  # on a cluster the bound holds on every node
    baselines = [_rss_bytes(node.process.pid) for node in nodes]

    for n in range(32):
        bus.join(f"llm-queue-{n}", stream=False)
    unread = []
    for n in range(8):
        peer = bus.join(f"llm-unread-{n}", stream=False)
        unread.append(_unread_stream(peer.session.mcp.http.base_url, tokens.access, peer.session.id))
    time.sleep(0.5)

    blob = "q" * (1 * MIB)
    deadline = time.monotonic() + 120
    dropped_seen = 0
    for n in range(60):
        result = send(bus.observer, {"n": n, "blob": blob})
        assert result["status"] == "ok", {k: v for k, v in result.items() if k != "routing"}
        dropped_seen += len(result.get("dropped", []))
        assert time.monotonic() < deadline, "the flood took too long"
    for node, baseline in zip(nodes, baselines):
        growth = _rss_bytes(node.process.pid) - baseline
        assert growth < RSS_GROWTH_BOUND, f"RSS grew by {growth / MIB:.0f} MiB"
    if len(nodes) == 1:
        # On a cluster the receiving node applies the byte bounds after the send returned: its
        # counters count what it dropped, the sender is not told (docs/cluster.md).
        assert dropped_seen > 0, "60 MiB to 40 sessions must hit a byte bound"

    # The server still answers, and another user's bus works.
    assert http_for(srv).health().status == 200
    for sock in unread:
        sock.close()
    stats = json.loads(json.dumps(bus.stats()))
    assert stats["ephemeral_count"] == 40
