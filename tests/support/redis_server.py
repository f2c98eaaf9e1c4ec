"""A real redis-server for tests: its own temporary directory, 127.0.0.1 on a free port.

`start_redis(directory)` starts it with append-only persistence on (as docs/cluster.md asks of a
deployment), so a stop and start keeps its data; `stop()` kills it (SIGKILL unless told
otherwise) and `start()` brings it back on the same port.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


class RedisMissing(RuntimeError):
    """redis-server is not installed (scripts/setup --test-deps installs it)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    directory: Path
    port: int
    process: subprocess.Popen | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisMissing("redis-server is not installed (scripts/setup --test-deps)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
             "--protected-mode", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ping():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            time.sleep(0.02)
        raise RuntimeError("redis-server did not answer PING")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, graceful: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        if graceful:
            self.process.terminate()
        else:
            self.process.kill()
        self.process.wait(timeout=10)


def start_redis(directory: Path) -> RedisServer:
    directory.mkdir(parents=True, exist_ok=True)
    server = RedisServer(directory, free_port())
    server.start()
    return server
