"""Part 1: tools/call of a trivial tool at 1, 16 and 64 clients, for blender-mcp, the TypeScript
SDK, the Python SDK, and the HTTP ceiling (wrk on blender-mcp's /health)."""
from __future__ import annotations

import re
import subprocess

from . import processes
from .context import Context
from .mcp_probe import login

LEVELS = (1, 16, 64)
TOOL = "test_simple_text"  # blender-mcp's conformance fixture; the SDK servers register the same tool


def load(ctx: Context, mcp_url: str, clients: int, token: str = "") -> dict:
    cmd = [ctx.program("bench_load"), "--url", mcp_url, "--clients", str(clients), "--tool", TOOL,
           "--duration", str(ctx.seconds(4)), "--warmup", "1", "--requests", "300000"]
    if token:
        cmd += ["--token", token]
    return processes.run_json(cmd, ctx.load_cpus, timeout=120)


def parse_duration_us(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration: {text}")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]


def wrk(ctx: Context, url: str, connections: int) -> dict:
    duration = max(2, int(ctx.seconds(4)))
    out = subprocess.run(processes.pinned(["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
                                          ctx.load_cpus), capture_output=True, text=True, timeout=60, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if not (rps and p50 and p99):
        raise RuntimeError(f"cannot read wrk output:\n{out}")
    return {"clients": connections, "rps": float(rps.group(1)), "errors": int(errors.group(1)) if errors else 0,
            "latency": {"p50_us": parse_duration_us(p50.group(1)), "p99_us": parse_duration_us(p99.group(1))}}


def run(ctx: Context) -> dict:
    results: dict[str, dict[int, dict]] = {"blender-mcp": {}, "ts-sdk": {}, "python-sdk": {}, "http-ceiling": {}}
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p1-blender-mcp"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password)
    try:
        token = login(ours.base_url, ctx.user(0), ctx.user_password)
        for clients in LEVELS:
            results["blender-mcp"][clients] = load(ctx, ours.mcp_url, clients, token)
        for clients in LEVELS:
            results["http-ceiling"][clients] = wrk(ctx, f"{ours.base_url}/health", clients)
    finally:
        ours.stop()

    node = processes.start_node_sdk(ctx.node, ctx.root / "bench" / "node" / "sdk_server.mjs",
                                    ctx.log("p1-ts-sdk"), ctx.server_cpus)
    try:
        for clients in LEVELS:
            results["ts-sdk"][clients] = load(ctx, node.mcp_url, clients)
    finally:
        node.stop()

    python = processes.start_python_sdk(ctx.python, ctx.root / "bench" / "python" / "sdk_server.py",
                                        ctx.log("p1-python-sdk"), ctx.server_cpus)
    try:
        for clients in LEVELS:
            results["python-sdk"][clients] = load(ctx, python.mcp_url, clients)
    finally:
        python.stop()
    return results
