"""Part 3: one broadcast (blender_send_message) to 10, 100 and 1,000 sessions with open streams;
time until the last recipient has it. The 1,000 run also gives part 4's memory per session."""
from __future__ import annotations

from . import processes
from .context import Context

SIZES = ((10, 40), (100, 40), (1000, 20))  # (sessions, repeats)


def run(ctx: Context) -> dict:
    results: dict[int, dict] = {}
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p3-blender-mcp"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password)
    try:
        for sessions, repeats in SIZES:
            repeats = max(5, repeats // 4) if ctx.quick else repeats
            cmd = [ctx.program("bench_fanout"), "--url", ours.mcp_url, "--login-base", ours.base_url,
                   "--password", ctx.user_password, "--sessions", str(sessions), "--repeats", str(repeats),
                   "--rss-pid", str(ours.pid)]
            results[sessions] = processes.run_json(cmd, ctx.load_cpus, timeout=240)
    finally:
        ours.stop()
    return results
