"""HAProxy in front of cluster nodes, for tests: the shipped deploy/haproxy.cfg with only its ports
changed (the frontend's, the status page's and the three nodes'), so the file that ships is the
file that is tested. Runs in the foreground on 127.0.0.1; `stop()` ends it.

`served_by(reply)` names the node that answered (the config's X-Served-By header); `states()`
reads the status page: {"node-1": "UP", "node-2": "DOWN", ...}.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from support.redis_server import free_port
from support.server_process import REPO_ROOT, stop_process

CONFIG = REPO_ROOT / "deploy" / "haproxy.cfg"
FRONTEND_PORT, STATS_PORT, NODE_PORTS = 8000, 8404, (8001, 8002, 8003)
NODE_NAMES = ("node-1", "node-2", "node-3")


class HaproxyMissing(RuntimeError):
    """haproxy is not installed (scripts/setup --test-deps installs it)."""


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def config_for(frontend: int, stats: int, nodes: list[int]) -> str:
    """The shipped config with its example ports replaced; each must appear exactly once."""
    text = CONFIG.read_text(encoding="utf-8")
    assert len(nodes) == len(NODE_PORTS), f"the shipped config has {len(NODE_PORTS)} nodes"
    for old, new in zip((FRONTEND_PORT, STATS_PORT, *NODE_PORTS), (frontend, stats, *nodes)):
        pattern = re.compile(rf"127\.0\.0\.1:{old}\b")
        assert len(pattern.findall(text)) == 1, f"127.0.0.1:{old} must appear once in {CONFIG}"
        text = pattern.sub(f"127.0.0.1:{new}", text)
    return text


@dataclass
class Haproxy:
    process: subprocess.Popen
    port: int
    stats_port: int
    config: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    def states(self) -> dict[str, str]:
        """Each node's state on the status page ("UP", "DOWN", "UP 1/2", ...)."""
        reply = httpx.get(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=5)
        reply.raise_for_status()
        rows = csv.DictReader(io.StringIO(reply.text.lstrip("# ")))
        return {row["svname"]: row["status"] for row in rows
                if row["pxname"] == "blender_mcp_nodes" and row["svname"] in NODE_NAMES}

    def wait_states(self, wanted: dict[str, str], timeout: float = 15.0) -> dict[str, str]:
        """Waits (hard cap) until the named nodes are in the wanted states; returns the last states."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.states()
            if all(states.get(name) == state for name, state in wanted.items()) or time.monotonic() > deadline:
                return states
            time.sleep(0.1)

    def stop(self) -> int:
        return stop_process(self.process)


def served_by(reply) -> str | None:
    return reply.headers.get("x-served-by")


def start_haproxy(node_urls: list[str], timeout: float = 10.0) -> Haproxy:
    """HAProxy on free loopback ports in front of the three nodes at `node_urls` (in order node-1..3);
    returns once every node is UP."""
    binary = shutil.which("haproxy")
    if binary is None:
        raise HaproxyMissing("haproxy is not installed (scripts/setup --test-deps)")
    port, stats_port = free_port(), free_port()
    directory = Path(tempfile.mkdtemp(prefix="bmcp-haproxy-"))
    config = directory / "haproxy.cfg"
    config.write_text(config_for(port, stats_port, [port_of(url) for url in node_urls]), encoding="utf-8")
    process = subprocess.Popen([binary, "-db", "-f", str(config)], stdin=subprocess.DEVNULL,
                               stdout=(directory / "haproxy.log").open("w"), stderr=subprocess.STDOUT)
    proxy = Haproxy(process, port, stats_port, config)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"haproxy exited with {process.returncode}: "
                               + (directory / "haproxy.log").read_text(encoding="utf-8"))
        try:
            if set(proxy.states().values()) == {"UP"} and len(proxy.states()) == len(NODE_NAMES):
                return proxy
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proxy.stop()
    raise RuntimeError("haproxy did not report every node UP")
