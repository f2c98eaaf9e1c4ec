"""A three-node cluster on real processes for the cluster tests: one redis-server, one PostgreSQL
database, nodes node-1..node-3 on fixed loopback ports (so a node restarts on its own port and a
load balancer keeps finding it), optionally HAProxy in front (the shipped deploy/haproxy.cfg).

* `rig_for(haproxy=False, redis_via_proxy=())` (fixture, a factory) starts a `Rig`; every part is
  stopped after the test. Nodes listed in `redis_via_proxy` reach Redis through a `TcpProxy` that a
  test can cut (`rig.redis_links[i]`), to take Redis away from one node only.
* `Rig.kill(i)` (SIGKILL), `Rig.restart(i)` (SIGTERM, then the same node id on the same port).
"""
from __future__ import annotations

import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pytest

from addon.tcp_proxy import TcpProxy
from support.cluster import start_node
from support.haproxy import Haproxy, HaproxyMissing, start_haproxy
from support.postgres import running_in_ci
from support.redis_server import RedisMissing, RedisServer, free_port, start_redis
from support.server_process import ServerProcess, Store

NODE_IDS = ("node-1", "node-2", "node-3")
# Nodes trust the proxy's X-Forwarded-For (HAProxy connects from 127.0.0.1).
NODE_ARGS = ("--trusted-proxy", "127.0.0.1")


@dataclass
class Rig:
    store: Store
    redis: RedisServer
    ports: list[int]
    redis_links: dict[int, TcpProxy] = field(default_factory=dict)
    nodes: list[ServerProcess | None] = field(default_factory=list)
    proxy: Haproxy | None = None
    exits: list[int | None] = field(default_factory=list)  # exit status of each stopped node process

    def redis_url(self, i: int) -> str:
        link = self.redis_links.get(i)
        return f"redis://127.0.0.1:{link.port}" if link else self.redis.url

    def start(self, i: int) -> ServerProcess:
        node = start_node(self.store, self.redis, NODE_IDS[i], *NODE_ARGS, port=self.ports[i],
                          redis_url=self.redis_url(i))
        self.nodes[i] = node
        return node

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def node(self, i: int) -> ServerProcess:
        node = self.nodes[i]
        assert node is not None, f"{NODE_IDS[i]} is not running"
        return node

    def kill(self, i: int) -> None:
        """SIGKILL: the node dies without ending anything."""
        node = self.node(i)
        node.process.send_signal(signal.SIGKILL)
        self.exits.append(node.process.wait(timeout=10))
        self.nodes[i] = None

    def restart(self, i: int) -> ServerProcess:
        """SIGTERM (the node shuts down properly), then the same node id on the same port."""
        self.exits.append(self.node(i).stop())
        return self.start(i)

    def running(self) -> list[ServerProcess]:
        return [node for node in self.nodes if node is not None]

    def stop(self) -> None:
        if self.proxy:
            self.proxy.stop()
        for node in self.running():
            node.stop()
        for link in self.redis_links.values():
            link.close()
        self.redis.stop()


def _redis(directory: Path) -> RedisServer:
    try:
        return start_redis(directory)
    except RedisMissing as missing:
        if running_in_ci():
            pytest.fail(f"CI=true requires redis-server: {missing}")
        pytest.skip(str(missing))


@pytest.fixture
def rig_for(request: pytest.FixtureRequest) -> Iterator[Callable[..., Rig]]:
    made: list[Rig] = []

    def make(haproxy: bool = False, redis_via_proxy: tuple[int, ...] = ()) -> Rig:
        pg = request.getfixturevalue("postgres")
        store = Store(Path(tempfile.mkdtemp(prefix="bmcp-rig-")), pg.new_database(), pg)
        redis = _redis(Path(tempfile.mkdtemp(prefix="bmcp-rig-redis-")))
        rig = Rig(store, redis, [free_port() for _ in NODE_IDS], nodes=[None] * len(NODE_IDS))
        made.append(rig)
        for i in redis_via_proxy:
            rig.redis_links[i] = TcpProxy("127.0.0.1", redis.port)
        for i in range(len(NODE_IDS)):
            rig.start(i)
        if haproxy:
            try:
                rig.proxy = start_haproxy([rig.url(i) for i in range(len(NODE_IDS))])
            except HaproxyMissing as missing:
                if running_in_ci():
                    pytest.fail(f"CI=true requires haproxy: {missing}")
                pytest.skip(str(missing))
        return rig

    yield make
    for rig in made:
        rig.stop()
