"""--log-format json (docs/logging.md): every line the server writes to stderr is one JSON object
with ts, level and msg, and the lines about operations carry their structured fields."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from blackbox.bus_helpers import call
from blackbox.processes import clean_env, expect_startup_refused
from blackbox.wire import Http, Mcp, login_ok, wait_until
from support.server_process import ServerProcess

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def parsed_lines(srv: ServerProcess) -> list[dict]:
    """Every stderr line so far, each of which must be one JSON object."""
    records = []
    for line in list(srv.stderr_lines):
        record = json.loads(line)
        assert isinstance(record, dict), line
        assert TIMESTAMP.match(record["ts"]), line
        datetime.strptime(record["ts"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert record["level"] in ("debug", "info", "warning", "error", "critical"), line
        assert isinstance(record["msg"], str) and record["msg"], line
        records.append(record)
    return records


def records_with(srv: ServerProcess, msg: str) -> list[dict]:
    return [record for record in parsed_lines(srv) if record["msg"] == msg]


def work(srv: ServerProcess) -> None:
    """A failed and a good login, a dispatch that times out (with a job id), a session that ends."""
    http = Http(srv.base_url)
    try:
        assert http.login("demo", 'wrong "password"\nwith a line break').status == 401
        token = login_ok(http, "demo", "demo").access
    finally:
        http.close()
    mcp = Mcp(srv.base_url, token)
    try:
        session = mcp.initialize()
        call(session, "blender_register_client", {"client_uuid": "blender-log", "client_type": "blender"})
        envelope = call(session, "blender_get_scene_info", {"_timeout": 0.3})
        assert envelope["status"] == "timeout", envelope
        session.delete()
    finally:
        mcp.close()


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_every_line_is_a_json_object_with_the_operations_fields(spawn, how):
    if how == "flag":
        srv = spawn("--log-format", "json")
    else:
        srv = spawn(env={"BLENDER_MCP_LOG_FORMAT": "json"})
    work(srv)
    dispatch = wait_until(lambda: records_with(srv, "dispatch finished"), timeout=5)
    assert dispatch, parsed_lines(srv)
    record = dispatch[0]
    assert record["user"] == "demo" and record["tool"] == "blender_get_scene_info", record
    assert record["status"] == "timeout" and record["job_id"].startswith("j-"), record
    assert isinstance(record["duration"], float) and 0.2 < record["duration"] < 5, record
    ended = wait_until(lambda: records_with(srv, "session ended"), timeout=5)
    assert ended and ended[0]["user"] == "demo" and ended[0]["reason"] == "deleted", ended
    assert ended[0]["session"], ended
    logins = records_with(srv, "login")
    assert [(r["user"], r["status"]) for r in logins] == [("demo", "invalid_credentials"),
                                                          ("demo", "success")], logins
    srv.stop()
    # Every line up to the last one at shutdown is JSON too.
    assert wait_until(lambda: records_with(srv, "stopping"), timeout=5), srv.stderr_lines
    records = parsed_lines(srv)
    assert any(r["msg"].startswith("blender-mcp listening on http://") for r in records), records


def test_a_username_with_quotes_and_line_breaks_stays_on_one_line(spawn):
    srv = spawn("--log-format", "json")
    http = Http(srv.base_url)
    try:
        assert http.login('evil"\n{"level":"error"}', "x").status == 401
    finally:
        http.close()
    record = wait_until(lambda: records_with(srv, "login"), timeout=5)[0]
    assert record["user"] == 'evil"\n{"level":"error"}', record
    assert record["level"] == "info", record


def test_the_text_format_puts_the_fields_after_the_message(spawn):
    srv = spawn()
    work(srv)
    line = wait_until(lambda: [l for l in srv.stderr_lines if " dispatch finished " in l], timeout=5)
    assert line, srv.stderr_lines
    assert re.search(r" dispatch finished user=demo tool=blender_get_scene_info job_id=j-[0-9a-f]{12} "
                     r"status=timeout duration=\d+\.\d+$", line[0]), line[0]
    logins = [l for l in srv.stderr_lines if " login user=" in l]
    assert logins and logins[0].endswith(" login user=demo status=invalid_credentials"), logins
    # A username with a space, a quote and a line break is written as a JSON string, so it
    # stays on its line and cannot pose as another field or record.
    http = Http(srv.base_url)
    try:
        assert http.login('a b"\nc status=success', "x").status == 401
    finally:
        http.close()
    quoted = ' login user="a b\\"\\nc status=success" status=invalid_credentials'
    assert wait_until(lambda: [l for l in srv.stderr_lines if l.endswith(quoted)], timeout=5), \
        srv.stderr_lines[-3:]


@pytest.mark.parametrize("args, env, source", [
    (["--log-format", "yaml"], {}, "--log-format"),
    ([], {"BLENDER_MCP_LOG_FORMAT": "JSON"}, "BLENDER_MCP_LOG_FORMAT"),
])
def test_an_unknown_log_format_is_refused(tmp_path, args, env, source):
    result = expect_startup_refused("serve", "--host", "127.0.0.1", "--port", "0",
                                    "--data-dir", str(tmp_path), *args, env=clean_env(env))
    assert result.exit_code == 2, result.stderr
    value = args[1] if args else env["BLENDER_MCP_LOG_FORMAT"]
    assert f"{source} must be text or json, got '{value}'" in result.stderr, result.stderr
