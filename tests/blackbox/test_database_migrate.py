"""`blender-mcp db migrate`, schema versions and the --database-url setting (docs/user-store.md),
on both user stores where the store matters."""
from __future__ import annotations

import sqlite3

import pytest

from blackbox.processes import clean_env, expect_startup_refused, run_binary, user_cli
from support.server_process import STORE_KINDS, Store

on_both_stores = pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True, scope="session")

# The schema version each store's program writes (kUserStoreSchemaVersion, kPostgresSchemaVersion).
SQLITE_SCHEMA_VERSION = 3
POSTGRES_SCHEMA_VERSION = 2


def _current_version(store: Store) -> int:
    return POSTGRES_SCHEMA_VERSION if store.database_url else SQLITE_SCHEMA_VERSION


def _migrate(store: Store):
    return run_binary(*store.cli_args(), "db", "migrate")


def _set_schema_version(store: Store, version: int) -> None:
    if store.database_url:
        store.postgres.query(store.database_url, f"UPDATE schema_version SET version = {version}")
        return
    with sqlite3.connect(store.data_dir / "blender-mcp.db") as db:
        db.execute("UPDATE schema_version SET version = ?", (version,))


@on_both_stores
def test_migrate_creates_the_schema_then_finds_it_current(store):
    first = _migrate(store)
    assert first.returncode == 0, first.stderr
    current = _current_version(store)
    assert f"schema migrated from version 0 to {current}" in first.stdout, first.stdout
    assert ("PostgreSQL" if store.database_url else "SQLite") in first.stdout
    second = _migrate(store)
    assert second.returncode == 0, second.stderr
    assert f"schema already at version {current}" in second.stdout, second.stdout
    listed = user_cli(store, "list", "--json")
    assert listed.returncode == 0 and listed.stdout.strip() == "[]", listed


@on_both_stores
def test_a_schema_newer_than_the_program_is_refused_everywhere_and_left_alone(store):
    assert _migrate(store).returncode == 0
    _set_schema_version(store, 99)
    refused = _migrate(store)
    assert refused.returncode == 1
    assert (f"database schema version 99 is newer than this program supports ({_current_version(store)})"
            in refused.stderr)
    assert user_cli(store, "list").returncode == 1
    boot = expect_startup_refused("serve", "--host", "127.0.0.1", "--port", "0", *store.cli_args())
    assert boot.exit_code == 1 and "newer than this program supports" in boot.stderr, boot.stderr
    assert _migrate(store).returncode == 1  # still refused: nothing was changed


def test_a_database_url_of_another_kind_is_a_usage_error_for_every_command(tmp_path):
    url = "mysql://user:secret@db/blender"
    for args in (["--database-url", url, "user", "list"], ["--database-url", url, "db", "migrate"]):
        done = run_binary(*args)
        assert done.returncode == 2, done
        assert "--database-url must be a postgresql:// or postgres:// URL" in done.stderr
        assert "secret" not in done.stderr
    boot = expect_startup_refused("serve", "--port", "0", "--data-dir", str(tmp_path),
                                  env=clean_env({"BLENDER_MCP_DATABASE_URL": url}))
    assert boot.exit_code == 2, boot.stderr
    assert "BLENDER_MCP_DATABASE_URL must be a postgresql:// or postgres:// URL" in boot.stderr


def test_an_unreachable_database_stops_serve_with_a_clear_message(tmp_path):
    url = "postgresql://nobody:secret@127.0.0.1:1/blender"
    boot = expect_startup_refused("serve", "--port", "0", "--data-dir", str(tmp_path),
                                  "--database-url", url)
    assert boot.exit_code == 1
    assert "cannot connect to PostgreSQL" in boot.stderr and "secret" not in boot.stderr, boot.stderr
    done = run_binary("--database-url", url, "user", "list")
    assert done.returncode == 1 and "cannot connect to PostgreSQL" in done.stderr, done.stderr
