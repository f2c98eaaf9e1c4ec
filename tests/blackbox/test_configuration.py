"""Contract §2, §3.1, §3.6, §11: start-up configuration — environment, TOML file, CLI flags,
bootstrap of the admin, and the signing key.

Precedence: CLI flags > environment > TOML file (`--config`) > defaults.
"""
from __future__ import annotations

import os
import re
import sqlite3
import stat
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from blackbox.checks import assert_detail, assert_json, assert_unauthorized
from blackbox.processes import (add_user, boot, clean_env, expect_startup_refused, free_port, free_ports,
                                 run_binary)
from blackbox.tokens import access_claims, decode, make_jwt, read_key, uid_of, verifies
from blackbox.wire import Http, login_ok
from support.server_process import ADMIN_PASSWORD

ADMIN_REQUIRED = "ADMIN_PASSWORD is required: no admin user exists yet"


@pytest.fixture
def boots():
    """Servers started with `boot` are stopped after the test."""
    started = []

    def start(*args: str, env: dict[str, str] | None = None):
        result = boot(*args, env=env)
        started.append(result)
        return result

    yield start
    for result in started:
        result.stop()


@pytest.fixture
def clients():
    made: list[Http] = []

    def make(base_url: str) -> Http:
        made.append(Http(base_url))
        return made[-1]

    yield make
    for client in made:
        client.close()


