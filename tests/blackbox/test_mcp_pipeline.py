"""Contract §4.1: every /mcp request passes its checks in a fixed order — (1) Origin 403,
(2) method 405, (3) bearer token 401, (4) MCP session and protocol-version headers 400/404,
(5) content negotiation and body 406/415/400. A request that fails two checks gets the earlier one."""
from __future__ import annotations

import pytest

from blackbox.checks import SESSION_NOT_FOUND_BODY, assert_detail, assert_json, assert_rpc_http_error
from blackbox.wire import JSON, rpc

UNKNOWN = "e" * 32
EVIL = {"Origin": "http://evil.example"}


def test_origin_comes_before_the_token(mcp):
    assert_detail(mcp.post(rpc("ping"), token=None, headers=EVIL), 403, "Origin not allowed")


def test_the_method_comes_before_the_token(mcp):
    reply = mcp.http.request("PUT", "/mcp", headers={"Content-Type": "text/plain"})
    assert_detail(reply, 405, "Method Not Allowed")


def test_the_token_comes_before_the_session_header(mcp):
    assert_detail(mcp.post(rpc("ping"), token="garbage"), 401, "Invalid token: malformed token")
    assert_detail(mcp.post(rpc("ping"), token=None, session=UNKNOWN), 401, "Bearer token required")


def test_the_token_comes_before_the_content_type(mcp):
    assert_detail(mcp.post(rpc("ping"), token=None, content_type="text/plain"), 401, "Bearer token required")


def test_an_unknown_session_comes_before_the_content_type(mcp):
    reply = mcp.post(rpc("ping"), session=UNKNOWN, content_type="text/plain")
    assert assert_json(reply, 404) == SESSION_NOT_FOUND_BODY, reply


def test_an_unknown_session_comes_before_a_malformed_body(mcp):
    reply = mcp.post(raw="{not json", session=UNKNOWN)
    assert assert_json(reply, 404) == SESSION_NOT_FOUND_BODY, reply


def test_an_unknown_session_comes_before_the_sse_accept_check_on_get(mcp):
    reply = mcp.get(session=UNKNOWN, accept=JSON)
    assert assert_json(reply, 404) == SESSION_NOT_FOUND_BODY, reply


def test_an_unsupported_protocol_version_header_comes_before_the_content_type(session):
    reply = session.call("ping", content_type="text/plain", headers={"MCP-Protocol-Version": "1999-01-01"})
    assert_rpc_http_error(reply, 400, -32000, "Bad Request: Unsupported protocol version: 1999-01-01")


@pytest.mark.parametrize("verb", ["GET", "DELETE"])
def test_an_unsupported_protocol_version_header_is_refused_on_every_verb(session, verb):
    headers = {"MCP-Protocol-Version": "1999-01-01"}
    if verb == "GET":
        reply = session.mcp.get(session=session.id, headers=headers)
    else:
        reply = session.mcp.delete(session.id, headers=headers)
    assert_rpc_http_error(reply, 400, -32000, "Bad Request: Unsupported protocol version: 1999-01-01")
    assert session.result("ping") == {}
