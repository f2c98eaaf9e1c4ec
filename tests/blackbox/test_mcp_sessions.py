"""Contract §4.2, §4.3, §4.6, §4.8: MCP sessions, version negotiation and session end."""
from __future__ import annotations

import secrets

import pytest

from blackbox.checks import (MISSING_SESSION_BODY, SESSION_ID, SESSION_NOT_FOUND_BODY, assert_detail, assert_json,
                             assert_rpc_http_error)
from blackbox.wire import (JSON, LATEST_VERSION, SSE, SUPPORTED_VERSIONS, Http, initialize_params, login_ok, rpc,
                           wait_until)
from support.server_process import ADMIN_PASSWORD

SESSION_LIMIT = 64
INSTRUCTIONS = ("Use the blender_* dispatch tools to work with a connected Blender; call a status probe before "
                "asset tools.")


def _assert_session_not_found(reply) -> None:
    assert assert_json(reply, 404) == SESSION_NOT_FOUND_BODY, reply


def _send(mcp, verb: str, session_id: str | None):
    """The same MCP session check through each of the three verbs of /mcp."""
    if verb == "POST":
        return mcp.post(rpc("ping"), session=session_id)
    if verb == "GET":
        return mcp.get(session=session_id, accept=SSE)
    return mcp.delete(session_id)


# creation -----------------------------------------------------------------------------------------


def test_initialize_creates_a_session_with_a_32_lowercase_hex_id(mcp):
    reply = mcp.initialize_reply()
    assert reply.status == 200, reply
    assert SESSION_ID.match(reply.headers.get("mcp-session-id", "")), reply


def test_each_initialize_creates_a_distinct_session(mcp):
    ids = {mcp.initialize_reply().headers.get("mcp-session-id") for _ in range(3)}
    assert len(ids) == 3 and None not in ids


# The server foundation adds resources/subscribe and completion/complete to the contract's
# capabilities (docs/architecture.md, "Deviations from the contract").
def test_the_initialize_result_is_exactly_the_contract_result(mcp, http):
    reply = mcp.initialize_reply()
    assert reply.message["id"] is not None and reply.message["jsonrpc"] == "2.0"
    assert reply.result == {
        "protocolVersion": LATEST_VERSION,
        "capabilities": {"logging": {}, "completions": {}, "tools": {"listChanged": False},
                         "resources": {"subscribe": True, "listChanged": False},
                         "prompts": {"listChanged": False}},
        "serverInfo": {"name": "BlenderMCP", "version": http.health().json()["version"]},
        "instructions": INSTRUCTIONS,
    }


def test_an_initialize_carrying_a_session_id_is_400_invalid_request(mcp, session):
    reply = mcp.initialize_reply(session=session.id)
    assert_rpc_http_error(reply, 400, -32600, "Bad Request: initialize must not carry Mcp-Session-Id")
    assert session.call("ping").status == 200


def test_the_session_works_after_initialized_notification(session):
    assert session.result("ping") == {}


# version negotiation ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_initialize_echoes_each_supported_protocol_version(mcp, version):
    assert mcp.initialize_reply(version).result["protocolVersion"] == version


@pytest.mark.parametrize("version", ["2024-11-05", "1999-01-01", "2099-12-31", "latest"])
def test_initialize_answers_an_unsupported_version_with_the_latest(mcp, version):
    assert mcp.initialize_reply(version).result["protocolVersion"] == LATEST_VERSION


@pytest.mark.parametrize("value", ["2024-11-05", "banana", "2025-11-26"])
def test_an_unsupported_protocol_version_header_is_400(session, value):
    reply = session.call("ping", headers={"MCP-Protocol-Version": value})
    assert_rpc_http_error(reply, 400, -32000, f"Bad Request: Unsupported protocol version: {value}")


@pytest.mark.parametrize("value", SUPPORTED_VERSIONS)
def test_a_supported_protocol_version_header_is_tolerated_even_if_not_negotiated(mcp, value):
    session = mcp.initialize("2025-06-18")
    assert session.call("ping", headers={"MCP-Protocol-Version": value}).status == 200


# the session header -------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["POST", "GET", "DELETE"])
def test_a_request_without_a_session_id_is_400_with_the_exact_body(mcp, verb):
    reply = _send(mcp, verb, None)
    assert assert_json(reply, 400) == MISSING_SESSION_BODY, reply


@pytest.mark.parametrize("verb", ["POST", "GET", "DELETE"])
@pytest.mark.parametrize("session_id", [secrets.token_hex(16), "not-a-session", "0" * 32])
def test_an_unknown_session_id_is_404_session_not_found(mcp, verb, session_id):
    _assert_session_not_found(_send(mcp, verb, session_id))


@pytest.mark.parametrize("verb", ["POST", "GET", "DELETE"])
def test_a_session_of_another_user_is_404_session_not_found(server, http, new_user, mcp_for, session, verb):
    bob = mcp_for(server, login_ok(http, *new_user(server)).access)
    _assert_session_not_found(_send(bob, verb, session.id))
    assert session.call("ping").status == 200


def test_an_mcp_session_outlives_its_access_token(server, http, new_user, mcp_for):
    tokens = login_ok(http, *new_user(server))
    session = mcp_for(server, tokens.access).initialize()
    renewed = assert_json(http.refresh(tokens.refresh), 200)["access_token"]
    reply = mcp_for(server, renewed).post(rpc("ping"), session=session.id)
    assert reply.status == 200, reply


# /mcp and /mcp/ -----------------------------------------------------------------------------------


