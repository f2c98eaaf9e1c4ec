"""Part 4: idle RSS, RSS per idle session with an open SSE stream (1,000 sessions), and RSS
sampled every 100,000 tool calls over one million calls (blender-mcp)."""
from __future__ import annotations

import time

from . import processes
from .context import Context
from .mcp_probe import login

IDLE_SETTLE_SECONDS = 1.0
SESSIONS = 1000
CALLS = 1_000_000
SAMPLE_EVERY = 100_000


def open_sessions(ctx: Context, service: processes.Service, password: str = "") -> dict:
    cmd = [ctx.program("bench_fanout"), "--url", service.mcp_url, "--login-base", service.base_url,
           "--sessions", str(SESSIONS), "--open-only", "--rss-pid", str(service.pid)]
    if password:
        cmd += ["--password", password]
    result = processes.run_json(cmd, ctx.load_cpus, timeout=300)
    result["per_session_kib"] = (result["rss_open_kib"] - result["rss_before_kib"]) / SESSIONS
    return result


def contender(ctx: Context, service: processes.Service) -> dict:
    try:
        time.sleep(IDLE_SETTLE_SECONDS)
        idle = processes.rss_kib(service.pid)
        return {"idle_kib": idle, "sessions": open_sessions(ctx, service)}
    finally:
        service.stop()


def run(ctx: Context) -> dict:
    results: dict[str, dict] = {}
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p4-blender-mcp"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password)
    try:
        time.sleep(IDLE_SETTLE_SECONDS)
        entry: dict = {"idle_kib": processes.rss_kib(ours.pid)}
        token = login(ours.base_url, ctx.user(0), ctx.user_password)
        entry["after_login_kib"] = processes.rss_kib(ours.pid)
        entry["sessions"] = open_sessions(ctx, ours, ctx.user_password)
        calls = CALLS // 10 if ctx.quick else CALLS
        before = processes.rss_kib(ours.pid)
        cmd = [ctx.program("bench_load"), "--url", ours.mcp_url, "--token", token, "--clients", "16",
               "--tool", "test_simple_text", "--requests", str(calls), "--duration", "300", "--warmup", "0",
               "--rss-pid", str(ours.pid), "--rss-every", str(calls // 10)]
        run_result = processes.run_json(cmd, ctx.load_cpus, timeout=420)
        run_result["rss_kib"] = [[0, before], *run_result.get("rss_kib", [])]
        entry["calls"] = run_result
        results["blender-mcp"] = entry
    finally:
        ours.stop()
    results["ts-sdk"] = contender(ctx, processes.start_node_sdk(
        ctx.node, ctx.root / "bench" / "node" / "sdk_server.mjs", ctx.log("p4-ts-sdk"), ctx.server_cpus))
    results["python-sdk"] = contender(ctx, processes.start_python_sdk(
        ctx.python, ctx.root / "bench" / "python" / "sdk_server.py", ctx.log("p4-python-sdk"), ctx.server_cpus))
    return results
