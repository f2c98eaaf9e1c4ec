"""Runs the benchmark parts, writes bench/results/latest.md and prints it.

    python3 -m bench.harness.main --binary B --bench-bin D --node N --python P [--quick] [--parts 1,2,3,4,5,6]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import secrets
import subprocess
import sys
import time
import traceback
from pathlib import Path

from . import (blender_end_to_end, cluster, dispatch_round_trip, fan_out, instructions, memory, pictures, processes,
               profile, protocol_overhead, report, soak, user_store)
from .context import USERS, Context

PARTS = {"1": protocol_overhead.run, "2": dispatch_round_trip.run, "3": fan_out.run, "4": memory.run,
         "5": blender_end_to_end.run, "6": pictures.run, "7": user_store.run, "8": cluster.run,
         "profile": profile.run, "instructions": instructions.run}


def command_output(cmd: list[str], cwd: Path | None = None) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=cwd).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def cpu_model() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def header(ctx: Context, load_before: str, started: float) -> list[str]:
    sdk_package = ctx.root / "bench/node/node_modules/@modelcontextprotocol/sdk/package.json"
    # Not installed when only parts without the TypeScript SDK run (the harness started directly).
    sdk = json.loads(sdk_package.read_text())["version"] if sdk_package.exists() else "(not installed)"
    py_versions = command_output([str(ctx.python), "-c", "import importlib.metadata as m; "
                                  "print(m.version('mcp'), m.version('uvicorn'), __import__('sys').version.split()[0])"])
    mcp_v, uvicorn_v, python_v = (py_versions.split() + ["?", "?", "?"])[:3]
    wrk_v = command_output(["wrk", "-v"]).splitlines()[0] if command_output(["wrk", "-v"]) else "wrk"
    return [
        "# blender-mcp benchmarks",
        "",
        f"Run {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on commit "
        f"{command_output(['git', 'rev-parse', '--short', 'HEAD'], ctx.root)}, {time.time() - started:.0f} s in all. "
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, Linux {platform.release()}. "
        f"Load average before the run: {load_before}.",
        "",
        *busy_machine_note(load_before),
        f"**Cores.** Every server runs pinned to core {ctx.server_cpus} (`taskset`): blender-mcp with "
        f"`--threads {ctx.server_threads}`, Node and uvicorn are single-threaded. Every load generator, wrk, the "
        f"fast peer, the fan-out client and Blender run pinned to core {ctx.load_cpus}. So each side has 1 core.",
        "",
        f"**Contenders.** blender-mcp: `{ctx.binary}` (C++). TypeScript SDK: `@modelcontextprotocol/sdk` {sdk} "
        f"(`bench/node/sdk_server.mjs`, `node:http`, stateful sessions) on Node {command_output([str(ctx.node), '--version'])} "
        f"(`{ctx.node}`). Python SDK: `mcp` {mcp_v} `MCPServer` (the 1.x `FastMCP`, renamed in 2.x; "
        f"`bench/python/sdk_server.py`) on uvicorn {uvicorn_v}, Python {python_v}, one worker. HTTP ceiling: "
        f"{wrk_v.split(' [')[0]} with 1 thread on blender-mcp's `GET /health`. Load: `bench_load` (C++, epoll, one thread). "
        "blender-mcp verifies a bearer token (JWT and user lookup) on every request; the SDK servers have no "
        "authentication.",
    ]


def busy_machine_note(load_before: str) -> list[str]:
    """A warning when other work was running: the figures, p99 above all, are then unreliable."""
    one_minute = float(load_before.split()[0])
    if one_minute < 0.5:
        return []
    return [f"**Busy machine.** The 1-minute load average was {one_minute:.1f} on {os.cpu_count()} cores before "
            "the run: other processes shared the cores, so throughput is understated and the p99 figures mostly "
            "measure scheduling delays. Compare contenders within this run only; re-run on a quiet machine.", ""]


def main() -> int:
    parser = argparse.ArgumentParser(description="Runs the blender-mcp benchmarks.")
    parser.add_argument("--binary", type=Path, required=True)
    parser.add_argument("--bench-bin", type=Path, required=True)
    parser.add_argument("--node", type=Path, required=True)
    parser.add_argument("--python", type=Path, required=True)
    parser.add_argument("--parts", default="1,2,3,4,5,6,7,8",
                        help="comma-separated subset of 1..8, 'profile' and 'instructions'")
    parser.add_argument("--profile", action="store_true", help="also profile parts 1 and 2 with perf")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions per operation with callgrind (valgrind)")
    parser.add_argument("--quick", action="store_true", help="short runs, for checking the script")
    parser.add_argument("--output", type=Path, default=None, help="report path (default bench/results/latest.md)")
    parser.add_argument("--soak", type=float, default=None, metavar="MINUTES",
                        help="run only the soak for MINUTES (report: bench/results/soak.md)")
    parser.add_argument("--soak-cluster", action="store_true",
                        help="soak a cluster of two nodes on Redis and PostgreSQL (report: soak-cluster.md)")
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[2]
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if args.profile and "profile" not in parts:
        parts.append("profile")
    if args.instructions and "instructions" not in parts:
        parts.append("instructions")
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from 1..8, profile and instructions")
    needed = [args.binary]
    if any(part in ("1", "4") for part in parts):  # the SDK contenders
        needed += [args.node, args.python]
    if any(part in ("1", "2", "3", "4", "5", "7", "8", "profile", "instructions") for part in parts):  # C++ load
        needed.append(args.bench_bin / "bench_load")
    for path in needed:
        if not path.exists():
            parser.error(f"not found: {path}")

    work = root / "bench" / "results" / "tmp" / datetime.datetime.now().strftime("run-%Y%m%d-%H%M%S")
    work.mkdir(parents=True)
    ctx = Context(root=root, binary=args.binary.resolve(), bench_bin=args.bench_bin.resolve(),
                  node=args.node.resolve(), python=args.python, work=work, data_dir=work / "data",
                  admin_password=secrets.token_urlsafe(12), user_password=secrets.token_urlsafe(12),
                  quick=args.quick)
    ctx.data_dir.mkdir(mode=0o700)
    started = time.time()
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"[bench] preparing {USERS} users in {ctx.data_dir}", file=sys.stderr, flush=True)
    processes.add_users(ctx.binary, ctx.data_dir, [ctx.user(i) for i in range(USERS)], ctx.user_password,
                        ctx.admin_password)

    if args.soak is not None:
        print(f"[bench] soak for {args.soak:g} minutes ...", file=sys.stderr, flush=True)
        result = soak.run(ctx, args.soak, args.soak_cluster)
        text = soak.render(header(ctx, load_before, started), result)
        name = "soak-cluster.md" if args.soak_cluster else "soak.md"
        output = args.output or root / "bench" / "results" / name
        output.write_text(text, encoding="utf-8")
        print(text)
        print(f"[bench] report: {output}; logs: {work}", file=sys.stderr)
        final = result["final"]
        lost = final["missing_at_end"] + final["unsettled"] + final["failed"] + final["duplicates"]
        return 1 if lost else 0

    results: dict[str, dict] = {}
    for part in parts:
        print(f"[bench] part {part} ...", file=sys.stderr, flush=True)
        t0 = time.time()
        try:
            results[part] = PARTS[part](ctx)
        except Exception as error:  # noqa: BLE001 - one failed part must not hide the others
            traceback.print_exc()
            results[part] = {"error": f"{type(error).__name__}: {error}"[:1500]}
        print(f"[bench] part {part} took {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
        (work / "results.json").write_text(json.dumps(results, indent=1))

    text = report.render(header(ctx, load_before, started), results)
    output = args.output or root / "bench" / "results" / "latest.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    print(f"[bench] report: {output}; raw results and logs: {work}", file=sys.stderr)
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