def test_mcp_with_a_trailing_slash_is_the_same_endpoint_without_redirect(server, demo, mcp_for):
    plain, slash = mcp_for(server, demo.access), mcp_for(server, demo.access, path="/mcp/")
    reply = slash.initialize_reply()
    assert reply.status == 200, reply
    sid = reply.headers["mcp-session-id"]
    assert plain.post(rpc("ping"), session=sid).status == 200
    other = plain.initialize()
    assert slash.post(rpc("ping"), session=other.id).status == 200
    assert slash.delete(sid).status == 200
    _assert_session_not_found(plain.post(rpc("ping"), session=sid))


def test_mcp_without_a_trailing_slash_does_not_redirect(mcp):
    reply = mcp.initialize_reply()
    assert reply.status == 200 and "location" not in reply.headers, reply


# ending sessions ----------------------------------------------------------------------------------


def test_delete_ends_the_session_and_its_id_is_404_afterwards(mcp):
    session = mcp.initialize()
    reply = session.delete()
    assert reply.status == 200 and reply.body == b"", reply
    _assert_session_not_found(session.call("ping"))
    _assert_session_not_found(session.delete())


def test_a_session_limit_of_64_per_user_then_429(fresh_server, http_for, mcp_for):
    http = http_for(fresh_server)
    mcp = mcp_for(fresh_server, login_ok(http).access)
    ids = []
    for _ in range(SESSION_LIMIT):
        reply = mcp.initialize_reply()
        assert reply.status == 200, reply
        ids.append(reply.headers["mcp-session-id"])
    refused = mcp.initialize_reply()
    assert_detail(refused, 429, "Too many MCP sessions")
    assert "mcp-session-id" not in refused.headers
    admin = mcp_for(fresh_server, login_ok(http, "admin", ADMIN_PASSWORD).access)
    assert admin.initialize_reply().status == 200, "another user's limit is separate"
    assert mcp.delete(ids[0]).status == 200
    assert mcp.initialize_reply().status == 200
    assert_detail(mcp.initialize_reply(), 429, "Too many MCP sessions")


def test_rejected_initializes_create_no_session(fresh_server, http_for, mcp_for):
    http = http_for(fresh_server)
    mcp = mcp_for(fresh_server, login_ok(http).access)
    for _ in range(SESSION_LIMIT - 1):
        assert mcp.initialize_reply().status == 200
    init = rpc("initialize", initialize_params())
    rejected = [
        mcp.post(init, content_type="text/plain"),
        mcp.post(raw='{"jsonrpc":"2.0","id":1,"method":"initialize",'),
        mcp.post([init]),
        mcp.post(init, token=None),
        mcp.post(init, token="garbage"),
        mcp.post(init, headers={"Origin": "http://evil.example"}),
        mcp.post({"jsonrpc": "2.0", "method": "initialize", "params": initialize_params()}),
    ]
    for reply in rejected:
        assert reply.status in (202, 400, 401, 403, 415), reply
        assert "mcp-session-id" not in reply.headers, reply
    assert mcp.initialize_reply().status == 200
    assert_detail(mcp.initialize_reply(), 429, "Too many MCP sessions")


def _fill_sessions(mcp, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        reply = mcp.initialize_reply()
        if reply.status == 200:
            ids.append(reply.headers["mcp-session-id"])
    return ids


def test_an_idle_session_expires_after_the_idle_time(spawn, http_for, mcp_for):
    srv = spawn(env={"BLENDER_MCP_SESSION_IDLE_SECONDS": "1"})
    mcp = mcp_for(srv, login_ok(http_for(srv)).access)
    first = _fill_sessions(mcp, SESSION_LIMIT)[0]
    # A new session is admitted only once an older one has expired; the oldest expires first.
    assert wait_until(lambda: mcp.initialize_reply().status == 200, timeout=10, interval=0.2)
    _assert_session_not_found(mcp.post(rpc("ping"), session=first))


def test_an_open_standalone_stream_keeps_an_idle_session_alive(spawn, http_for, mcp_for):
    srv = spawn(env={"BLENDER_MCP_SESSION_IDLE_SECONDS": "1"})
    mcp = mcp_for(srv, login_ok(http_for(srv)).access)
    kept = mcp.initialize()
    stream = kept.stream()
    try:
        assert stream.status == 200
        _fill_sessions(mcp, SESSION_LIMIT - 1)
        assert wait_until(lambda: mcp.initialize_reply().status == 200, timeout=15, interval=0.2)
        assert kept.call("ping").status == 200
    finally:
        stream.close()


def test_a_server_restart_loses_sessions_but_keeps_tokens(spawn, http_for, mcp_for):
    # The same public URL (the tokens' audience) although --port 0 picks another port.
    public_url = ("--public-url", "https://blender-mcp.restart.test")
    first = spawn(*public_url)
    tokens = login_ok(http_for(first))
    session = mcp_for(first, tokens.access).initialize()
    first.stop()
    second = spawn(*public_url, data_dir=first.data_dir)
    mcp = mcp_for(second, tokens.access)
    _assert_session_not_found(mcp.post(rpc("ping"), session=session.id))
    assert mcp.initialize().result("ping") == {}


def test_ending_a_session_removes_its_ephemeral_clients_from_health(fresh_server, http_for, mcp_for):
    http: Http = http_for(fresh_server)
    session = mcp_for(fresh_server, login_ok(http).access).initialize()
    registered = session.tool("blender_register_client", {"client_uuid": "llm-blackbox-1", "client_type": "llm"})
    assert registered["isError"] is False, registered
    assert {k: http.health().json()[k] for k in ("buses", "clients")} == {"buses": 1, "clients": 1}
    assert session.delete().status == 200
    assert wait_until(lambda: http.health().json()["clients"] == 0, timeout=10)
    assert http.health().json()["buses"] == 0


def test_post_with_accept_json_only_is_enough_for_initialize(mcp):
    reply = mcp.initialize_reply(accept=JSON)
    assert reply.status == 200 and reply.content_type == JSON, reply
