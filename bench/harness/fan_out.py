"""Part 3: one broadcast (blender_send_message) to 10, 100 and 1,000 sessions with open streams;
time until the last recipient has it. The 1,000 run also gives part 4's memory per session.

The baseline is bench_fanout_floor: the same 1,000 sockets written with one sendmsg each by a
program that does nothing else, read and timed by the same client. It is what the kernel's
loopback TCP takes on this machine (the sender's system call also delivers the segment and wakes
its reader), the floor under any server's broadcast here. A third floor run batches each round's
sends into one io_uring submission: what batching the system calls could save."""
from __future__ import annotations

import re

from . import processes
from .context import Context

FLOOR_READY = re.compile(r"bench_fanout_floor listening on (http://\S+)")

# (sessions, repeats): 100 rounds each, so that p99 is not simply the slowest of a few rounds.
SIZES = ((10, 100), (100, 100), (1000, 100))


# The two-thread run (the server's default --threads): as in part 1, server and fan-out client
# share both cores.
BOTH_CORES = "0,1"
TWO_THREAD_SIZE = (1000, 100)


def _fan_out(ctx: Context, server, sessions: int, repeats: int, load_cpus: str) -> dict:
    repeats = max(5, repeats // 4) if ctx.quick else repeats
    cmd = [ctx.program("bench_fanout"), "--url", server.mcp_url, "--login-base", server.base_url,
           "--password", ctx.user_password, "--sessions", str(sessions), "--repeats", str(repeats),
           "--rss-pid", str(server.pid)]
    return processes.run_json(cmd, load_cpus, timeout=240)


def _floor(ctx: Context, sessions: int, repeats: int, threads: int, server_cpus: str, load_cpus: str,
           data_bytes: int, io_uring: bool = False) -> dict:
    repeats = max(5, repeats // 4) if ctx.quick else repeats
    process, match = processes.start_logged(
        "bench_fanout_floor",
        processes.pinned([ctx.program("bench_fanout_floor"), "--threads", str(threads), "--data-bytes",
                          str(data_bytes), *(["--io-uring"] if io_uring else [])], server_cpus),
        ctx.log(f"p3-floor-{threads}t{'-io-uring' if io_uring else ''}"), FLOOR_READY)
    try:
        cmd = [ctx.program("bench_fanout"), "--floor", "--url", match.group(1), "--sessions", str(sessions),
               "--repeats", str(repeats)]
        return processes.run_json(cmd, load_cpus, timeout=240)
    finally:
        processes.stop(process)


def run(ctx: Context) -> dict:
    results: dict = {}
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p3-blender-mcp"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password)
    try:
        for sessions, repeats in SIZES:
            results[sessions] = _fan_out(ctx, ours, sessions, repeats, ctx.load_cpus)
    finally:
        ours.stop()
    two = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p3-blender-mcp-2t"), BOTH_CORES, 2,
                                      ctx.admin_password)
    try:
        sessions, repeats = TWO_THREAD_SIZE
        results["two_threads"] = {sessions: _fan_out(ctx, two, sessions, repeats, BOTH_CORES)}
    finally:
        two.stop()
    # The floor, with records of the size blender-mcp's were, pinned as blender-mcp was.
    sessions, repeats = TWO_THREAD_SIZE
    data_bytes = results[sessions]["data_bytes"]
    results["floor"] = {
        "one_thread": _floor(ctx, sessions, repeats, 1, ctx.server_cpus, ctx.load_cpus, data_bytes),
        "two_threads": _floor(ctx, sessions, repeats, 2, BOTH_CORES, BOTH_CORES, data_bytes),
        "one_thread_io_uring": _floor(ctx, sessions, repeats, 1, ctx.server_cpus, ctx.load_cpus, data_bytes,
                                      io_uring=True),
    }
    return results
