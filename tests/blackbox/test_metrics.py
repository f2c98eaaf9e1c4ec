"""GET /metrics (docs/metrics.md): the Prometheus text format, for admins on the main listener or
without authentication on a listener of its own (--metrics-bind); counters the test moves read
back, `promtool check metrics` accepts the output, and a real Prometheus scrapes it."""
from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from blackbox.bus_helpers import call
from blackbox.checks import assert_detail
from blackbox.console_client import Console
from blackbox.processes import clean_env, expect_startup_refused
from blackbox.wire import Http, Mcp, login_ok, wait_until
from support.postgres import running_in_ci
from support.prometheus import PrometheusServer, ScrapeTarget, parse_samples, tool_path, value
from support.server_process import ADMIN_PASSWORD, ServerProcess

ALERTS_DIR = Path(__file__).resolve().parents[2] / "docs" / "prometheus"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
METRICS_LISTENING = re.compile(r"metrics listening on (http://\S+?)/metrics")


def require_tool(name: str) -> str:
    """The tool's path; skipped where it is missing, except in CI, where it must be installed."""
    path = tool_path(name)
    if path is None:
        if running_in_ci():
            pytest.fail(f"{name} is not installed (scripts/setup --test-deps installs prometheus)")
        pytest.skip(f"{name} is not installed (Debian package prometheus)")
    return path


def admin_token(http: Http) -> str:
    return login_ok(http, "admin", ADMIN_PASSWORD).access


def scrape(http: Http, token: str | None) -> dict:
    reply = http.request("GET", "/metrics", token=token)
    assert reply.status == 200, reply
    assert reply.headers["content-type"] == CONTENT_TYPE, reply
    return parse_samples(reply.text)


def dispatch_without_a_blender(srv: ServerProcess, token: str) -> dict:
    """One blender_get_scene_info call on a bus with no Blender: answered at once, no_client."""
    mcp = Mcp(srv.base_url, token)
    try:
        session = mcp.initialize()
        result = call(session, "blender_get_scene_info")
        session.delete()
        return result
    finally:
        mcp.close()


def metrics_url(srv: ServerProcess) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for line in srv.stderr_lines:
            if match := METRICS_LISTENING.search(line):
                return match.group(1)
        time.sleep(0.05)
    raise AssertionError("no metrics listening line:\n" + "\n".join(srv.stderr_lines))


def test_metrics_need_an_admins_bearer_token(fresh_server, http_for):
    http = http_for(fresh_server)
    assert_detail(http.request("GET", "/metrics"), 401, "Bearer token required")
    reply = http.request("GET", "/metrics", token="not-a-token")
    assert reply.status == 401 and reply.headers["www-authenticate"] == "Bearer", reply
    demo = login_ok(http, "demo", "demo")
    assert_detail(http.request("GET", "/metrics", token=demo.access), 403, "Admin role required")
    samples = scrape(http, admin_token(http))
    assert value(samples, "blender_mcp_auth_successes_total", action="login") == 2
    assert value(samples, "blender_mcp_http_responses_total", code="401") == 2
    assert value(samples, "blender_mcp_http_responses_total", code="403") == 1


def test_a_failed_login_and_a_dispatch_move_their_counters(fresh_server, http_for):
    http = http_for(fresh_server)
    token = admin_token(http)
    before = scrape(http, token)
    assert value(before, "blender_mcp_sessions") == 0
    assert http.login("demo", "wrong password").status == 401
    envelope = dispatch_without_a_blender(fresh_server, token)
    assert envelope["status"] == "no_client", envelope
    after = scrape(http, token)
    failures = ("blender_mcp_auth_failures_total", {"action": "login", "reason": "invalid_credentials"})
    assert value(after, failures[0], **failures[1]) == value(before, failures[0], **failures[1]) + 1
    assert value(after, "blender_mcp_dispatch_calls_total",
                 tool="blender_get_scene_info", status="no_client") == 1
    assert value(after, "blender_mcp_dispatch_duration_seconds_count",
                 tool="blender_get_scene_info") == 1
    assert value(after, "blender_mcp_auth_successes_total", action="access") >= 3
    assert value(after, "blender_mcp_process_resident_memory_bytes") > 1 << 20
    assert value(after, "blender_mcp_process_open_fds") >= 3
    # No user ids or job ids as label values.
    for (_, labels), _ in after.items():
        for _, label_value in labels:
            assert label_value not in ("admin", "demo"), labels
            assert not label_value.startswith("j-"), labels


def test_console_sign_ins_are_counted_as_logins(fresh_server, http_for):
    http = http_for(fresh_server)
    token = admin_token(http)
    before = scrape(http, token)
    console = Console(http_for(fresh_server))
    assert console.sign_in("demo", "wrong password").status == 401
    assert console.sign_in("admin", ADMIN_PASSWORD).status == 200
    after = scrape(http, token)
    failures = ("blender_mcp_auth_failures_total", {"action": "login", "reason": "invalid_credentials"})
    assert value(after, failures[0], **failures[1]) == value(before, failures[0], **failures[1]) + 1
    successes = ("blender_mcp_auth_successes_total", {"action": "login"})
    assert value(after, successes[0], **successes[1]) == value(before, successes[0], **successes[1]) + 1


