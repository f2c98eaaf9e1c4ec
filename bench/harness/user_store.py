"""Part 6: the user store on SQLite vs PostgreSQL (docs/user-store.md): login and refresh latency,
and `tools/call` throughput, each on one blender-mcp with `--threads 1`.

PostgreSQL is a throwaway server from tests/support/test-postgres (fsync off, like a tuned
local server; durable settings would slow writes, i.e. logins and refreshes, not the per-request
check), pinned to the server core: on this 2-core machine the database shares the server's core,
where in a deployment it would have machines of its own.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from . import processes
from .context import Context
from .protocol_overhead import load

LOGINS = 40
REFRESHES = 300
LEVELS = (1, 16)


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _summary(samples_us: list[float]) -> dict:
    ordered = sorted(samples_us)
    return {"p50_us": statistics.median(ordered), "p99_us": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "count": len(ordered)}


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1e6


ROUNDS = 3  # tools/call loads alternate between the stores, round by round, against machine noise


def _prepare(ctx: Context, label: str, data_dir: Path, database_url: str | None = None) -> processes.Service:
    """Adds the bench users to a store and starts a server on it."""
    data_dir.mkdir(mode=0o700)
    url_args = ["--database-url", database_url] if database_url else []
    for name in (ctx.user(0), ctx.user(1)):
        subprocess.run([str(ctx.binary), "--data-dir", str(data_dir), *url_args, "user", "add", name,
                        "--password-stdin"], input=ctx.user_password + "\n", text=True, check=True,
                       capture_output=True, env=processes.server_env(ctx.admin_password), timeout=60)
    return processes.start_blender_mcp(ctx.binary, data_dir, ctx.log(f"p6-{label}"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password, extra_args=url_args)


def _auth_latency(ctx: Context, server: processes.Service) -> dict:
    base = server.base_url
    credentials = {"username": ctx.user(0), "password": ctx.user_password}
    rounds = 4 if ctx.quick else 1
    logins = [_timed(lambda: _post(f"{base}/auth/login", credentials)) for _ in range(LOGINS // rounds)]
    refresh_token = _post(f"{base}/auth/login", credentials)["refresh_token"]
    refreshes = []
    for _ in range(REFRESHES // rounds):
        started = time.perf_counter()
        refresh_token = _post(f"{base}/auth/refresh", {"refresh_token": refresh_token})["refresh_token"]
        refreshes.append((time.perf_counter() - started) * 1e6)
    return {"login": _summary(logins), "refresh": _summary(refreshes)}


def _median_load(results: list[dict]) -> dict:
    """The round with the median throughput, with every round's rate kept."""
    ordered = sorted(results, key=lambda r: r["rps"])
    median = dict(ordered[len(ordered) // 2])
    median["rounds_rps"] = [r["rps"] for r in results]
    return median


def run(ctx: Context) -> dict:
    state = ctx.work / "p6-postgres"
    script = ctx.root / "tests" / "support" / "test-postgres"
    admin_url = subprocess.run(processes.pinned([str(script), "start", str(state)], ctx.server_cpus),
                               capture_output=True, text=True, check=True, timeout=120).stdout.strip()
    servers: dict[str, processes.Service] = {}
    try:
        database_url = subprocess.run([str(script), "createdb", str(state), "bench"], capture_output=True, text=True,
                                      check=True, timeout=60).stdout.strip()
        servers["sqlite"] = _prepare(ctx, "sqlite", ctx.work / "p6-sqlite")
        servers["postgres"] = _prepare(ctx, "postgres", ctx.work / "p6-pgdata", database_url)
        results = {name: _auth_latency(ctx, server) for name, server in servers.items()}
        tokens = {name: _post(f"{server.base_url}/auth/login",
                              {"username": ctx.user(1), "password": ctx.user_password})["access_token"]
                  for name, server in servers.items()}
        runs: dict[str, dict[int, list[dict]]] = {name: {c: [] for c in LEVELS} for name in servers}
        for _ in range(1 if ctx.quick else ROUNDS):
            for clients in LEVELS:
                for name, server in servers.items():
                    runs[name][clients].append(load(ctx, server.mcp_url, clients, tokens[name]))
        for name in servers:
            results[name]["calls"] = {c: _median_load(r) for c, r in runs[name].items()}
        results["postgres"]["server"] = admin_url.rsplit("@", 1)[-1]
        return results
    finally:
        for server in servers.values():
            server.stop()
        subprocess.run([str(script), "stop", str(state)], capture_output=True, timeout=60)
