"""Contract §3.6–3.7: `blender-mcp [--data-dir DIR | --database-url URL] user add|passwd|remove|list`."""
from __future__ import annotations

import json
import stat

import pytest

from blackbox.checks import assert_detail, assert_unauthorized, assert_unauthorized_soon
from blackbox.processes import add_user, clean_env, run_binary, user_cli
from blackbox.wire import login_ok
from support.server_process import STORE_KINDS

# Every test runs against both user stores (conftest.py: store_kind).
pytestmark = pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True, scope="session")


def _listed(where) -> dict[str, dict]:
    done = user_cli(where, "list", "--json")
    assert done.returncode == 0, done.stderr
    users = json.loads(done.stdout)
    assert isinstance(users, list), done.stdout
    return {user["username"]: user for user in users}


def _set_password(where, username: str, password: str):
    return user_cli(where, "passwd", username, "--password-stdin", stdin_text=password + "\n")


# add ----------------------------------------------------------------------------------------------


def test_add_creates_a_user_with_default_roles_and_scopes(store):
    add_user(store, "alice", "alice-password-1")
    alice = _listed(store)["alice"]
    assert alice["roles"] == ["user"] and alice["scopes"] == ["read", "write"]


def test_add_takes_repeated_role_and_scope_options(store):
    add_user(store, "ops", "ops-password-1", roles=["admin", "user"], scopes=["read", "deploy"])
    ops = _listed(store)["ops"]
    assert ops["roles"] == ["admin", "user"] and ops["scopes"] == ["read", "deploy"]


def test_adding_an_existing_user_fails_with_exit_1(store):
    add_user(store, "alice", "alice-password-1")
    done = user_cli(store, "add", "alice", "--password-stdin", stdin_text="another-password\n")
    assert done.returncode == 1, done.stderr


def test_usernames_are_case_sensitive(store):
    add_user(store, "alice", "alice-password-1")
    add_user(store, "Alice", "alice-password-2")
    assert {"alice", "Alice"} <= set(_listed(store))


@pytest.mark.parametrize("verb", ["add", "passwd"])
def test_without_a_terminal_and_without_password_stdin_the_command_exits_2(store, verb):
    if verb == "passwd":
        add_user(store, "alice", "alice-password-1")
    done = user_cli(store, verb, "alice" if verb == "passwd" else "bob")
    assert done.returncode == 2, done.stderr
    assert "bob" not in _listed(store)


def test_an_empty_password_is_refused(store):
    done = user_cli(store, "add", "bob", "--password-stdin", stdin_text="\n")
    assert done.returncode in (1, 2), done.stderr
    assert "bob" not in _listed(store)


