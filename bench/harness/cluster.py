"""Part 8: cluster mode (docs/cluster.md). Three nodes sharing one redis-server and one PostgreSQL
database, behind HAProxy running the shipped deploy/haproxy.cfg (ports changed only), against one
embedded node (no Redis) in the same run:

* dispatch round trip and server-added latency, 1 and 8 sessions: embedded; cluster with the
  caller and `bench_peer` on the same node; caller on node-1 and peer on node-2;
* one broadcast to 1,000 sessions: embedded, and spread over the three nodes through HAProxy;
* `tools/call test_simple_text` throughput at 16 and 64 clients: embedded, one cluster node,
  three nodes through HAProxy.

Every server-side process (nodes, redis-server, PostgreSQL, HAProxy) is pinned to the server core
and the load programs to the load core, as in the other parts: three nodes share one core here.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from . import processes
from .context import USERS, Context
from .mcp_probe import login
from .protocol_overhead import load

NODES = 3
DISPATCH_LEVELS = (1, 8)
THROUGHPUT_LEVELS = (16, 64)
FANOUT_SESSIONS, FANOUT_REPEATS = 1000, 20
TOOL = "blender_get_scene_info"
HAPROXY_PORTS = (8000, 8404, 8001, 8002, 8003)  # frontend, status page, node-1..3 in the shipped file


def _haproxy_config(root: Path, ports: list[int]) -> str:
    text = (root / "deploy" / "haproxy.cfg").read_text(encoding="utf-8")
    for old, new in zip(HAPROXY_PORTS, ports):
        pattern = re.compile(rf"127\.0\.0\.1:{old}\b")
        if len(pattern.findall(text)) != 1:
            raise RuntimeError(f"127.0.0.1:{old} must appear once in deploy/haproxy.cfg")
        text = pattern.sub(f"127.0.0.1:{new}", text)
    return text


def _start_redis(ctx: Context) -> tuple[subprocess.Popen, str]:
    port = processes.free_port()
    directory = ctx.work / "p8-redis"
    directory.mkdir()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory), "--appendonly", "yes",
           "--appendfsync", "everysec", "--save", "", "--protected-mode", "no"]
    process, _ = processes.start_logged("redis-server", processes.pinned(cmd, ctx.server_cpus), ctx.log("p8-redis"),
                                        re.compile(r"Ready to accept connections"))
    return process, f"redis://127.0.0.1:{port}"


# The public URL of the benchmark's cluster, as if behind one load balancer.
CLUSTER_PUBLIC_URL = "https://blender-mcp.cluster.bench"


def _start_haproxy(ctx: Context, node_urls: list[str]) -> tuple[subprocess.Popen, str]:
    port, stats = processes.free_port(), processes.free_port()
    config = ctx.work / "p8-haproxy.cfg"
    config.write_text(_haproxy_config(ctx.root, [port, stats, *(int(u.rsplit(":", 1)[1]) for u in node_urls)]))
    handle = open(ctx.log("p8-haproxy"), "w", encoding="utf-8")
    process = subprocess.Popen(processes.pinned([shutil.which("haproxy") or "haproxy", "-db", "-f", str(config)],
                                                ctx.server_cpus), stdout=handle, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    handle.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            text = urllib.request.urlopen(f"http://127.0.0.1:{stats}/stats;csv", timeout=2).read().decode()
            if sum(1 for line in text.splitlines() if line.startswith("blender_mcp_nodes,node-")
                   and ",UP," in line) == NODES:
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    processes.stop(process)
    raise RuntimeError(f"haproxy did not report {NODES} nodes UP; log {ctx.log('p8-haproxy')}")


def _dispatch(ctx: Context, caller: processes.Service, peer_at: processes.Service, token: str, label: str) -> dict:
    uuid = f"blender-bench-{label}"
    peer, _ = processes.start_logged(
        "bench_peer", processes.pinned([ctx.program("bench_peer"), "--url", peer_at.mcp_url, "--token", token,
                                        "--uuid", uuid], ctx.load_cpus),
        ctx.log(f"p8-peer-{label}"), re.compile(rf"ready {uuid}"))
    try:
        results = {}
        for clients in DISPATCH_LEVELS:
            cmd = [ctx.program("bench_load"), "--url", caller.mcp_url, "--token", token, "--clients", str(clients),
                   "--tool", TOOL, "--arguments", f'{{"target_uuid":"{uuid}"}}', "--peer-time",
                   "--expect", '"status":"completed"', "--duration", str(ctx.seconds(4)), "--warmup", "1",
                   "--requests", "200000"]
            results[clients] = processes.run_json(cmd, ctx.load_cpus, timeout=120)
        return results
    finally:
        processes.stop(peer)


def _fanout(ctx: Context, mcp_url: str, base_url: str) -> dict:
    repeats = max(5, FANOUT_REPEATS // 4) if ctx.quick else FANOUT_REPEATS
    cmd = [ctx.program("bench_fanout"), "--url", mcp_url, "--login-base", base_url, "--password", ctx.user_password,
           "--sessions", str(FANOUT_SESSIONS), "--repeats", str(repeats)]
    return processes.run_json(cmd, ctx.load_cpus, timeout=300)


def _throughput(ctx: Context, mcp_url: str, token: str) -> dict:
    return {clients: load(ctx, mcp_url, clients, token) for clients in THROUGHPUT_LEVELS}


def run(ctx: Context) -> dict:
    script = ctx.root / "tests" / "support" / "test-postgres"
    state = ctx.work / "p8-postgres"
    subprocess.run(processes.pinned([str(script), "start", str(state)], ctx.server_cpus), capture_output=True,
                   text=True, check=True, timeout=120)
    started: list[processes.Service] = []
    others: list[subprocess.Popen] = []
    try:
        database_url = subprocess.run([str(script), "createdb", str(state), "cluster"], capture_output=True,
                                      text=True, check=True, timeout=60).stdout.strip()
        pg_dir = ctx.work / "p8-pg-users"
        pg_dir.mkdir(mode=0o700)
        for i in range(USERS):
            subprocess.run([str(ctx.binary), "--data-dir", str(pg_dir), "--database-url", database_url, "user", "add",
                            ctx.user(i), "--password-stdin"], input=ctx.user_password + "\n", text=True, check=True,
                           capture_output=True, env=processes.server_env(ctx.admin_password), timeout=60)
        redis, redis_url = _start_redis(ctx)
        others.append(redis)
        embedded = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p8-embedded"), ctx.server_cpus,
                                               ctx.server_threads, ctx.admin_password)
        started.append(embedded)
        nodes = []
        for i in range(NODES):
            node_dir = ctx.work / f"p8-node-{i + 1}"
            node_dir.mkdir(mode=0o700)
            nodes.append(processes.start_blender_mcp(
                ctx.binary, node_dir, ctx.log(f"p8-node-{i + 1}"), ctx.server_cpus, ctx.server_threads,
                ctx.admin_password, extra_args=["--database-url", database_url, "--redis-url", redis_url,
                                                "--node-id", f"node-{i + 1}", "--trusted-proxy", "127.0.0.1",
                                                # One public URL for all nodes: a token's audience, so
                                                # a token from one node works on every node.
                                                "--public-url", CLUSTER_PUBLIC_URL]))
            started.append(nodes[-1])
        haproxy, proxy_url = _start_haproxy(ctx, [node.base_url for node in nodes])
        others.append(haproxy)

        embedded_token = login(embedded.base_url, ctx.user(0), ctx.user_password)
        cluster_token = login(nodes[0].base_url, ctx.user(0), ctx.user_password)
        results: dict = {"dispatch": {
            "embedded": _dispatch(ctx, embedded, embedded, embedded_token, "embedded"),
            "same node": _dispatch(ctx, nodes[0], nodes[0], cluster_token, "same"),
            "across nodes": _dispatch(ctx, nodes[0], nodes[1], cluster_token, "across"),
        }}
        results["fanout"] = {"embedded": _fanout(ctx, embedded.mcp_url, embedded.base_url),
                             "3 nodes via HAProxy": _fanout(ctx, f"{proxy_url}/mcp", proxy_url)}
        results["throughput"] = {"embedded": _throughput(ctx, embedded.mcp_url, embedded_token),
                                 "1 cluster node": _throughput(ctx, nodes[0].mcp_url, cluster_token),
                                 "3 nodes via HAProxy": _throughput(ctx, f"{proxy_url}/mcp", cluster_token)}
        return results
    finally:
        for service in started:
            service.stop()
        for process in others:
            processes.stop(process)
        subprocess.run([str(script), "stop", str(state)], capture_output=True, timeout=60)
