"""The OAuth 2.1 authorization server (docs/authorization.md), against the real binary on both
stores: discovery, registration, the login and consent pages, tokens, and each attack refused."""
from __future__ import annotations

import subprocess
import time

import httpx
import pytest

from blackbox.oauth_flow import REDIRECT_URI, OAuthHost, hidden_fields, new_verifier, redirect_params
from blackbox.processes import user_cli
from blackbox.tokens import access_claims, decode, make_jwt, read_key, uid_of
from blackbox.wire import Http, Mcp, login_ok, rpc
from support.server_process import STORE_KINDS, binary_path

pytestmark = pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True, scope="session")

METADATA_FIELDS = {
    "issuer", "authorization_endpoint", "token_endpoint", "registration_endpoint", "revocation_endpoint",
    "code_challenge_methods_supported", "token_endpoint_auth_methods_supported",
    "client_id_metadata_document_supported", "authorization_response_iss_parameter_supported",
    "scopes_supported"}


@pytest.fixture
def host(server):
    made = OAuthHost(server.base_url)
    yield made
    made.close()


def _mcp_tool_call(server, token: str, tool: str):
    mcp = Mcp(server.base_url, token)
    try:
        session = mcp.initialize()
        reply = session.call("tools/call", {"name": tool, "arguments": {}})
        session.delete()
        return reply
    finally:
        mcp.close()


# discovery -----------------------------------------------------------------------------------


def test_every_401_from_mcp_points_at_the_resource_metadata(server):
    mcp = Mcp(server.base_url, None)
    try:
        missing = mcp.post(rpc("initialize", {}))
        bad = mcp.post(rpc("initialize", {}), token="not-a-token")
    finally:
        mcp.close()
    metadata_url = f"{server.base_url}/.well-known/oauth-protected-resource/mcp"
    assert missing.status == 401
    assert missing.headers["www-authenticate"] == f'Bearer resource_metadata="{metadata_url}", scope="blender"'
    assert bad.status == 401
    assert bad.headers["www-authenticate"] == ('Bearer error="invalid_token", error_description="Invalid token: '
                                               f'malformed token", resource_metadata="{metadata_url}"')


@pytest.mark.parametrize("path", ["/.well-known/oauth-protected-resource/mcp",
                                  "/.well-known/oauth-protected-resource"])
def test_protected_resource_metadata_names_the_mcp_url_and_this_server(server, host, path):
    reply = host.http.get(server.base_url + path)
    assert reply.status_code == 200
    body = reply.json()
    assert body["resource"] == server.mcp_url
    assert body["authorization_servers"] == [server.base_url]
    assert body["scopes_supported"] == ["blender", "blender:admin"]