def _serve(data_dir: Path, *extra: str) -> list[str]:
    return ["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data_dir), *extra]


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


def _write_toml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _started(result) -> str:
    assert result.url, f"server did not start (exit {result.exit_code}):\n{result.stderr}"
    return result.base_url


# numeric environment values -----------------------------------------------------------------------


@pytest.mark.parametrize("variable,value", [
    ("BLENDER_MCP_PORT", "abc"),
    ("BLENDER_MCP_PORT", "-80"),
    ("BLENDER_MCP_PORT", "0"),
    ("ACCESS_TOKEN_EXPIRE_MINUTES", "0"),
    ("ACCESS_TOKEN_EXPIRE_MINUTES", "-5"),
    ("ACCESS_TOKEN_EXPIRE_MINUTES", "ten"),
    ("REFRESH_TOKEN_EXPIRE_DAYS", "0"),
    ("REFRESH_TOKEN_EXPIRE_DAYS", "1.5x"),
    ("BLENDER_MCP_SESSION_IDLE_SECONDS", "-1"),
    ("BLENDER_MCP_STREAM_GRACE_SECONDS", "soon"),
])
def test_an_invalid_numeric_environment_value_exits_2_naming_the_variable_and_value(tmp_path, variable, value):
    args = ["serve", "--host", "127.0.0.1", "--data-dir", str(tmp_path)]
    if variable != "BLENDER_MCP_PORT":
        args += ["--port", "0"]
    result = expect_startup_refused(*args, env=clean_env({variable: value}))
    assert result.exit_code == 2, result.stderr
    assert variable in result.stderr and value in result.stderr, result.stderr


# bootstrap ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("admin_env", [{}, {"ADMIN_PASSWORD": ""}])
def test_without_admin_password_and_without_an_admin_the_server_exits_2(tmp_path, admin_env):
    result = expect_startup_refused(*_serve(tmp_path), env=clean_env(admin_env, admin=False))
    assert result.exit_code == 2, result.stderr
    assert ADMIN_REQUIRED in result.stderr


def test_once_an_admin_exists_the_server_starts_without_admin_password(tmp_path, boots, clients):
    first = boots(*_serve(tmp_path))
    _started(first)
    first.stop()
    second = boots(*_serve(tmp_path), env=clean_env(admin=False))
    http = clients(_started(second))
    assert http.login("admin", ADMIN_PASSWORD).status == 200


def test_an_admin_added_with_the_cli_satisfies_the_bootstrap(tmp_path, boots, clients):
    add_user(tmp_path, "root", "root-password-1", roles=["admin"])
    http = clients(_started(boots(*_serve(tmp_path), env=clean_env(admin=False, demo=False))))
    assert http.login("root", "root-password-1").status == 200


def test_admin_password_resets_the_admin_password_on_every_start(tmp_path, boots, clients):
    boots(*_serve(tmp_path), env=clean_env({"ADMIN_PASSWORD": "first-admin-pw"})).stop()
    http = clients(_started(boots(*_serve(tmp_path), env=clean_env({"ADMIN_PASSWORD": "second-admin-pw"}))))
    assert http.login("admin", "second-admin-pw").status == 200
    assert_detail(http.login("admin", "first-admin-pw"), 401, "Invalid credentials")


def test_demo_password_creates_the_demo_user_and_its_absence_does_not(tmp_path, boots, clients):
    http = clients(_started(boots(*_serve(tmp_path), env=clean_env(demo=False))))
    assert_detail(http.login("demo", "demo"), 401, "Invalid credentials")


def test_serve_is_the_default_subcommand(tmp_path, boots, clients):
    http = clients(_started(boots("--host", "127.0.0.1", "--port", "0", "--data-dir", str(tmp_path))))
    assert http.health().status == 200


def test_the_data_dir_can_come_from_the_environment(tmp_path, boots, clients):
    data_dir = tmp_path / "from-env"
    result = boots("serve", "--host", "127.0.0.1", "--port", "0",
                   env=clean_env({"BLENDER_MCP_DATA_DIR": str(data_dir)}))
    _started(result)
    assert (data_dir / "jwt_secret").exists()


def test_a_missing_data_dir_is_created_with_mode_0700(tmp_path, boots):
    data_dir = tmp_path / "nested" / "data"
    _started(boots(*_serve(data_dir)))
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert (data_dir / "blender-mcp.db").exists()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_start_creates_the_data_dir_and_its_secret_files_private_even_with_umask_0(tmp_path, boots):
    data_dir = tmp_path / "data"
    saved = os.umask(0)  # the child inherits it: only the modes the server asks for count
    try:
        result = boots(*_serve(data_dir))
    finally:
        os.umask(saved)
    _started(result)
    assert _mode(data_dir) == 0o700
    for name in ("blender-mcp.db", "blender-mcp.db-wal", "blender-mcp.db-shm", "jwt_secret"):
        assert _mode(data_dir / name) == 0o600, name
    assert "open to other users" not in result.stderr, result.stderr


def test_a_data_dir_and_secret_files_open_to_others_are_made_private_at_start_with_warnings(tmp_path, boots):
    data_dir = tmp_path / "data"
    first = boots(*_serve(data_dir))
    _started(first)
    first.stop()
    (data_dir / "admin_password").write_text("generated-by-scripts-serve\n")
    data_dir.chmod(0o755)
    for name, mode in (("blender-mcp.db", 0o644), ("jwt_secret", 0o644), ("admin_password", 0o640)):
        (data_dir / name).chmod(mode)
    result = boots(*_serve(data_dir))
    _started(result)
    assert _mode(data_dir) == 0o700
    for name in ("blender-mcp.db", "blender-mcp.db-wal", "blender-mcp.db-shm", "jwt_secret", "admin_password"):
        assert _mode(data_dir / name) == 0o600, name
    warnings = [line for line in result.lines if "open to other users" in line]
    assert len(warnings) == 4, result.stderr
    assert f"data directory {data_dir} had mode 0755, open to other users; changed it to 0700" in warnings[0]
    assert f"file {data_dir / 'blender-mcp.db'} had mode 0644" in warnings[1]
    assert all("warn" in line for line in warnings), warnings


def test_a_non_loopback_bind_logs_a_warning_naming_the_address(tmp_path, boots, clients):
    result = boots("serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path))
    _started(result)
    warnings = [line for line in result.lines if "0.0.0.0" in line and "listening on" not in line]
    assert warnings and any("/mcp" in line for line in warnings), result.stderr


# signing key --------------------------------------------------------------------------------------


def test_the_generated_signing_key_is_a_private_base64url_file(spawn):
    srv = spawn()
    key_file = srv.data_dir / "jwt_secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", read_key(srv.data_dir))


# A restart with --port 0 gets another port: the same public URL keeps the tokens' audience.
RESTART_URL = "https://blender-mcp.restart.test"


def test_the_signing_key_and_tokens_survive_a_restart(spawn, http_for):
    first = spawn("--public-url", RESTART_URL)
    key = read_key(first.data_dir)
    tokens = login_ok(http_for(first))
    first.stop()
    second = spawn("--public-url", RESTART_URL, data_dir=first.data_dir)
    assert read_key(second.data_dir) == key
    http = http_for(second)
    assert http.profile(tokens.access).status == 200
    assert http.refresh(tokens.refresh).status == 200


def test_a_database_from_before_account_ids_gets_them_and_old_tokens_are_refused(spawn, http_for):
    """Schema version 2 adds users.uid; a file of version 1 (made here by taking the column away
    again, with the tables of later versions) is migrated on start, and tokens without a uid, as
    issued before, are refused."""
    first = spawn("--public-url", RESTART_URL)
    old = login_ok(http_for(first))
    first.stop()
    with closing(sqlite3.connect(first.data_dir / "blender-mcp.db")) as db, db:
        db.executescript("DROP INDEX users_by_uid; ALTER TABLE users DROP COLUMN uid;"
                         "DROP TABLE oauth_clients; DROP TABLE oauth_codes; DROP TABLE oauth_families;"
                         "DROP TABLE oauth_refresh_tokens; UPDATE schema_version SET version = 1;")
    second = spawn("--public-url", RESTART_URL, data_dir=first.data_dir)
    http = http_for(second)
    key = read_key(second.data_dir)
    claims = decode(old.access)[1]
    del claims["uid"]
    assert_unauthorized(http.profile(make_jwt(claims, key)), "Invalid token: missing uid")
    assert_unauthorized(http.profile(old.access), "User not found")  # its uid was taken away
    new = login_ok(http)
    assert re.fullmatch(r"[0-9a-f]{32}", uid_of(new.access))
    assert http.profile(new.access).status == 200
    with closing(sqlite3.connect(second.data_dir / "blender-mcp.db")) as db:
        assert db.execute("SELECT MAX(version) FROM schema_version").fetchone() == (3,)
        assert db.execute("SELECT COUNT(*) FROM users WHERE length(uid) = 32").fetchone() == (2,)


def test_oauth_secret_key_wins_over_jwt_secret(spawn, http_for):
    srv = spawn(env={"OAUTH_SECRET_KEY": "oauth-key-for-tests", "JWT_SECRET": "jwt-key-for-tests"})
    http = http_for(srv)
    token = login_ok(http).access
    assert verifies(token, "oauth-key-for-tests") and not verifies(token, "jwt-key-for-tests")
    claims = access_claims("demo", uid=uid_of(token), aud=srv.mcp_url)
    assert http.profile(make_jwt(claims, "oauth-key-for-tests")).status == 200
    assert_unauthorized(http.profile(make_jwt(claims, "jwt-key-for-tests")),
                        "Invalid token: signature verification failed")


@pytest.mark.parametrize("oauth", [None, ""])
def test_jwt_secret_is_used_when_oauth_secret_key_is_unset_or_empty(spawn, http_for, oauth):
    env = {"JWT_SECRET": "jwt-key-for-tests"}
    if oauth is not None:
        env["OAUTH_SECRET_KEY"] = oauth
    assert verifies(login_ok(http_for(spawn(env=env))).access, "jwt-key-for-tests")


def test_an_environment_key_wins_over_the_key_file(tmp_path, spawn, http_for):
    (tmp_path / "jwt_secret").write_text("file-key-for-tests\n")
    (tmp_path / "jwt_secret").chmod(0o600)
    token = login_ok(http_for(spawn(env={"OAUTH_SECRET_KEY": "env-key-for-tests"}, data_dir=tmp_path))).access
    assert verifies(token, "env-key-for-tests")


def test_the_key_file_is_read_with_surrounding_whitespace_trimmed(tmp_path, spawn, http_for):
    (tmp_path / "jwt_secret").write_text("  file-key-for-tests \n")
    (tmp_path / "jwt_secret").chmod(0o600)
    token = login_ok(http_for(spawn(data_dir=tmp_path))).access
    assert verifies(token, "file-key-for-tests")


def test_changing_the_key_invalidates_every_token(spawn, http_for):
    first = spawn(env={"OAUTH_SECRET_KEY": "first-key-for-tests"})
    tokens = login_ok(http_for(first))
    first.stop()
    http = http_for(spawn(env={"OAUTH_SECRET_KEY": "second-key-for-tests"}, data_dir=first.data_dir))
    assert_unauthorized(http.profile(tokens.access), "Invalid token: signature verification failed")
    assert_unauthorized(http.refresh(tokens.refresh), "Invalid token: signature verification failed")


# TOML configuration file --------------------------------------------------------------------------


def test_a_toml_file_sets_host_port_and_data_dir(tmp_path, boots):
    port, data_dir = free_port(), tmp_path / "toml-data"
    config = _write_toml(tmp_path / "c.toml", f'host = "127.0.0.2"\nport = {port}\ndata_dir = "{data_dir}"\n')
    result = boots("serve", "--config", str(config))
    assert _host_port(_started(result)) == ("127.0.0.2", port)
    assert (data_dir / "jwt_secret").exists()


def test_the_environment_overrides_the_toml_file(tmp_path, boots):
    toml_port, env_port = free_ports(2)
    config = _write_toml(tmp_path / "c.toml",
                         f'host = "127.0.0.2"\nport = {toml_port}\ndata_dir = "{tmp_path / "toml"}"\n')
    env = clean_env({"BLENDER_MCP_HOST": "127.0.0.3", "BLENDER_MCP_PORT": str(env_port),
                     "BLENDER_MCP_DATA_DIR": str(tmp_path / "env")})
    result = boots("serve", "--config", str(config), env=env)
    assert _host_port(_started(result)) == ("127.0.0.3", env_port)
    assert (tmp_path / "env" / "jwt_secret").exists() and not (tmp_path / "toml").exists()


def test_cli_flags_override_the_environment_and_the_toml_file(tmp_path, boots):
    toml_port, env_port, cli_port = free_ports(3)
    config = _write_toml(tmp_path / "c.toml",
                         f'host = "127.0.0.2"\nport = {toml_port}\ndata_dir = "{tmp_path / "toml"}"\n')
    env = clean_env({"BLENDER_MCP_HOST": "127.0.0.3", "BLENDER_MCP_PORT": str(env_port),
                     "BLENDER_MCP_DATA_DIR": str(tmp_path / "env")})
    result = boots("serve", "--config", str(config), "--host", "127.0.0.4", "--port", str(cli_port),
                   "--data-dir", str(tmp_path / "cli"), env=env)
    assert _host_port(_started(result)) == ("127.0.0.4", cli_port)
    assert (tmp_path / "cli" / "jwt_secret").exists()
    assert not (tmp_path / "env").exists() and not (tmp_path / "toml").exists()


def test_toml_token_lifetimes_apply_unless_the_environment_overrides_them(tmp_path, boots, clients):
    config = _write_toml(tmp_path / "c.toml", "access_token_expire_minutes = 5\nrefresh_token_expire_days = 2\n")
    http = clients(_started(boots(*_serve(tmp_path / "a", "--config", str(config)))))
    body = assert_json(http.login(), 200)
    assert body["expires_in"] == 300
    claims = decode(body["refresh_token"])[1]
    assert claims["exp"] - claims["iat"] == 2 * 86400
    env = clean_env({"ACCESS_TOKEN_EXPIRE_MINUTES": "7"})
    http = clients(_started(boots(*_serve(tmp_path / "b", "--config", str(config)), env=env)))
    assert assert_json(http.login(), 200)["expires_in"] == 420


def test_the_access_token_lifetime_from_the_environment_sets_expires_in(tmp_path, boots, clients):
    http = clients(_started(boots(*_serve(tmp_path), env=clean_env({"ACCESS_TOKEN_EXPIRE_MINUTES": "2"}))))
    body = assert_json(http.login(), 200)
    claims = decode(body["access_token"])[1]
    assert body["expires_in"] == 120 and claims["exp"] - claims["iat"] == 120


def test_toml_allowed_origins_are_honoured(tmp_path, boots, clients):
    config = _write_toml(tmp_path / "c.toml", 'allowed_origins = ["https://app.example"]\n')
    http = clients(_started(boots(*_serve(tmp_path / "d", "--config", str(config)))))
    assert http.login(headers={"Origin": "https://app.example"}).status == 200
    assert_detail(http.login(headers={"Origin": "https://other.example"}), 403, "Origin not allowed")


def test_a_toml_file_with_every_documented_key_is_accepted(tmp_path, boots, clients):
    port = free_port()
    config = _write_toml(tmp_path / "c.toml", "\n".join([
        'host = "127.0.0.1"', f"port = {port}", f'data_dir = "{tmp_path / "data"}"',
        "access_token_expire_minutes = 30", "refresh_token_expire_days = 7", "session_idle_seconds = 300",
        'log_level = "debug"', 'allowed_origins = ["https://app.example"]', ""]))
    result = boots("serve", "--config", str(config))
    assert _host_port(_started(result)) == ("127.0.0.1", port)
    assert clients(result.base_url).health().status == 200


@pytest.mark.parametrize("text,key", [
    ("bogus_key = 1\n", "bogus_key"),
    ('hostname = "127.0.0.1"\n', "hostname"),
    ('port = "abc"\n', "port"),
    ("port = 1.5\n", "port"),
    ('allowed_origins = "https://app.example"\n', "allowed_origins"),
    ('access_token_expire_minutes = "thirty"\n', "access_token_expire_minutes"),
    ("log_level = 3\n", "log_level"),
])
def test_an_unknown_toml_key_or_a_wrong_type_is_refused_naming_the_key(tmp_path, text, key):
    config = _write_toml(tmp_path / "c.toml", text)
    result = expect_startup_refused(*_serve(tmp_path / "data", "--config", str(config)))
    assert result.exit_code == 2, result.stderr
    assert key in result.stderr, result.stderr


def test_an_empty_toml_log_level_is_refused_naming_the_key(tmp_path):
    config = _write_toml(tmp_path / "c.toml", 'log_level = ""\n')
    result = expect_startup_refused(*_serve(tmp_path / "data", "--config", str(config)))
    assert result.exit_code == 2, result.stderr
    assert "'log_level' must be one of debug, info, warning, error, got ''" in result.stderr, result.stderr


def test_a_toml_file_that_does_not_parse_is_refused(tmp_path):
    config = _write_toml(tmp_path / "c.toml", "port = \n[[[\n")
    result = expect_startup_refused(*_serve(tmp_path / "data", "--config", str(config)))
    assert result.exit_code == 2, result.stderr


def test_a_missing_config_file_is_refused(tmp_path):
    result = expect_startup_refused(*_serve(tmp_path / "data", "--config", str(tmp_path / "absent.toml")))
    assert result.exit_code != 0, result.stderr


# version ------------------------------------------------------------------------------------------


def test_version_prints_the_server_version(fresh_server, http_for):
    done = run_binary("--version")
    assert done.returncode == 0, done.stderr
    version = http_for(fresh_server).health().json()["version"]
    assert version in done.stdout
