"""Part 1: tools/call of a trivial tool at 1, 16 and 64 clients, for blender-mcp, the TypeScript
SDK, the Python SDK, and the HTTP ceiling (wrk on blender-mcp's /health)."""
from __future__ import annotations

import re
import subprocess

from . import processes
from .context import Context
from .mcp_probe import login

LEVELS = (1, 16, 64)
# The two-thread run: blender-mcp with `--threads 2`, the load generator and wrk all on both cores
# (this machine has two), so the server and its load share them.
TWO_THREAD_LEVELS = (16, 64)
BOTH_CORES = "0,1"
TOOL = "test_simple_text"  # blender-mcp's conformance fixture; the SDK servers register the same tool
# blender-mcp and the TypeScript SDK run side by side (both pinned to the server core, the idle one
# waiting) and are measured alternately, level by level, this many rounds: a shared machine's speed
# drifts by tens of percent within minutes, and a ratio of two runs minutes apart measured the
# drift as much as the servers. Each figure is the run with the median throughput of its rounds.
ROUNDS = 3


def load(ctx: Context, mcp_url: str, clients: int, token: str = "", cpus: str | None = None) -> dict:
    cmd = [ctx.program("bench_load"), "--url", mcp_url, "--clients", str(clients), "--tool", TOOL,
           "--duration", str(ctx.seconds(4)), "--warmup", "1", "--requests", "300000"]
    if token:
        cmd += ["--token", token]
    return processes.run_json(cmd, cpus or ctx.load_cpus, timeout=120)


def parse_duration_us(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration: {text}")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]


def wrk(ctx: Context, url: str, connections: int, cpus: str | None = None) -> dict:
    duration = max(2, int(ctx.seconds(4)))
    out = subprocess.run(processes.pinned(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
                                          cpus or ctx.load_cpus), capture_output=True, text=True, timeout=60,
                         check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if not (rps and p50 and p99):
        raise RuntimeError(f"cannot read wrk output:\n{out}")
    return {"clients": connections, "rps": float(rps.group(1)), "errors": int(errors.group(1)) if errors else 0,
            "latency": {"p50_us": parse_duration_us(p50.group(1)), "p99_us": parse_duration_us(p99.group(1))}}


def median_run(runs: list[dict]) -> dict:
    """The run with the median throughput, with every round's throughput in order ("rounds_rps")."""
    chosen = dict(sorted(runs, key=lambda r: r["rps"])[len(runs) // 2])
    chosen["rounds_rps"] = [r["rps"] for r in runs]
    return chosen


def run(ctx: Context) -> dict:
    results: dict[str, dict[int, dict]] = {"blender-mcp": {}, "ts-sdk": {}, "python-sdk": {}, "http-ceiling": {},
                                           "blender-mcp-2t": {}, "http-ceiling-2t": {}}
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p1-blender-mcp"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password)
    node = None
    try:
        node = processes.start_node_sdk(ctx.node, ctx.root / "bench" / "node" / "sdk_server.mjs",
                                        ctx.log("p1-ts-sdk"), ctx.server_cpus)
        token = login(ours.base_url, ctx.user(0), ctx.user_password)
        rounds: dict[str, dict[int, list[dict]]] = {"blender-mcp": {c: [] for c in LEVELS},
                                                    "ts-sdk": {c: [] for c in LEVELS}}
        for _ in range(1 if ctx.quick else ROUNDS):
            for clients in LEVELS:
                rounds["blender-mcp"][clients].append(load(ctx, ours.mcp_url, clients, token))
                rounds["ts-sdk"][clients].append(load(ctx, node.mcp_url, clients))
        for name, levels in rounds.items():
            for clients, runs in levels.items():
                results[name][clients] = median_run(runs)
        for clients in LEVELS:
            results["http-ceiling"][clients] = wrk(ctx, f"{ours.base_url}/health", clients)
    finally:
        ours.stop()
        if node:
            node.stop()

    two = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p1-blender-mcp-2t"), BOTH_CORES, 2,
                                      ctx.admin_password)
    try:
        token = login(two.base_url, ctx.user(0), ctx.user_password)
        for clients in TWO_THREAD_LEVELS:
            results["blender-mcp-2t"][clients] = load(ctx, two.mcp_url, clients, token, BOTH_CORES)
        for clients in TWO_THREAD_LEVELS:
            results["http-ceiling-2t"][clients] = wrk(ctx, f"{two.base_url}/health", clients, BOTH_CORES)
    finally:
        two.stop()

    python = processes.start_python_sdk(ctx.python, ctx.root / "bench" / "python" / "sdk_server.py",
                                        ctx.log("p1-python-sdk"), ctx.server_cpus)
    try:
        for clients in LEVELS:
            results["python-sdk"][clients] = load(ctx, python.mcp_url, clients)
    finally:
        python.stop()
    return results
