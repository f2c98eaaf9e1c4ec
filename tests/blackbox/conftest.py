"""Fixtures for the black-box suite: real `blender-mcp` servers, logins and raw MCP clients.

* `server` — one plain server for the whole run (no conformance fixtures). Tests on it must leave
  no lasting state behind that others could see (they delete their MCP sessions, use their own
  users for logout/refresh, and their own loopback source address and their own usernames for
  login failures).
* `fixture_server` — one server started with `--conformance-fixtures`.
* `spawn` / `fresh_server` — a new server per test, for tests that change state heavily.

Where those servers keep their users is `store_kind`: "sqlite" (the data directory) unless a
module parametrizes it, as the auth modules do to run against both stores:

    pytestmark = pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True, scope="session")

"postgres" servers each get a fresh database on one PostgreSQL server per session
(`support.postgres`); `store` is a fresh store of the kind for tests that run only the CLI.

What a "server" is, is `topology`: "one node" unless a module parametrizes it, as the bus and
dispatch modules do to run against a cluster of two nodes too:

    pytestmark = pytest.mark.parametrize("topology", TOPOLOGIES, indirect=True, scope="session")

A "two nodes" server is a `support.cluster.Cluster` (its own redis-server, users in a fresh
PostgreSQL database) and the bus helpers spread each test's sessions over both nodes.
"""
from __future__ import annotations

import itertools
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pytest

TESTS_DIR = Path(__file__).resolve().parents[1]
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from support.postgres import PostgresMissing, PostgresServer, running_in_ci, start_postgres  # noqa: E402
from support.cluster import TOPOLOGIES, Cluster, start_cluster  # noqa: E402, F401
from support.redis_server import RedisMissing, start_redis  # noqa: E402
from support.server_process import ServerProcess, Store, binary_path, start_server  # noqa: E402, F401

from blackbox.processes import add_user  # noqa: E402
from blackbox.wire import Http, Mcp, Tokens, login_ok  # noqa: E402

_user_counter = itertools.count(1)
_redis_counter = itertools.count(1)
CLUSTER_NODES = 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if binary_path().exists() or os.environ.get("BLENDER_MCP_REQUIRE_BINARY") == "1":
        return
    skip = pytest.mark.skip(reason=f"{binary_path()} is not built")
    for item in items:
        if "blackbox" in item.nodeid:
            item.add_marker(skip)


def _stop(server: ServerProcess) -> None:
    server.stop()


@pytest.fixture(scope="session")
def store_kind(request: pytest.FixtureRequest) -> str:
    """Which user store the servers of a test use; "sqlite" unless parametrized."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the session. Without PostgreSQL installed the tests
    that need it are skipped, or fail when CI=true."""
    try:
        pg = start_postgres(tmp_path_factory.mktemp("postgres"))
    except PostgresMissing as missing:
        if running_in_ci():
            pytest.fail(f"CI=true requires PostgreSQL: {missing}")
        pytest.skip(str(missing))
    yield pg
    pg.stop()


def new_store(kind: str, request: pytest.FixtureRequest, data_dir: Path | None = None) -> Store:
    """A fresh, empty store of `kind` (a new data directory, and a new database for postgres)."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="bmcp-test-"))
    if kind == "postgres":
        pg: PostgresServer = request.getfixturevalue("postgres")
        return Store(data_dir, pg.new_database(), pg)
    return Store(data_dir)


@pytest.fixture
def store(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return new_store(store_kind, request, tmp_path / "data")


@pytest.fixture
def store_of(request: pytest.FixtureRequest) -> Callable[[str], Store]:
    """A factory: `store_of("postgres")` is a fresh store of that kind."""
    return lambda kind: new_store(kind, request)


@pytest.fixture(scope="session")
def topology(request: pytest.FixtureRequest) -> str:
    """One node, or a cluster of two; "one node" unless parametrized."""
    return getattr(request, "param", "one node")


@pytest.fixture(autouse=True)
def _topology_known(topology: str) -> str:
    """Puts `topology` in every test's reach, so that a module can parametrize it even where a
    test starts no server of the module's kind."""
    return topology


def start_topology(topology: str, store_kind: str, request: pytest.FixtureRequest, *extra_args: str,
                   env: dict[str, str] | None = None, store: Store | None = None,
                   data_dir: Path | None = None, open_files: int | None = None):
    """A server of `topology`: one process, or a two-node cluster with a redis-server of its own."""
    if topology == "one node":
        if store is None and data_dir is None:
            store = new_store(store_kind, request)
        return start_server(*extra_args, env=env, data_dir=data_dir, store=store, open_files=open_files)
    try:
        redis = start_redis(Path(tempfile.mkdtemp(prefix=f"bmcp-redis-{next(_redis_counter)}-")))
    except RedisMissing as missing:
        if running_in_ci():
            pytest.fail(f"CI=true requires redis-server: {missing}")
        pytest.skip(str(missing))
    return start_cluster(CLUSTER_NODES, store or new_store("postgres", request), redis, *extra_args, env=env)


