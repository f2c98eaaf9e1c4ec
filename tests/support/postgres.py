"""A throwaway PostgreSQL server for the black-box tests, through tests/support/test-postgres
(the same script the C++ unit tests' ctest fixture uses). One server per pytest session; every
blender-mcp server or user store started on it gets a database of its own."""
from __future__ import annotations

import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "test-postgres"
MISSING_EXIT = 3  # the script's "PostgreSQL is not installed"


class PostgresMissing(RuntimeError):
    """PostgreSQL is not installed on this machine."""


def running_in_ci() -> bool:
    return os.environ.get("CI") == "true"


@dataclass
class PostgresServer:
    state: Path
    admin_url: str

    def new_database(self) -> str:
        """Creates an empty database and returns its URL."""
        name = "bmcp_" + uuid.uuid4().hex[:12]
        return _script("createdb", str(self.state), name).strip()

    def query(self, database_url: str, sql: str) -> str:
        """Runs `sql` in the database of `database_url`; returns psql's unaligned output."""
        database = database_url.rsplit("/", 1)[1]
        return _script("psql", str(self.state), "-d", database, "-tA", "-c", sql).strip()

    def pause(self) -> None:
        """Stops the server, keeping its data and port (an outage)."""
        _script("pause", str(self.state))

    def resume(self) -> None:
        _script("resume", str(self.state))

    def stop(self) -> None:
        _script("stop", str(self.state))


def _script(*args: str) -> str:
    done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120)
    if done.returncode == MISSING_EXIT:
        raise PostgresMissing(done.stderr.strip())
    if done.returncode != 0:
        raise RuntimeError(f"test-postgres {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def start_postgres(state: Path) -> PostgresServer:
    """Starts a server remembered in `state`; raises PostgresMissing when it is not installed."""
    url = _script("start", str(state)).strip()
    return PostgresServer(state, url)
