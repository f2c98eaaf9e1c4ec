"""The official TypeScript SDK client's OAuth support (tests/node/sdk_oauth_client.mjs) connects
to /mcp given only the URL: discovery, registration, the sign-in and consent pages, code
exchange, a tool call, a refresh when its access token stops working, and revocation of the
refresh token at the metadata's revocation endpoint (RFC 7009), after which the refresh token
is invalid_grant while the grant's access token lives out its lifetime (docs/authorization.md).
Once with Dynamic Client Registration, once with a client metadata document (served by the test
over https on loopback with a test CA)."""
from __future__ import annotations

import os

import pytest

from interop.common import NODE22, NODE_DIR, SIMPLE_TEXT, require, run_json
from support.server_process import DEMO_PASSWORD

CALLBACK = "http://127.0.0.1:47124/callback"  # the one of sdk_oauth_client.mjs


def test_typescript_sdk_oauth_client_connects_with_the_url_alone(server):
    env = dict(os.environ, BMCP_USERNAME="demo", BMCP_PASSWORD=DEMO_PASSWORD)
    rc, report, detail = run_json([str(require(NODE22)), str(NODE_DIR / "sdk_oauth_client.mjs"), server.mcp_url],
                                  env=env, cwd=NODE_DIR)
    assert rc == 0 and report and "error" not in report, detail

    assert report["authorizations"] == 1
    assert report["client_id"]
    assert report["iss"] == server.base_url
    assert report["scope"] == "blender"
    assert report["first_call"] == [SIMPLE_TEXT]
    # The unusable access token was answered 401; the SDK refreshed and went on.
    assert report["second_call"] == [SIMPLE_TEXT]
    assert report["refreshed"]
    _assert_revoked(report, server)


def _assert_revoked(report: dict, server) -> None:
    """The refresh token, revoked at the endpoint the metadata names, no longer refreshes; the
    access token of its grant still works (access tokens are not revocable)."""
    assert report["revocation_endpoint"] == f"{server.base_url}/revoke"
    assert report["revoke_status"] == 200
    assert report["refresh_after_revoke"] == {"status": 400, "error": "invalid_grant"}
    assert report["sdk_refresh_after_revoke"] == "invalid_grant"
    assert report["call_after_revoke"] == [SIMPLE_TEXT]
    assert report["tokens_saved_after_revoke"] == 0
    assert report["authorizations"] == 1


def test_typescript_sdk_oauth_client_connects_with_a_client_metadata_document(document_server, documents):
    url = documents.serve_client("/ts/client.json", [CALLBACK], client_name="TS SDK document host")
    env = dict(os.environ, BMCP_USERNAME="demo", BMCP_PASSWORD=DEMO_PASSWORD, BMCP_CLIENT_METADATA_URL=url)
    rc, report, detail = run_json([str(require(NODE22)), str(NODE_DIR / "sdk_oauth_client.mjs"),
                                   document_server.mcp_url], env=env, cwd=NODE_DIR)
    assert rc == 0 and report and "error" not in report, detail

    assert report["client_id"] == url  # no registration: the document's URL is the client_id
    assert "/ts/client.json" in documents.requests
    assert report["iss"] == document_server.base_url
    assert report["first_call"] == [SIMPLE_TEXT]
    assert report["second_call"] == [SIMPLE_TEXT]
    assert report["refreshed"]
    _assert_revoked(report, document_server)
