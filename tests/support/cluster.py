"""A blender-mcp cluster for tests: N real nodes sharing one redis-server and one PostgreSQL user
store (so a token from one node works on every node), each on its own loopback port.

`Cluster` looks like a `ServerProcess` to the helpers that only need `base_url`, `store` and
`data_dir` (they talk to the first node); `nodes` lists every node, `urls` their base URLs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from support.redis_server import RedisServer
from support.server_process import ServerProcess, Store, start_server


# The shapes a black-box test server can have (the `topology` fixture of tests/blackbox).
TOPOLOGIES = ("one node", "two nodes")


@dataclass
class Cluster:
    nodes: list[ServerProcess]
    redis: RedisServer
    store: Store
    extra_args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.nodes[0].base_url

    @property
    def mcp_url(self) -> str:
        return self.nodes[0].mcp_url

    @property
    def data_dir(self) -> Path:
        return self.store.data_dir

    @property
    def urls(self) -> list[str]:
        return [node.base_url for node in self.nodes]

    @property
    def stderr_lines(self) -> list[str]:
        return [line for node in self.nodes for line in node.stderr_lines]

    def stop(self) -> int:
        codes = [node.stop() for node in self.nodes]
        self.redis.stop()
        return max(codes, key=abs)


# The public URL of every test cluster, as if behind one load balancer.
CLUSTER_PUBLIC_URL = "https://blender-mcp.cluster.test"


def start_node(store: Store, redis: RedisServer, node_id: str, *extra_args: str,
               env: dict[str, str] | None = None, port: int = 0,
               redis_url: str | None = None) -> ServerProcess:
    """A node `node_id` on `port` (0: a free one), reaching Redis at `redis_url` (default: `redis`'s).
    Every node gets one public URL (unless `extra_args` name another): it is the audience of the
    tokens, which every node must accept (docs/authorization.md)."""
    if "--public-url" not in extra_args:
        extra_args = ("--public-url", CLUSTER_PUBLIC_URL, *extra_args)
    return start_server("--redis-url", redis_url or redis.url, "--node-id", node_id, *extra_args, env=env,
                        store=store, port=port)


def start_cluster(nodes: int, store: Store, redis: RedisServer, *extra_args: str,
                  env: dict[str, str] | None = None) -> Cluster:
    """`nodes` nodes named node-1.. on `redis`, users in `store` (which must be PostgreSQL)."""
    assert store.database_url, "cluster nodes share their users: the store must be PostgreSQL"
    started = [start_node(store, redis, f"node-{n + 1}", *extra_args, env=env) for n in range(nodes)]
    return Cluster(started, redis, store, tuple(extra_args), dict(env or {}))
