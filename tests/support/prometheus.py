"""Reading the Prometheus text format in tests, and a real Prometheus server started on loopback.

`parse_samples` reads an exposition into {(name, frozenset(labels)): value}. `PrometheusServer`
runs Debian's `prometheus` binary with a throwaway storage directory, scraping one target every
second, and answers instant queries through its HTTP API.
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

Samples = dict[tuple[str, frozenset], float]


def parse_samples(text: str) -> Samples:
    """Every sample line of an exposition, keyed by name and label set."""
    samples: Samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels, value = match.groups()
        pairs = frozenset(LABEL.findall(labels or ""))
        samples[(name, pairs)] = float(value)
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample `name` with exactly `labels`; 0 when it is not there (a series not moved yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def tool_path(name: str) -> str | None:
    return shutil.which(name)


def free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ScrapeTarget:
    """Where Prometheus scrapes: host:port, and the bearer token to send (None: no auth)."""

    address: str
    bearer_token: str | None = None


class PrometheusServer:
    """`prometheus` on a free loopback port, scraping `target` every second."""

    def __init__(self, target: ScrapeTarget) -> None:
        binary = tool_path("prometheus")
        if binary is None:
            raise FileNotFoundError("prometheus is not installed (Debian package prometheus)")
        self.dir = Path(tempfile.mkdtemp(prefix="bmcp-prometheus-"))
        self.port = free_loopback_port()
        job = {
            "job_name": "blender-mcp",
            "scrape_interval": "1s",
            "scrape_timeout": "1s",
            "static_configs": [{"targets": [target.address]}],
        }
        if target.bearer_token:
            token_file = self.dir / "token"
            token_file.write_text(target.bearer_token, encoding="utf-8")
            job["authorization"] = {"type": "Bearer", "credentials_file": str(token_file)}
        config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                  "scrape_configs": [job]}
        # JSON is YAML: no YAML library needed.
        (self.dir / "prometheus.yml").write_text(json.dumps(config), encoding="utf-8")
        self.log = open(self.dir / "prometheus.log", "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [binary, f"--config.file={self.dir / 'prometheus.yml'}",
             f"--storage.tsdb.path={self.dir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"

    def api(self, path: str, **params: str) -> dict:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}{path}?{query}", timeout=5) as response:
            return json.loads(response.read())

    def query(self, expression: str) -> list[dict]:
        """The result vector of an instant query (empty when Prometheus is not up yet)."""
        try:
            body = self.api("/api/v1/query", query=expression)
        except OSError:
            return []
        assert body["status"] == "success", body
        return body["data"]["result"]

    def wait_for(self, expression: str, predicate, timeout: float = 30.0) -> list[dict]:
        """Polls `expression` until `predicate(result)` holds; raises with the log otherwise."""
        deadline = time.monotonic() + timeout
        result: list[dict] = []
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.logs()
            result = self.query(expression)
            if predicate(result):
                return result
            time.sleep(0.25)
        raise AssertionError(f"{expression} never matched; last {result}\n{self.logs()}")

    def logs(self) -> str:
        self.log.flush()
        return (self.dir / "prometheus.log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
