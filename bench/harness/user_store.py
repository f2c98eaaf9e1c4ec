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


def _measure(ctx: Context, label: str, data_dir: Path, database_url: str | None = None) -> dict:
    data_dir.mkdir(mode=0o700)
    url_args = ["--database-url", database_url] if database_url else []
    store_args = ["--data-dir", str(data_dir), *url_args]
    users = [ctx.user(0), ctx.user(1)]
    for name in users:
        subprocess.run([str(ctx.binary), *store_args, "user", "add", name, "--password-stdin"],
                       input=ctx.user_password + "\n", text=True, check=True, capture_output=True,
                       env=processes.server_env(ctx.admin_password), timeout=60)
    server = processes.start_blender_mcp(ctx.binary, data_dir, ctx.log(f"p6-{label}"), ctx.server_cpus,
                                         ctx.server_threads, ctx.admin_password, extra_args=url_args)
    try:
        base = server.base_url
        credentials = {"username": users[0], "password": ctx.user_password}
        rounds = 4 if ctx.quick else 1
        logins = [_timed(lambda: _post(f"{base}/auth/login", credentials)) for _ in range(LOGINS // rounds)]
        refresh_token = _post(f"{base}/auth/login", credentials)["refresh_token"]
        refreshes = []
        for _ in range(REFRESHES // rounds):
            started = time.perf_counter()
            refresh_token = _post(f"{base}/auth/refresh", {"refresh_token": refresh_token})["refresh_token"]
            refreshes.append((time.perf_counter() - started) * 1e6)
        token = _post(f"{base}/auth/login", {"username": users[1], "password": ctx.user_password})["access_token"]
        calls = {clients: load(ctx, server.mcp_url, clients, token) for clients in LEVELS}
    finally:
        server.stop()
    return {"login": _summary(logins), "refresh": _summary(refreshes), "calls": calls}


def run(ctx: Context) -> dict:
    results = {"sqlite": _measure(ctx, "sqlite", ctx.work / "p6-sqlite")}
    state = ctx.work / "p6-postgres"
    script = ctx.root / "tests" / "support" / "test-postgres"
    admin_url = subprocess.run(processes.pinned([str(script), "start", str(state)], ctx.server_cpus),
                               capture_output=True, text=True, check=True, timeout=120).stdout.strip()
    try:
        database_url = subprocess.run([str(script), "createdb", str(state), "bench"], capture_output=True, text=True,
                                      check=True, timeout=60).stdout.strip()
        results["postgres"] = _measure(ctx, "postgres", ctx.work / "p6-pgdata", database_url)
        results["postgres"]["server"] = admin_url.rsplit("@", 1)[-1]
    finally:
        subprocess.run([str(script), "stop", str(state)], capture_output=True, timeout=60)
    return results

