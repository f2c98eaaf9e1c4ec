"""External identity providers (docs/authorization.md): with --oidc-issuer, /mcp accepts the
access tokens of an OpenID provider next to its own. The provider is a real one started on
loopback over https with a test CA (oidc-provider from npm, support/oidc_provider.py), with
RS256 and ES256 keys; tokens come from its authorization-code flow (its login and consent pages
driven over HTTP) and from client_credentials (the ES256 client). Tokens it would never issue
(expired, another issuer) are signed with its own key by the test."""
from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from blackbox.wire import Mcp
from support.oidc_provider import OidcProvider, signing_keys
from support.server_process import DEMO_PASSWORD, binary_path, start_server


@pytest.fixture(scope="module")
def provider():
    made = OidcProvider()
    yield made
    made.stop()
    shutil.rmtree(made.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def server(provider):
    srv = start_server("--oidc-issuer", provider.issuer, "--oidc-roles-claim", "roles",
                       "--oauth-metadata-allow", "127.0.0.1", "--oauth-metadata-ca-file", str(provider.ca_file))
    yield srv
    srv.stop()
    shutil.rmtree(srv.data_dir, ignore_errors=True)


def _initialize(server, token: str):
    mcp = Mcp(server.base_url, token)
    try:
        return mcp.initialize_reply()
    finally:
        mcp.close()


def _tool_call(server, token: str, tool: str = "blender_list_available_clients"):
    mcp = Mcp(server.base_url, token)
    try:
        session = mcp.initialize()
        reply = session.call("tools/call", {"name": tool, "arguments": {}})
        session.delete()
        return reply
    finally:
        mcp.close()


def _profile(server, token: str):
    mcp = Mcp(server.base_url, token)
    try:
        return mcp.http.profile(token)
    finally:
        mcp.close()


def _users(server) -> str:
    done = subprocess.run([str(binary_path()), *server.store.cli_args(), "user", "list"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _assert_refused(server, token: str, detail: str):
    reply = _initialize(server, token)
    assert reply.status == 401, reply
    challenge = reply.headers["www-authenticate"]
    assert 'error="invalid_token"' in challenge and "resource_metadata=" in challenge, challenge
    assert reply.json()["detail"] == detail


def test_the_protected_resource_metadata_lists_the_provider(server, provider):
    mcp = Mcp(server.base_url, None)
    try:
        body = mcp.http.request("GET", "/.well-known/oauth-protected-resource/mcp").json()
    finally:
        mcp.close()
    assert body["authorization_servers"] == [server.base_url, provider.issuer]
    assert body["resource"] == server.mcp_url


def test_a_token_from_the_authorization_code_flow_calls_a_tool_and_creates_the_user(server, provider):
    assert "oidc-alice" not in _users(server)
    token = provider.authorization_code("rs-app", "oidc-alice", server.mcp_url)
    reply = _tool_call(server, token)
    assert reply.status == 200, reply
    assert "result" in reply.message, reply
    assert "oidc-alice" in _users(server)
    profile = _profile(server, token)
    assert profile.status == 200, profile
    assert profile.json()["username"] == "oidc-alice"
    assert profile.json()["roles"] == ["user"]


def test_an_es256_client_credentials_token_works(server, provider):
    token = provider.client_credentials("es-app", server.mcp_url)
    reply = _tool_call(server, token)
    assert reply.status == 200, reply
    assert _profile(server, token).json()["username"] == "es-app"


def test_roles_come_from_the_roles_claim(server, provider):
    token = provider.authorization_code("es-app", "oidc-root", server.mcp_url)
    assert _profile(server, token).json()["roles"] == ["admin", "user"]


def test_a_local_account_of_the_same_name_is_not_taken_over(server, provider):
    token = provider.authorization_code("rs-app", "demo", server.mcp_url)
    _assert_refused(server, token,
                    "Invalid token: the user name demo belongs to an account not created by this provider")


def test_our_own_tokens_keep_working(server):
    mcp = Mcp(server.base_url, None)
    try:
        login = mcp.http.login("demo", DEMO_PASSWORD)
    finally:
        mcp.close()
    assert login.status == 200, login
    assert _tool_call(server, login.json()["access_token"]).status == 200


def test_a_token_for_another_audience_is_refused(server, provider):
    token = provider.authorization_code("rs-app", "oidc-alice", "https://elsewhere.example/mcp")
    _assert_refused(server, token, "Invalid token: wrong audience")


def test_an_expired_token_is_refused(server, provider):
    now = int(time.time())
    token = provider.sign({"iss": provider.issuer, "aud": server.mcp_url, "sub": "oidc-alice",
                           "iat": now - 900, "exp": now - 600})
    _assert_refused(server, token, "Invalid token: token expired")


def test_a_token_of_another_issuer_is_refused(server, provider):
    now = int(time.time())
    token = provider.sign({"iss": "https://127.0.0.1:1", "aud": server.mcp_url, "sub": "oidc-alice",
                           "iat": now, "exp": now + 300}, alg="ES256")
    _assert_refused(server, token, "Invalid token: wrong issuer")


def test_a_token_signed_by_an_unknown_key_is_refused(server, provider):
    now = int(time.time())
    stranger = signing_keys()[0]
    token = provider.sign({"iss": provider.issuer, "aud": server.mcp_url, "sub": "oidc-alice",
                           "iat": now, "exp": now + 300}, key=stranger)
    _assert_refused(server, token, "Invalid token: unknown signing key")


def test_a_rotated_key_is_fetched_and_the_old_one_dropped(server, provider):
    old_token = provider.authorization_code("rs-app", "oidc-alice", server.mcp_url)
    assert _tool_call(server, old_token).status == 200
    provider.start(signing_keys())  # the provider now signs with new kids only
    time.sleep(5.5)  # the server fetches the key set at most every 5 s
    new_token = provider.authorization_code("rs-app", "oidc-alice", server.mcp_url)
    reply = _tool_call(server, new_token)
    assert reply.status == 200, reply
    _assert_refused(server, old_token, "Invalid token: unknown signing key")


@pytest.mark.parametrize("args, named", [
    (["--oidc-issuer", "http://id.example"], "--oidc-issuer: 'http://id.example' is not an https URL"),
    (["--oidc-issuer", "https://id.example", "--oidc-user-claim", ""], "--oidc-user-claim"),
    (["--oidc-audience", "x"], "need --oidc-issuer"),
])
def test_bad_settings_stop_the_server_with_a_clear_error(tmp_path, args, named):
    done = subprocess.run([str(binary_path()), "serve", "--port", "0", "--data-dir", str(tmp_path), *args],
                          capture_output=True, text=True, timeout=30, env={"ADMIN_PASSWORD": "x"})
    assert done.returncode == 2
    assert named in done.stderr, done.stderr
