"""Contract §2: rules common to every HTTP endpoint — /health, 404/405/413, Origin and Host checks."""
from __future__ import annotations

import json

import pytest

from blackbox.checks import assert_detail, assert_json
from blackbox.wire import JSON, Http, initialize_params, raw_exchange, rpc

MIB = 1024 * 1024
LIMIT = 16 * MIB
FOREIGN_ORIGINS = [
    "http://evil.example",
    "null",
    "https://evil.example:443",
    "http://localhost.evil.example",
    "http://127.0.0.1.evil.example",
    "ftp://localhost",
    "file://",
]
LOOPBACK_ORIGINS = ["http://localhost:1234", "http://127.0.0.1", "http://[::1]:9", "https://localhost",
                    "http://localhost"]


def _init_body() -> dict:
    return rpc("initialize", initialize_params())


def _request_on(http: Http, endpoint: str, token: str, headers: dict[str, str]):
    """One ordinary request to `endpoint`, the way a client would send it, with extra headers."""
    if endpoint == "login":
        return http.login("demo", "demo", headers=headers)
    if endpoint == "refresh":
        return http.refresh("x", headers=headers)
    if endpoint == "logout":
        return http.logout("x", headers=headers)
    if endpoint == "profile":
        return http.profile(token, headers=headers)
    if endpoint == "mcp":
        return http.request("POST", "/mcp", json_body=_init_body(), token=token,
                            headers={"Accept": JSON, **headers})
    if endpoint == "mcp/":
        return http.request("POST", "/mcp/", json_body=_init_body(), token=token,
                            headers={"Accept": JSON, **headers})
    raise AssertionError(endpoint)


# /health ------------------------------------------------------------------------------------------


def test_health_answers_exactly_status_buses_clients_and_version_without_authentication(http):
    body = assert_json(http.health(), 200)
    assert set(body) == {"status", "buses", "clients", "version"}
    assert body["status"] == "healthy"
    for count in ("buses", "clients"):
        assert type(body[count]) is int and body[count] >= 0, body
    assert isinstance(body["version"], str) and body["version"], body


@pytest.mark.parametrize("origin", ["http://evil.example", "null"])
def test_health_is_not_subject_to_the_origin_check(http, origin):
    assert assert_json(http.health(headers={"Origin": origin}), 200)["status"] == "healthy"


def test_health_ignores_an_invalid_bearer_token(http):
    assert assert_json(http.health(token="not-a-token"), 200)["status"] == "healthy"


def test_health_version_is_the_server_info_version(http, session):
    assert http.health().json()["version"] == session.init_result["serverInfo"]["version"]


# 404 / 405 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/nope", "/auth", "/auth/unknown", "/mcpx", "/health/x", "/mcp/extra", "/"])
def test_an_unknown_path_is_404_not_found(http, path):
    assert_detail(http.request("GET", path), 404, "Not Found")


@pytest.mark.parametrize("method,path,allowed", [
    ("GET", "/auth/login", {"POST"}),
    ("GET", "/auth/refresh", {"POST"}),
    ("GET", "/auth/logout", {"POST"}),
    ("POST", "/auth/profile", {"GET"}),
    ("DELETE", "/auth/profile", {"GET"}),
    ("POST", "/health", {"GET"}),
    ("PUT", "/mcp", {"GET", "POST", "DELETE"}),
    ("PATCH", "/mcp/", {"GET", "POST", "DELETE"}),
])
def test_a_known_path_with_a_wrong_method_is_405_with_an_allow_header(http, method, path, allowed):
    reply = http.request(method, path)
    assert_detail(reply, 405, "Method Not Allowed")
    allow = {m.strip().upper() for m in reply.headers.get("allow", "").split(",") if m.strip()}
    assert allowed <= allow, reply
    assert method not in allow, reply


def test_a_wrong_method_on_mcp_is_refused_before_the_token_is_checked(http):
    assert_detail(http.request("PUT", "/mcp"), 405, "Method Not Allowed")


# 413 ----------------------------------------------------------------------------------------------


def _chunks(total: int, size: int = MIB):
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        yield b" " * n
        sent += n


def _oversized_head(path: str, token: str, length_header: str) -> list[str]:
    return [f"POST {path} HTTP/1.1", "Content-Type: application/json", f"Authorization: Bearer {token}",
            "Accept: application/json", length_header]


@pytest.mark.parametrize("path", ["/auth/login", "/auth/refresh", "/mcp"])
def test_a_body_over_16_mib_is_refused_with_413(http, demo, path):
    reply = raw_exchange(http.base_url, _oversized_head(path, demo.access, f"Content-Length: {LIMIT + 1}"),
                         _chunks(LIMIT + 1), source=http.source)
    assert_detail(reply, 413, "Request body too large")


def test_a_chunked_body_over_16_mib_is_refused_with_413(http, demo):
    def chunked():
        for chunk in _chunks(LIMIT + MIB):
            yield b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        yield b"0\r\n\r\n"

    reply = raw_exchange(http.base_url, _oversized_head("/mcp", demo.access, "Transfer-Encoding: chunked"),
                         chunked(), source=http.source)
    assert_detail(reply, 413, "Request body too large")


