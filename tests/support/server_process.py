"""Starts the real blender-mcp binary on a free loopback port for black-box tests.

The server is started with `--port 0`; it prints `blender-mcp listening on http://HOST:PORT`
on stderr once the socket is bound, and that line gives the port. Every test server gets its
own temporary data directory, so tests never share users, tokens or keys.
"""
from __future__ import annotations

import os
import re
import resource
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO_ROOT / "build" / "bin" / "blender-mcp"
LISTENING = re.compile(r"blender-mcp listening on (http://[^\s]+)")

ADMIN_PASSWORD = "admin-password-for-tests"
DEMO_PASSWORD = "demo"


def binary_path() -> Path:
    return Path(os.environ.get("BLENDER_MCP_BINARY", DEFAULT_BINARY))


def stop_process(process: subprocess.Popen) -> int:
    """Terminates `process` (kill after 10 s) and returns its exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    return process.returncode


# The user stores a server can run on; the auth tests run against each (blackbox/conftest.py).
STORE_KINDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Store:
    """Where a server's users, tokens and signing key live: the SQLite file and key file of
    `data_dir`, or, with `database_url`, a PostgreSQL database (`postgres` is its server)."""

    data_dir: Path
    database_url: str | None = None
    postgres: object | None = None  # support.postgres.PostgresServer

    @property
    def kind(self) -> str:
        return "postgres" if self.database_url else "sqlite"

    def cli_args(self) -> list[str]:
        """The blender-mcp options that select this store."""
        args = ["--data-dir", str(self.data_dir)]
        if self.database_url:
            args += ["--database-url", self.database_url]
        return args

    def signing_key(self) -> str:
        """The key the server signs with (it wrote it to the key file or the database)."""
        if self.database_url:
            return self.postgres.query(self.database_url, "SELECT key FROM signing_key")
        return (self.data_dir / "jwt_secret").read_text(encoding="utf-8").strip()


@dataclass
class ServerProcess:
    """A running server. `base_url` has no trailing slash; `mcp_url` is `<base>/mcp`."""

    process: subprocess.Popen
    base_url: str
    data_dir: Path
    stderr_lines: list[str] = field(default_factory=list)
    store: Store | None = None

    def __post_init__(self) -> None:
        if self.store is None:
            self.store = Store(self.data_dir)

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    def stop(self) -> int:
        return stop_process(self.process)


class StderrWatch:
    """Collects a server process's stderr lines on a thread and notices the listening line.
    `url` is set (without a trailing slash) once the server listens; `finished` once stderr ends."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: list[str] = []
        self.url: str | None = None
        self.listening = threading.Event()
        self.finished = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))
            match = LISTENING.search(line)
            if match and not self.listening.is_set():
                self.url = match.group(1).rstrip("/")
                self.listening.set()
        self.finished.set()

    def wait_listening(self, timeout: float) -> bool:
        """True once the server listens; False when it exited first or `timeout` passed."""
        deadline = time.monotonic() + timeout
        while not self.listening.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                return False
        return True


def _soft_open_files_limit(open_files: int):
    def apply() -> None:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, hard))
    return apply


def start_server(
    *extra_args: str,
    env: dict[str, str] | None = None,
    data_dir: Path | None = None,
    timeout: float = 20.0,
    store: Store | None = None,
    open_files: int | None = None,
    port: int = 0,
) -> ServerProcess:
    """Starts `blender-mcp serve` and waits until it listens (or raises with its stderr).
    `store` selects where users live (default: SQLite in `data_dir`, a new temporary one).
    `open_files` lowers the server's soft RLIMIT_NOFILE (its descriptor limit) to that number;
    `port` is the port to listen on (0: a free one)."""
    data_dir = store.data_dir if store else data_dir or Path(tempfile.mkdtemp(prefix="bmcp-test-"))
    store = store or Store(data_dir)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BLENDER_MCP_")}
    full_env.pop("OAUTH_SECRET_KEY", None)
    full_env.pop("JWT_SECRET", None)
    full_env.update({"ADMIN_PASSWORD": ADMIN_PASSWORD, "DEMO_PASSWORD": DEMO_PASSWORD})
    full_env.update(env or {})
    cmd = [str(binary_path()), "serve", "--host", "127.0.0.1", "--port", str(port),
           *store.cli_args(), *extra_args]
    process = subprocess.Popen(cmd, env=full_env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=_soft_open_files_limit(open_files) if open_files else None)
    watch = StderrWatch(process)
    if not watch.wait_listening(timeout):
        process.kill()
        raise RuntimeError("server did not start:\n" + "\n".join(watch.lines))
    return ServerProcess(process, watch.url, data_dir, watch.lines, store)
