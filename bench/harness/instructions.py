"""Instruction counts (`scripts/bench --instructions`): blender-mcp's user-space instructions per
operation, counted by callgrind (valgrind). Times on a shared two-core machine move by tens of
percent between runs; these counts move by about 1%, so they compare two commits where the
timed parts cannot. The kernel's share (system calls, loopback TCP) is not counted.

Counting is switched on only around the measured operations (`callgrind_control`), after the
login and a warm-up; the fan-out figure is the difference of two runs that differ only in their
number of rounds, so the sessions' set-up and clean-up cancel out.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from . import processes
from .context import Context
from .mcp_probe import login

CALLS = 10_000            # tools/call and dispatch round trips counted
FAN_OUT_SESSIONS = 1000
FAN_OUT_ROUNDS = (2, 12)  # the two runs; their difference is 10 rounds
VALGRIND_START_SECONDS = 180.0


def _control(pid: int, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(pid)], check=True, capture_output=True, timeout=120)


def _dumped_instructions(out_base: Path, before: set[Path]) -> int:
    """The instruction total of the dump callgrind wrote since `before` was listed."""
    new = sorted(set(out_base.parent.glob(out_base.name + "*")) - before)
    if not new:
        raise RuntimeError(f"callgrind wrote no dump next to {out_base}")
    total = 0
    for dump in new:
        for line in dump.read_text(encoding="utf-8", errors="replace").splitlines():
            match = re.match(r"(?:summary|totals): (\d+)", line)
            if match:
                total = max(total, int(match.group(1)))
    return total


def _count(pid: int, out_base: Path, work) -> int:
    """Instructions the server executed while `work()` ran."""
    _control(pid, "--zero")
    _control(pid, "--instr=on")
    try:
        work()
    finally:
        _control(pid, "--instr=off")
    before = set(out_base.parent.glob(out_base.name + "*"))
    _control(pid, "--dump")
    return _dumped_instructions(out_base, before)


def run(ctx: Context) -> dict:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        return {"error": "valgrind is not installed (apt-get install valgrind)"}
    out_base = ctx.work / "callgrind.out"
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out_base}",
           str(ctx.binary), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(ctx.data_dir),
           "--threads", "1", "--conformance-fixtures"]
    process, match = processes.start_logged("blender-mcp under callgrind", processes.pinned(cmd, ctx.server_cpus),
                                            ctx.log("instructions-blender-mcp"), processes.BLENDER_MCP_READY,
                                            env=processes.server_env(ctx.admin_password),
                                            timeout=VALGRIND_START_SECONDS)
    server = processes.Service("blender-mcp", process, match.group(1).rstrip("/"), ctx.log("instructions-blender-mcp"))
    peer = None
    results: dict = {}
    try:
        token = login(server.base_url, ctx.user(0), ctx.user_password)
        calls = CALLS // 10 if ctx.quick else CALLS

        def load(tool: str, clients: int, requests: int, extra: list[str] | None = None) -> dict:
            cmd = [ctx.program("bench_load"), "--url", server.mcp_url, "--token", token, "--clients", str(clients),
                   "--tool", tool, "--duration", "600", "--warmup", "0", "--requests", str(requests), *(extra or [])]
            return processes.run_json(cmd, ctx.load_cpus, timeout=900)

        load("test_simple_text", 16, 1000)  # warm-up: sessions, caches, allocator
        measured: dict = {}
        total = _count(server.pid, out_base, lambda: measured.update(load("test_simple_text", 16, calls)))
        results["tools_call"] = {"calls": measured["measured"], "instructions": total,
                                 "per_call": total / measured["measured"]}

        peer, _ = processes.start_logged(
            "bench_peer", processes.pinned([ctx.program("bench_peer"), "--url", server.mcp_url, "--token", token],
                                           ctx.load_cpus), ctx.log("instructions-peer"), re.compile(r"ready "))
        dispatch = ["--peer-time", "--expect", '"status":"completed"']
        load("blender_get_scene_info", 1, 200, dispatch)
        measured = {}
        total = _count(server.pid, out_base,
                       lambda: measured.update(load("blender_get_scene_info", 1, calls // 2, dispatch)))
        results["dispatch"] = {"calls": measured["measured"], "instructions": total,
                               "per_call": total / measured["measured"]}
        processes.stop(peer)
        peer = None

        sessions = FAN_OUT_SESSIONS // 10 if ctx.quick else FAN_OUT_SESSIONS
        counts = []
        for rounds in FAN_OUT_ROUNDS:
            fan = [ctx.program("bench_fanout"), "--url", server.mcp_url, "--login-base", server.base_url,
                   "--password", ctx.user_password, "--sessions", str(sessions), "--repeats", str(rounds)]
            counts.append(_count(server.pid, out_base, lambda: processes.run_json(fan, ctx.load_cpus, timeout=900)))
        extra_rounds = FAN_OUT_ROUNDS[1] - FAN_OUT_ROUNDS[0]
        results["broadcast"] = {"sessions": sessions, "rounds": extra_rounds,
                                "per_recipient": (counts[1] - counts[0]) / extra_rounds / sessions}
    finally:
        if peer is not None:
            processes.stop(peer)
        server.stop()
    return results