def test_a_body_of_exactly_16_mib_is_not_too_large(http):
    body = json.dumps({"username": "demo", "password": "demo"}).encode()
    body += b" " * (LIMIT - len(body))
    reply = http.request("POST", "/auth/login", content=body, headers={"Content-Type": JSON})
    assert reply.status == 200, reply


# Origin -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["login", "refresh", "logout", "profile", "mcp", "mcp/"])
@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_a_request_with_a_foreign_origin_is_refused_with_403(http, demo, endpoint, origin):
    reply = _request_on(http, endpoint, demo.access, {"Origin": origin})
    assert_detail(reply, 403, "Origin not allowed")
    assert "mcp-session-id" not in reply.headers


@pytest.mark.parametrize("method,path", [("PUT", "/mcp"), ("GET", "/auth/login"), ("GET", "/nope"),
                                         ("POST", "/mcp")])
def test_the_origin_check_comes_before_method_path_and_token_checks(http, method, path):
    assert_detail(http.request(method, path, headers={"Origin": "http://evil.example"}), 403,
                  "Origin not allowed")


@pytest.mark.parametrize("origin", LOOPBACK_ORIGINS)
def test_loopback_origins_are_allowed_on_login(http, origin):
    assert http.login("demo", "demo", headers={"Origin": origin}).status == 200


@pytest.mark.parametrize("origin", LOOPBACK_ORIGINS)
def test_loopback_origins_are_allowed_on_mcp(mcp, origin):
    reply = mcp.initialize_reply(headers={"Origin": origin})
    assert reply.status == 200, reply
    assert reply.headers.get("mcp-session-id"), reply


def test_the_server_emits_no_cors_headers(http):
    reply = http.login("demo", "demo", headers={"Origin": "http://localhost:3000"})
    assert reply.status == 200, reply
    assert not [h for h in reply.headers if h.lower().startswith("access-control-")], reply


def test_allowed_origins_from_the_environment_are_matched_exactly(spawn, http_for):
    srv = spawn(env={"BLENDER_MCP_ALLOWED_ORIGINS": "https://app.example,http://tool.example:8080"})
    http = http_for(srv)
    for origin in ("https://app.example", "http://tool.example:8080", "http://localhost:5"):
        assert http.login(headers={"Origin": origin}).status == 200, origin
    for origin in ("http://app.example", "https://app.example:8443", "http://tool.example",
                   "https://app.example.evil", "null"):
        assert_detail(http.login(headers={"Origin": origin}), 403, "Origin not allowed")


def test_a_star_in_allowed_origins_allows_every_origin_except_null(spawn, http_for):
    http = http_for(spawn(env={"BLENDER_MCP_ALLOWED_ORIGINS": "*"}))
    for origin in ("http://evil.example", "https://anything.example:1"):
        assert http.login(headers={"Origin": origin}).status == 200, origin
    assert_detail(http.login(headers={"Origin": "null"}), 403, "Origin not allowed")


# Host (DNS rebinding) -----------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "localhost.evil.example:{port}"])
def test_a_foreign_host_header_on_mcp_is_refused_with_a_json_4xx(mcp, server, host):
    port = server.base_url.rsplit(":", 1)[1]
    reply = mcp.initialize_reply(headers={"Host": host.format(port=port)})
    assert 400 <= reply.status < 500, reply
    body = assert_json(reply, reply.status)
    assert isinstance(body.get("detail"), str) and body["detail"], reply
    assert "mcp-session-id" not in reply.headers, reply


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "localhost"])
def test_loopback_host_headers_are_accepted_on_mcp(mcp, server, host):
    port = server.base_url.rsplit(":", 1)[1]
    reply = mcp.initialize_reply(headers={"Host": host.format(port=port)})
    assert reply.status == 200, reply
    assert reply.headers.get("mcp-session-id"), reply


def test_a_foreign_host_header_changes_no_state(mcp, server, session):
    port = server.base_url.rsplit(":", 1)[1]
    reply = session.call("ping", headers={"Host": f"evil.example:{port}"})
    assert 400 <= reply.status < 500, reply
    assert session.call("ping").status == 200


# robustness of the listener -----------------------------------------------------------------------


def test_request_headers_over_16_kib_are_refused_with_a_4xx_and_the_server_keeps_serving(http):
    reply = raw_exchange(http.base_url, ["GET /health HTTP/1.1", "X-Padding: " + "a" * (20 * 1024)], [],
                         source=http.source)
    assert 400 <= reply.status < 500, reply
    assert http.health().status == 200


@pytest.mark.parametrize("request_line", ["GARBAGE", "GET", "GET /health HTTP/9.9", "\x00\x01\x02 / HTTP/1.1"])
def test_a_malformed_request_line_is_refused_with_a_4xx_or_closed_and_the_server_keeps_serving(http, request_line):
    try:
        reply = raw_exchange(http.base_url, [request_line], [], source=http.source, timeout=10)
        assert 400 <= reply.status < 600, reply
    except AssertionError as exc:
        assert "no HTTP response" in str(exc)  # closing the connection is an acceptable answer too
    assert http.health().status == 200