@pytest.mark.parametrize("path", ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"])
def test_authorization_server_metadata_has_the_exact_fields(server, host, path):
    body = host.http.get(server.base_url + path).json()
    assert METADATA_FIELDS <= set(body)
    assert body["issuer"] == server.base_url
    for name, suffix in [("authorization_endpoint", "/authorize"), ("token_endpoint", "/token"),
                         ("registration_endpoint", "/register"), ("revocation_endpoint", "/revoke")]:
        assert body[name] == server.base_url + suffix
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert "none" in body["token_endpoint_auth_methods_supported"]
    assert body["authorization_response_iss_parameter_supported"] is True
    # Client ID Metadata Documents are accepted (test_oauth_client_documents.py).
    assert body["client_id_metadata_document_supported"] is True


def test_the_public_url_names_issuer_resource_and_audience(spawn):
    srv = spawn("--public-url", "https://blender.example.com/")
    with httpx.Client() as http:
        resource = http.get(srv.base_url + "/.well-known/oauth-protected-resource").json()
        server_meta = http.get(srv.base_url + "/.well-known/oauth-authorization-server").json()
        # The form posts of /authorize come from the public origin: it is allowed.
        allowed = http.post(srv.base_url + "/authorize", headers={"Origin": "https://blender.example.com"})
    assert resource["resource"] == "https://blender.example.com/mcp"
    assert server_meta["issuer"] == "https://blender.example.com"
    assert server_meta["token_endpoint"] == "https://blender.example.com/token"
    assert allowed.status_code != 403
    tokens = login_ok(Http(srv.base_url))
    assert decode(tokens.access)[1]["aud"] == "https://blender.example.com/mcp"
    assert _mcp_tool_call(srv, tokens.access, "blender_list_clients").status == 200


@pytest.mark.parametrize("value", ["blender.example.com", "ftp://blender.example.com", "https://host/mcp",
                                   "https://user@host", "https://host:99999"])
def test_a_bad_public_url_stops_the_server_with_a_clear_error(store_kind, value, tmp_path):
    done = subprocess.run([str(binary_path()), "serve", "--port", "0", "--data-dir", str(tmp_path),
                           "--public-url", value], capture_output=True, text=True, timeout=30,
                          env={"ADMIN_PASSWORD": "x"})
    assert done.returncode != 0
    assert "--public-url" in done.stderr and value in done.stderr, done.stderr


def test_the_login_tokens_carry_the_audience_and_work_on_mcp(server, host, demo):
    assert decode(demo.access)[1]["aud"] == server.mcp_url
    assert _mcp_tool_call(server, demo.access, "blender_list_clients").status == 200


# registration --------------------------------------------------------------------------------


def test_registration_returns_a_public_client(server, host):
    reply = host.http.post(server.base_url + "/register", json={
        "client_name": "Cursor", "redirect_uris": ["http://127.0.0.1:5000/cb"],
        "token_endpoint_auth_method": "client_secret_post"})
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["client_id"] and "client_secret" not in body
    assert body["token_endpoint_auth_method"] == "none"
    assert body["redirect_uris"] == ["http://127.0.0.1:5000/cb"]


@pytest.mark.parametrize("metadata, error", [
    ({}, "invalid_redirect_uri"),
    ({"redirect_uris": ["http://evil.example/cb"]}, "invalid_redirect_uri"),
    ({"redirect_uris": ["https://ok.example/cb#x"]}, "invalid_redirect_uri"),
    ({"redirect_uris": ["https://ok.example/cb"], "grant_types": ["password"]}, "invalid_client_metadata"),
    ({"redirect_uris": ["https://ok.example/cb"], "client_name": 3}, "invalid_client_metadata"),
])
def test_bad_client_metadata_is_refused(server, host, metadata, error):
    reply = host.http.post(server.base_url + "/register", json=metadata)
    assert reply.status_code == 400
    assert reply.json()["error"] == error
    assert reply.json()["error_description"]


def test_registrations_are_bounded_per_client_address(server, host):
    for _ in range(20):
        host.register()
    reply = host.http.post(server.base_url + "/register", json={"redirect_uris": [REDIRECT_URI]})
    assert reply.status_code == 429
    assert reply.headers["retry-after"]
    other = OAuthHost(server.base_url)
    try:
        other.register()
    finally:
        other.close()


# the flow ------------------------------------------------------------------------------------


def test_the_whole_flow_gives_a_token_for_mcp(server, host):
    client = host.register()
    verifier = new_verifier()
    got = host.authorize(client, verifier)
    assert got["iss"] == server.base_url
    reply = host.exchange(client, got["code"], verifier)
    assert reply.status_code == 200, reply.text
    assert reply.headers["cache-control"] == "no-store"
    body = reply.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "blender"
    claims = decode(body["access_token"])[1]
    assert claims["aud"] == server.mcp_url and claims["client_id"] == client.client_id
    assert _mcp_tool_call(server, body["access_token"], "blender_list_clients").status == 200


def test_a_signed_in_browser_skips_the_password(server, host):
    client = host.register()
    host.tokens(client)
    page = host.open_authorize(host.authorize_params(client, new_verifier()))
    assert page.status_code == 200
    assert 'name="password"' not in page.text and 'value="allow"' in page.text


def test_the_pages_are_locked_down(server, host):
    client = host.register()
    page = host.open_authorize(host.authorize_params(client, new_verifier()))
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    # Not no-referrer: browsers would post the forms with "Origin: null" (test_oauth_browser.py).
    assert page.headers["referrer-policy"] == "same-origin"
    cookies = page.headers.get_list("set-cookie")
    assert cookies and all("HttpOnly" in c and "SameSite=Strict" in c for c in cookies)
    assert "<script" not in page.text


def test_admin_tools_need_the_admin_scope(server, host):
    client = host.register()
    plain = host.tokens(client, "admin", "admin-password-for-tests", scope="blender")
    refused = _mcp_tool_call(server, plain["access_token"], "blender_install_addon")
    assert refused.status == 403
    assert 'error="insufficient_scope"' in refused.headers["www-authenticate"]
    assert 'scope="blender:admin"' in refused.headers["www-authenticate"]
    admin_host = OAuthHost(server.base_url)
    try:
        admin = admin_host.tokens(admin_host.register(), "admin", "admin-password-for-tests",
                                  scope="blender blender:admin")
    finally:
        admin_host.close()
    assert admin["scope"] == "blender blender:admin"
    assert _mcp_tool_call(server, admin["access_token"], "blender_find_blender").status == 200


def test_a_user_without_the_admin_role_is_not_granted_the_admin_scope(server, host):
    tokens = host.tokens(host.register(), scope="blender blender:admin")
    assert tokens["scope"] == "blender"


def test_refresh_rotates_and_revocation_ends_the_grant(server, host):
    client = host.register()
    first = host.tokens(client)
    rotated = host.refresh(client, first["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert host.revoke(client, second["refresh_token"]).status_code == 200
    after = host.refresh(client, second["refresh_token"])
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"
    # Unknown tokens are answered 200 too (RFC 7009).
    assert host.revoke(client, "unknown").status_code == 200


def test_a_password_change_ends_the_grants_of_the_user(server, host, new_user):
    username, password = new_user(server)
    client = host.register()
    tokens = host.tokens(client, username, password)
    done = user_cli(server.store, "passwd", username, "--password-stdin", stdin_text="another-password-1\n")
    assert done.returncode == 0, done.stderr
    after = host.refresh(client, tokens["refresh_token"])
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"


# attacks -------------------------------------------------------------------------------------


def test_a_wrong_pkce_verifier_is_refused_and_spends_the_code(server, host):
    client = host.register()
    verifier = new_verifier()
    code = host.authorize(client, verifier)["code"]
    wrong = host.exchange(client, code, new_verifier())
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    late = host.exchange(client, code, verifier)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_a_missing_pkce_verifier_or_challenge_is_refused(server, host):
    client = host.register()
    verifier = new_verifier()
    code = host.authorize(client, verifier)["code"]
    reply = host.token(grant_type="authorization_code", code=code, redirect_uri=client.redirect_uri,
                       client_id=client.client_id)
    assert reply.status_code == 400 and reply.json()["error"] == "invalid_request"
    no_challenge = host.open_authorize(host.authorize_params(client, verifier, code_challenge=None))
    assert no_challenge.status_code == 303
    assert redirect_params(no_challenge.headers["location"])["error"] == "invalid_request"
    plain = host.open_authorize(host.authorize_params(client, verifier, code_challenge_method="plain"))
    assert redirect_params(plain.headers["location"])["error"] == "invalid_request"


def test_a_reused_code_is_refused_and_revokes_what_it_gave(server, host):
    client = host.register()
    verifier = new_verifier()
    code = host.authorize(client, verifier)["code"]
    first = host.exchange(client, code, verifier)
    assert first.status_code == 200
    again = host.exchange(client, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    refreshed = host.refresh(client, first.json()["refresh_token"])
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"


def test_a_code_for_another_client_is_refused(server, host):
    mine, theirs = host.register("Mine"), host.register("Theirs")
    verifier = new_verifier()
    code = host.authorize(mine, verifier)["code"]
    reply = host.token(grant_type="authorization_code", code=code, redirect_uri=mine.redirect_uri,
                       client_id=theirs.client_id, code_verifier=verifier)
    assert reply.status_code == 400 and reply.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("redirect_uri", [
    "http://127.0.0.1:43210/other",
    "https://evil.example/callback",
    "http://127.0.0.1.evil.example/callback",
    "http://127.0.0.1:43210@evil.example/callback",
    "//evil.example/callback",
    "javascript:alert(1)",
])
def test_unregistered_and_open_redirects_get_a_page_not_a_redirect(server, host, redirect_uri):
    client = host.register()
    page = host.open_authorize(host.authorize_params(client, new_verifier(), redirect_uri=redirect_uri))
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "evil" not in page.text


def test_a_loopback_redirect_on_another_port_is_accepted(server, host):
    client = host.register()
    params = host.authorize_params(client, new_verifier(), redirect_uri="http://127.0.0.1:50000/callback")
    page = host.open_authorize(params)
    assert page.status_code == 200


@pytest.mark.parametrize("resource", [None, "https://other.example/mcp", "REPLACE/other"])
def test_a_foreign_or_missing_resource_is_refused(server, host, resource):
    client = host.register()
    value = server.base_url + "/other" if resource == "REPLACE/other" else resource
    page = host.open_authorize(host.authorize_params(client, new_verifier(), resource=value))
    assert page.status_code == 303
    params = redirect_params(page.headers["location"])
    assert params["error"] == "invalid_target" and params["iss"] == server.base_url


def test_a_token_for_another_audience_is_refused_on_mcp(server, demo):
    key = read_key(server.store)
    claims = access_claims("demo", uid=uid_of(demo.access), aud="https://other.example/mcp")
    reply = _mcp_init(server, make_jwt(claims, key))
    assert reply.status == 401
    assert reply.json()["detail"] == "Invalid token: wrong audience"
    assert 'error="invalid_token", error_description="Invalid token: wrong audience"' \
        in reply.headers["www-authenticate"]


def test_a_token_without_an_audience_is_refused_on_mcp(server, demo):
    """Signed with the server's key and right in every other claim (the login token's own claims),
    but without `aud`: refused as clearly as a foreign audience (docs/authorization.md)."""
    claims = decode(demo.access)[1]
    del claims["aud"]
    reply = _mcp_init(server, make_jwt(claims, read_key(server.store)))
    assert reply.status == 401
    assert reply.json()["detail"] == "Invalid token: missing audience"
    metadata_url = f"{server.base_url}/.well-known/oauth-protected-resource/mcp"
    assert reply.headers["www-authenticate"] == ('Bearer error="invalid_token", error_description="Invalid token: '
                                                 f'missing audience", resource_metadata="{metadata_url}"')


def _mcp_init(server, token):
    mcp = Mcp(server.base_url, token)
    try:
        return mcp.post(rpc("initialize", {}))
    finally:
        mcp.close()


def test_refresh_replay_after_the_grace_window_revokes_the_family(spawn):
    srv = spawn(env={"BLENDER_MCP_OAUTH_REFRESH_GRACE_SECONDS": "1"})
    host = OAuthHost(srv.base_url)
    try:
        client = host.register()
        first = host.tokens(client)
        rotated = host.refresh(client, first["refresh_token"]).json()
        # Within the window the old token works once more (hosts refreshing from two places).
        assert host.refresh(client, first["refresh_token"]).status_code == 200
        time.sleep(2.2)
        replay = host.refresh(client, first["refresh_token"])
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
        # The whole family is dead, the newest token included.
        newest = host.refresh(client, rotated["refresh_token"])
        assert newest.status_code == 400 and newest.json()["error"] == "invalid_grant"
    finally:
        host.close()


def test_a_consent_without_the_csrf_token_is_refused(server, host):
    client = host.register()
    params = host.authorize_params(client, new_verifier())
    page = host.login(host.open_authorize(params), "demo", "demo")
    assert 'value="allow"' in page.text
    for token in (None, "forged", hidden_fields(page.text)["csrf_token"] + "x"):
        fields = dict(params, action="allow")
        if token is not None:
            fields["csrf_token"] = token
        reply = host.post_form(fields)
        assert reply.status_code == 403, reply.text
        assert "location" not in reply.headers


def test_a_csrf_token_from_another_browser_is_refused(server, host):
    client = host.register()
    attacker = OAuthHost(server.base_url)
    try:
        stolen = hidden_fields(attacker.open_authorize(attacker.authorize_params(client, new_verifier())).text)
    finally:
        attacker.close()
    params = host.authorize_params(client, new_verifier())
    host.login(host.open_authorize(params), "demo", "demo")
    reply = host.post_form(dict(params, action="allow", csrf_token=stolen["csrf_token"]))
    assert reply.status_code == 403 and "location" not in reply.headers


def test_a_script_in_the_client_name_is_shown_escaped(server, host):
    client = host.register(name='<script>alert("x")</script>')
    page = host.open_authorize(host.authorize_params(client, new_verifier()))
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    consent = host.login(page, "demo", "demo")
    assert "<script>alert" not in consent.text and "&lt;script&gt;" in consent.text


def test_brute_force_on_the_login_page_is_rate_limited(server, host, new_user):
    username, password = new_user(server)
    client = host.register()
    params = host.authorize_params(client, new_verifier())
    for attempt in range(5):
        wrong = host.login(host.open_authorize(params), username, f"wrong-{attempt}")
        assert wrong.status_code == 401
    limited = host.login(host.open_authorize(params), username, password)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert "Too many failed sign-in attempts" in limited.text


def test_a_code_is_short_lived_and_the_grant_needs_its_client(server, host):
    client = host.register()
    first = host.tokens(client)
    other = host.register("Other")
    stolen = host.refresh(other, first["refresh_token"])
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    # The rightful client still holds a working grant.
    assert host.refresh(client, first["refresh_token"]).status_code == 200


# CORS ----------------------------------------------------------------------------------------


def test_browser_hosts_get_cors_on_the_oauth_and_mcp_endpoints(server, host):
    origin = "http://localhost:6274"
    preflight = host.http.options(server.base_url + "/token", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == origin
    mcp = host.http.post(server.mcp_url, headers={"Origin": origin, "Content-Type": "application/json"},
                         content="{}")
    assert mcp.status_code == 401
    assert mcp.headers["access-control-allow-origin"] == origin
    exposed = mcp.headers["access-control-expose-headers"]
    assert "WWW-Authenticate" in exposed and "Mcp-Session-Id" in exposed
    metadata = host.http.get(server.base_url + "/.well-known/oauth-authorization-server",
                             headers={"Origin": "https://inspector.example"})
    assert metadata.status_code == 200 and metadata.headers["access-control-allow-origin"] == "*"
    foreign = host.http.post(server.base_url + "/token", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "access-control-allow-origin" not in foreign.headers