@pytest.fixture(scope="session")
def server(topology: str, store_kind: str, request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    srv = start_topology(topology, store_kind, request)
    yield srv
    _stop(srv)


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[ServerProcess]:
    srv = start_server("--conformance-fixtures")
    yield srv
    _stop(srv)


@pytest.fixture
def spawn(topology: str, store_kind: str,
          request: pytest.FixtureRequest) -> Iterator[Callable[..., ServerProcess]]:
    """A factory: `spawn(*extra_args, env={...}, data_dir=..., store=..., open_files=...)` starts a
    server of `topology` stopped after the test; without `data_dir` or `store` it gets a fresh
    store of `store_kind` (`open_files`: its descriptor limit)."""
    started: list[ServerProcess] = []

    def start(*extra_args: str, env: dict[str, str] | None = None,
              data_dir: Path | None = None, store: Store | None = None,
              open_files: int | None = None) -> ServerProcess:
        srv = start_topology(topology, store_kind, request, *extra_args, env=env, store=store,
                             data_dir=data_dir, open_files=open_files)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        _stop(srv)


@pytest.fixture
def fresh_server(spawn: Callable[..., ServerProcess]) -> ServerProcess:
    return spawn()


@pytest.fixture
def http(server: ServerProcess) -> Iterator[Http]:
    client = Http(server.base_url)
    yield client
    client.close()


@pytest.fixture
def http_for() -> Iterator[Callable[[ServerProcess], Http]]:
    """A factory of plain HTTP clients, each from its own loopback source address."""
    made: list[Http] = []

    def make(srv: ServerProcess) -> Http:
        made.append(Http(srv.base_url))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture(scope="session")
def demo(server: ServerProcess) -> Tokens:
    """demo's tokens on the shared server. Only the access token may be used by tests; nobody may
    rotate or revoke the refresh token."""
    client = Http(server.base_url)
    try:
        return login_ok(client)
    finally:
        client.close()


@pytest.fixture(scope="session")
def fixture_demo(fixture_server: ServerProcess) -> Tokens:
    client = Http(fixture_server.base_url)
    try:
        return login_ok(client)
    finally:
        client.close()


class TrackingMcp(Mcp):
    """An `Mcp` client that remembers every MCP session it created, so teardown can end them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.created: list[str] = []

    def post(self, *args, **kwargs):
        reply = super().post(*args, **kwargs)
        sid = reply.headers.get("mcp-session-id")
        if sid and sid not in self.created:
            self.created.append(sid)
        return reply

    def end_all(self) -> None:
        for sid in self.created:
            try:
                super().delete(sid)
            except Exception:  # noqa: BLE001 - best-effort cleanup
                pass
        self.close()


@pytest.fixture
def mcp_for() -> Iterator[Callable[..., TrackingMcp]]:
    """A factory: `mcp_for(server, token)` gives a raw MCP client whose sessions end after the test."""
    made: list[TrackingMcp] = []

    def make(srv: ServerProcess, token: str | None, path: str = "/mcp") -> TrackingMcp:
        made.append(TrackingMcp(srv.base_url, token, path=path))
        return made[-1]

    yield make
    for client in made:
        client.end_all()


@pytest.fixture
def mcp(server: ServerProcess, demo: Tokens, mcp_for) -> TrackingMcp:
    return mcp_for(server, demo.access)


@pytest.fixture
def session(mcp: TrackingMcp):
    return mcp.initialize()


@pytest.fixture
def fixture_mcp(fixture_server: ServerProcess, fixture_demo: Tokens, mcp_for) -> TrackingMcp:
    return mcp_for(fixture_server, fixture_demo.access)


@pytest.fixture
def fixture_session(fixture_mcp: TrackingMcp):
    return fixture_mcp.initialize()


@pytest.fixture
def new_user() -> Callable[..., tuple[str, str]]:
    """A factory: `new_user(server, roles=(), scopes=())` adds a fresh user with the CLI while the
    server runs and returns (username, password)."""

    def make(srv: ServerProcess, roles=(), scopes=()) -> tuple[str, str]:
        n = next(_user_counter)
        username, password = f"user{n}-{os.getpid()}", f"password-{n}-for-tests"
        add_user(srv.store, username, password, roles, scopes)
        return username, password

    return make
