"""Part 2: a dispatch tool (blender_get_scene_info) from N LLM sessions through the bus to the
fast C++ peer (bench_peer) and back."""
from __future__ import annotations

import re
import subprocess

from . import processes
from .context import Context
from .mcp_probe import login

LEVELS = (1, 8, 32)
TOOL = "blender_get_scene_info"


BUSY_POLL_US = 200


def _run_levels(ctx: Context, label: str, extra_args: list[str]) -> dict:
    results: dict[int, dict] = {}
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log(f"p2-blender-mcp-{label}"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password, extra_args=extra_args)
    peer = None
    try:
        token = login(ours.base_url, ctx.user(0), ctx.user_password)
        peer, _ = processes.start_logged(
            "bench_peer", processes.pinned([ctx.program("bench_peer"), "--url", ours.mcp_url, "--token", token,
                                            "--uuid", "blender-bench-peer"], ctx.load_cpus),
            ctx.log(f"p2-peer-{label}"), re.compile(r"ready blender-bench-peer"))
        for clients in LEVELS:
            cmd = [ctx.program("bench_load"), "--url", ours.mcp_url, "--token", token, "--clients", str(clients),
                   "--tool", TOOL, "--arguments", '{"target_uuid":"blender-bench-peer"}', "--peer-time",
                   "--expect", '"status":"completed"', "--duration", str(ctx.seconds(4)), "--warmup", "1",
                   "--requests", "200000"]
            results[clients] = processes.run_json(cmd, ctx.load_cpus, timeout=120)
    finally:
        if peer is not None:
            processes.stop(peer)
        ours.stop()
    return results


def run(ctx: Context) -> dict:
    """The server as it starts by default (its I/O thread sleeps in epoll_wait as soon as it has
    nothing to do), and with --busy-poll-us (it polls that long first)."""
    return {"sleeping": _run_levels(ctx, "sleeping", []),
            "busy_poll": _run_levels(ctx, "busy-poll", ["--busy-poll-us", str(BUSY_POLL_US)]),
            "busy_poll_us": BUSY_POLL_US}