def test_a_short_password_draws_a_warning_but_is_accepted(store):
    done = user_cli(store, "add", "bob", "--password-stdin", stdin_text="short\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip(), "a password under 8 characters draws a warning"
    assert "bob" in _listed(store)


@pytest.mark.parametrize("username", ["bad name", "", "a" * 65, "caf\u00e9", ".dot-first", "semi;colon"])
def test_an_invalid_username_is_refused(store, username):
    done = user_cli(store, "add", username, "--password-stdin", stdin_text="some-password-1\n")
    assert done.returncode in (1, 2), done.stderr
    assert username not in _listed(store)


def test_the_longest_valid_username_is_accepted(store):
    name = "a" + "b._-" * 15 + "xyz"  # 64 characters
    assert len(name) == 64
    add_user(store, name, "some-password-1")
    assert name in _listed(store)


def test_a_user_added_while_the_server_runs_can_log_in_at_once(server, http, new_user):
    username, password = new_user(server, roles=["user"], scopes=["read"])
    user = login_ok(http, username, password).body["user"]
    assert user == {"id": username, "user_id": username, "username": username, "roles": ["user"],
                    "scopes": ["read"]}


def test_only_the_first_line_of_stdin_is_the_password(fresh_server, http_for):
    done = user_cli(fresh_server.store, "add", "carol", "--password-stdin",
                    stdin_text="first-line-password\nsecond-line\n")
    assert done.returncode == 0, done.stderr
    assert http_for(fresh_server).login("carol", "first-line-password").status == 200


def test_the_cli_takes_the_store_from_the_environment(store):
    if store.database_url:
        env = clean_env({"BLENDER_MCP_DATABASE_URL": store.database_url})
    else:
        env = clean_env({"BLENDER_MCP_DATA_DIR": str(store.data_dir)})
    done = run_binary("user", "add", "dave", "--password-stdin", stdin_text="dave-password-1\n", env=env)
    assert done.returncode == 0, done.stderr
    assert "dave" in _listed(store)


def test_an_unknown_user_subcommand_is_a_usage_error(store):
    assert user_cli(store, "frobnicate").returncode == 2


# passwd -------------------------------------------------------------------------------------------


def test_passwd_sets_the_password_and_revokes_refresh_tokens(fresh_server, http_for):
    http = http_for(fresh_server)
    add_user(fresh_server.store, "erin", "old-password-1")
    tokens = login_ok(http, "erin", "old-password-1")
    done = _set_password(fresh_server.store, "erin", "new-password-1")
    assert done.returncode == 0, done.stderr
    assert_unauthorized(http.refresh(tokens.refresh), "Invalid refresh token")
    assert_detail(http.login("erin", "old-password-1"), 401, "Invalid credentials")
    assert http.login("erin", "new-password-1").status == 200


def test_passwd_for_an_unknown_user_fails_with_exit_1(store):
    add_user(store, "alice", "alice-password-1")
    assert _set_password(store, "nobody", "some-password-1").returncode == 1


# remove -------------------------------------------------------------------------------------------


def test_remove_deletes_the_user(store):
    add_user(store, "alice", "alice-password-1")
    add_user(store, "bob", "bob-password-1")
    assert user_cli(store, "remove", "bob").returncode == 0
    assert set(_listed(store)) == {"alice"}


def test_remove_refuses_to_remove_the_last_admin(store):
    add_user(store, "root", "root-password-1", roles=["admin"])
    add_user(store, "alice", "alice-password-1")
    done = user_cli(store, "remove", "root")
    assert done.returncode == 1, done.stderr
    assert "root" in _listed(store)


def test_remove_allows_removing_an_admin_while_another_admin_remains(store):
    add_user(store, "root1", "root-password-1", roles=["admin"])
    add_user(store, "root2", "root-password-2", roles=["admin", "user"])
    assert user_cli(store, "remove", "root1").returncode == 0
    assert user_cli(store, "remove", "root2").returncode == 1


def test_removing_an_unknown_user_fails_with_exit_1(store):
    add_user(store, "alice", "alice-password-1")
    assert user_cli(store, "remove", "nobody").returncode == 1


def test_remove_revokes_the_users_refresh_tokens(fresh_server, http_for):
    http = http_for(fresh_server)
    add_user(fresh_server.store, "frank", "frank-password-1")
    tokens = login_ok(http, "frank", "frank-password-1")
    assert user_cli(fresh_server.store, "remove", "frank").returncode == 0
    assert_unauthorized(http.refresh(tokens.refresh), "Invalid refresh token")
    assert_unauthorized_soon(lambda: http.profile(tokens.access), "User not found")


# list ---------------------------------------------------------------------------------------------


def test_list_prints_a_table_with_the_contract_columns(store):
    add_user(store, "alice", "alice-password-1")
    add_user(store, "bob", "bob-password-1", roles=["admin"])
    done = user_cli(store, "list")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines[0].split() == ["USERNAME", "ROLES", "SCOPES", "CREATED"], done.stdout
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {"alice", "bob"}, done.stdout
    assert "admin" in rows["bob"] and "read" in rows["alice"]


def test_list_json_is_an_array_of_exactly_the_contract_fields(store):
    add_user(store, "alice", "alice-password-1")
    users = json.loads(user_cli(store, "list", "--json").stdout)
    assert len(users) == 1
    user = users[0]
    assert set(user) == {"username", "roles", "scopes", "created_at"}
    assert user["username"] == "alice"
    assert isinstance(user["created_at"], (int, float)) and not isinstance(user["created_at"], bool)


def test_list_on_a_new_store_is_empty(store):
    assert _listed(store) == {}


def test_list_shows_the_bootstrapped_users(fresh_server):
    users = _listed(fresh_server.store)
    assert users["admin"]["roles"] == ["admin", "user"] and users["admin"]["scopes"] == ["*"]
    assert users["demo"]["roles"] == ["user"] and users["demo"]["scopes"] == ["read", "write"]


# files with secrets -------------------------------------------------------------------------------


def test_the_cli_creates_a_private_database_and_makes_wide_modes_private_with_a_warning(store_kind, tmp_path):
    if store_kind != "sqlite":
        pytest.skip("only the SQLite store keeps its users in files")
    data_dir = tmp_path / "data"
    add_user(data_dir, "alice", "alice-password-1")
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "blender-mcp.db").stat().st_mode) == 0o600
    data_dir.chmod(0o755)
    (data_dir / "blender-mcp.db").chmod(0o644)
    done = user_cli(data_dir, "list", "--json")
    assert done.returncode == 0, done.stderr
    assert [u["username"] for u in json.loads(done.stdout)] == ["alice"]
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "blender-mcp.db").stat().st_mode) == 0o600
    assert done.stderr.splitlines() == [
        f"warning: data directory {data_dir} had mode 0755, open to other users; changed it to 0700",
        f"warning: file {data_dir / 'blender-mcp.db'} had mode 0644, open to other users; changed it to 0600",
    ]
