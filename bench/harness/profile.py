"""`perf record -g` of blender-mcp under part 1's load (64 clients, test_simple_text) and part
2's load (8 sessions dispatching to bench_peer); the top symbols by self time go into the report.

Needs `perf` (Debian package linux-perf) and permission to profile (root, or
kernel.perf_event_paranoid <= 1).
"""
from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time

from . import processes
from .context import Context
from .mcp_probe import login

TOP = 16
SAMPLE_HZ = 400  # DWARF unwinding copies 16 KiB of stack per sample: keep the rate modest
# Frames that say nothing about where the time goes (event loop plumbing, std::function, inlined
# wrappers, unresolved addresses).
NOISE = re.compile(r"boost::asio|boost::beast|std::_Function|std::function|__invoke|_M_invoke|inlined|"
                   r"0x[0-9a-f]+|\[k\]|_start|__libc_start|main$|run_serve|HttpServer::run|Router::handle")


def _report(data: str, *options: str) -> list[str]:
    out = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", *options],
                         capture_output=True, text=True, timeout=300).stdout
    rows = []
    for line in out.splitlines():
        if re.match(r"^\s+\d+\.\d+%", line):
            rows.append(re.sub(r"\s+-\s+-\s*$", "", re.sub(r"\s+", " ", line.strip()))[:160])
    return rows


def _top_symbols(data: str) -> list[str]:
    by_dso = _report(data, "--no-children", "--sort", "dso", "--percent-limit", "1")
    inclusive = [row for row in _report(data, "--children", "--sort", "symbol", "--percent-limit", "2")
                 if not NOISE.search(row)]
    return ["self time by DSO:", *by_dso[:8], "", "inclusive (children) time by symbol, plumbing frames left out:",
            *inclusive[:TOP]]


def _record(ctx: Context, name: str, pid: int, load_cmd: list[str]) -> dict:
    data = str(ctx.work / f"{name}.perf.data")
    perf = subprocess.Popen(["perf", "record", "-F", str(SAMPLE_HZ), "--call-graph", "dwarf,16384", "-o", data, "-p", str(pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        result = processes.run_json(load_cmd, ctx.load_cpus, timeout=120)
    finally:
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=60)
    return {"load": result, "top": _top_symbols(data)}


def run(ctx: Context) -> dict:
    if shutil.which("perf") is None:
        return {"error": "perf is not installed (apt-get install linux-perf)"}
    results: dict[str, dict] = {}
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("profile-blender-mcp"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password)
    peer = None
    try:
        token = login(ours.base_url, ctx.user(0), ctx.user_password)
        base = [ctx.program("bench_load"), "--url", ours.mcp_url, "--token", token, "--duration",
                str(ctx.seconds(6)), "--warmup", "0.5", "--requests", "1000000"]
        results["part1"] = _record(ctx, "part1", ours.pid, base + ["--clients", "64", "--tool", "test_simple_text"])
        peer, _ = processes.start_logged(
            "bench_peer", processes.pinned([ctx.program("bench_peer"), "--url", ours.mcp_url, "--token", token],
                                           ctx.load_cpus), ctx.log("profile-peer"), re.compile(r"ready "))
        results["part2"] = _record(ctx, "part2", ours.pid,
                                   base + ["--clients", "8", "--tool", "blender_get_scene_info", "--peer-time",
                                           "--expect", '"status":"completed"'])
    finally:
        if peer is not None:
            processes.stop(peer)
        ours.stop()
    return results