def test_clients_are_counted_by_bounded_type_and_state(fresh_server, http_for):
    http = http_for(fresh_server)
    token = admin_token(http)
    mcp = Mcp(fresh_server.base_url, token)
    try:
        session = mcp.initialize()
        for uuid, client_type in (("blender-1", "blender"), ("odd-1", "type-with-a-user-id-123")):
            reply = call(session, "blender_register_client",
                         {"client_uuid": uuid, "client_type": client_type})
            assert reply["status"] == "ok", reply
        samples = scrape(http, token)

        def clients(client_type: str) -> float:
            return sum(value(samples, "blender_mcp_clients", client_type=client_type, state=state)
                       for state in ("online", "offline"))

        assert clients("blender") == 1
        assert clients("other") == 1
        assert clients("llm") == 0
        assert value(samples, "blender_mcp_sessions") == 1
        assert all("type-with-a-user-id-123" not in str(key) for key in samples)
        session.delete()
    finally:
        mcp.close()


def test_open_event_streams_count_a_standalone_stream_while_it_is_open(fresh_server, http_for):
    http = http_for(fresh_server)
    token = admin_token(http)
    mcp = Mcp(fresh_server.base_url, token)
    try:
        session = mcp.initialize()
        assert value(scrape(http, token), "blender_mcp_open_event_streams") == 0
        stream = session.stream()
        assert stream.status == 200, stream.raw
        assert value(scrape(http, token), "blender_mcp_open_event_streams") == 1
        session.delete()  # ends the session, and with it the stream
        assert stream.wait_ended(), stream.raw
        assert wait_until(lambda: value(scrape(http, token), "blender_mcp_open_event_streams") == 0,
                          timeout=5)
        stream.close()
    finally:
        mcp.close()


def test_metrics_bind_serves_metrics_without_authentication(spawn, http_for):
    srv = spawn("--metrics-bind", "127.0.0.1:0")
    url = metrics_url(srv)
    open_http = Http(url)
    try:
        samples = scrape(open_http, None)
        assert value(samples, "blender_mcp_sessions") == 0
        assert open_http.request("GET", "/health").status == 404
        assert open_http.request("POST", "/metrics").status == 405
    finally:
        open_http.close()
    # The main listener no longer serves /metrics at all.
    http = http_for(srv)
    assert http.request("GET", "/metrics", token=admin_token(http)).status == 404


@pytest.mark.parametrize("bind, problem", [
    ("9100", "no port"),
    ("localhost:9100", "'localhost' is not an IP address"),
    ("127.0.0.1:99999", "'99999' is not a port number"),
])
def test_a_bad_metrics_bind_is_refused_naming_the_value(tmp_path, bind, problem):
    result = expect_startup_refused("serve", "--host", "127.0.0.1", "--port", "0",
                                    "--data-dir", str(tmp_path), "--metrics-bind", bind)
    assert result.exit_code == 2, result.stderr
    assert f"--metrics-bind must be HOST:PORT" in result.stderr, result.stderr
    assert f"got '{bind}': {problem}" in result.stderr, result.stderr


def test_a_metrics_bind_that_cannot_listen_stops_the_start(tmp_path, fresh_server):
    taken = fresh_server.base_url.rsplit(":", 1)[1]
    result = expect_startup_refused("serve", "--host", "127.0.0.1", "--port", "0",
                                    "--data-dir", str(tmp_path), "--metrics-bind",
                                    f"127.0.0.1:{taken}", env=clean_env())
    assert result.exit_code == 1, result.stderr
    assert "metrics listener: cannot listen on 127.0.0.1:" in result.stderr, result.stderr


def test_promtool_accepts_the_output(fresh_server, http_for, tmp_path):
    promtool = require_tool("promtool")
    http = http_for(fresh_server)
    token = admin_token(http)
    http.login("demo", "wrong password")
    dispatch_without_a_blender(fresh_server, token)
    reply = http.request("GET", "/metrics", token=token)
    assert reply.status == 200, reply
    check = subprocess.run([promtool, "check", "metrics"], input=reply.text, capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
    # promtool reports lint problems (naming, missing HELP) on stdout or stderr.
    assert check.stdout.strip() == "" and check.stderr.strip() == "", check.stdout + check.stderr


def test_prometheus_scrapes_the_server_and_reads_back_a_counter(fresh_server, http_for):
    require_tool("prometheus")
    http = http_for(fresh_server)
    token = admin_token(http)
    address = fresh_server.base_url.removeprefix("http://")
    prometheus = PrometheusServer(ScrapeTarget(address, token))
    try:
        up = prometheus.wait_for('up{job="blender-mcp"}',
                                 lambda r: r and r[0]["value"][1] == "1")
        assert up[0]["metric"]["instance"] == address
        for _ in range(3):
            assert http.login("demo", "wrong password").status == 401
        expression = ('blender_mcp_auth_failures_total'
                      '{action="login",reason="invalid_credentials"}')
        result = prometheus.wait_for(expression, lambda r: r and float(r[0]["value"][1]) >= 3)
        assert float(result[0]["value"][1]) == 3
    finally:
        prometheus.stop()


def test_the_example_alert_rules_pass_promtool():
    promtool = require_tool("promtool")
    check = subprocess.run([promtool, "check", "rules", "blender-mcp-alerts.yml"], cwd=ALERTS_DIR,
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 8 rules found" in check.stdout, check.stdout
    unit = subprocess.run([promtool, "test", "rules", "blender-mcp-alerts.test.yml"], cwd=ALERTS_DIR,
                          capture_output=True, text=True, timeout=60)
    assert unit.returncode == 0, unit.stdout + unit.stderr


def test_the_alert_rules_name_only_metrics_the_server_exposes(fresh_server, http_for):
    http = http_for(fresh_server)
    http.login("demo", "wrong password")
    dispatch_without_a_blender(fresh_server, admin_token(http))
    exposed = {name for name, _ in scrape(http, admin_token(http))}
    rules = (ALERTS_DIR / "blender-mcp-alerts.yml").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(blender_mcp_[a-z_]+)", rules))
    assert named, rules
    assert named <= exposed, named - exposed
