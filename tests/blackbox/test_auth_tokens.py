"""Contract §2.2–2.4 and §3.3–3.4: refresh, logout, profile, and token verification.

Forged tokens are signed with the key the server keeps (`<data_dir>/jwt_secret`, or the signing_key
table in PostgreSQL); a token forged with every claim right is accepted (which proves the forging),
then each test breaks one thing. Every test runs against both user stores (conftest.py: store_kind).
"""
from __future__ import annotations

import time

import pytest

from blackbox.checks import assert_detail, assert_json, assert_unauthorized, assert_unauthorized_soon
from blackbox.processes import add_user, remove_user
from blackbox.tokens import access_claims, decode, make_jwt, read_key, refresh_claims, uid_of
from blackbox.wire import JSON, initialize_params, login_ok, rpc
from support.server_process import STORE_KINDS

pytestmark = pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True, scope="session")

PROFILE_DEMO = {"id": "demo", "user_id": "demo", "username": "demo", "roles": ["user"],
                "scopes": ["read", "write"]}


@pytest.fixture
def key(server) -> str:
    return read_key(server.store)


@pytest.fixture
def demo_uid(demo) -> str:
    return uid_of(demo.access)


@pytest.fixture
def aud(server) -> str:
    """The audience every access token of this server carries: its /mcp URL."""
    return server.mcp_url


def _on_profile(http, token: str):
    return http.profile(token)


def _on_mcp(http, token: str):
    return http.request("POST", "/mcp", json_body=rpc("initialize", initialize_params()), token=token,
                        headers={"Accept": JSON})


GUARDED = {"profile": _on_profile, "mcp": _on_mcp}


@pytest.fixture(params=sorted(GUARDED))
def guarded(request, http, mcp):
    """Sends a token to an endpoint that requires an access token: /auth/profile or /mcp.
    (`mcp` is requested so MCP sessions created by accepted tokens are ended after the test.)"""
    send = GUARDED[request.param]

    def call(token: str):
        reply = send(http, token)
        if reply.headers.get("mcp-session-id"):
            mcp.created.append(reply.headers["mcp-session-id"])
        return reply

    return call


# /auth/profile ------------------------------------------------------------------------------------


def test_profile_describes_the_caller_from_its_access_token(http, demo):
    assert assert_json(http.profile(demo.access), 200) == PROFILE_DEMO


def test_profile_refuses_a_refresh_token_as_not_an_access_token(http, new_user, server):
    username, password = new_user(server)
    tokens = login_ok(http, username, password)
    assert_unauthorized(http.profile(tokens.refresh), "Not an access token")


def test_profile_without_a_bearer_header_requires_a_bearer_token(http, demo):
    assert_unauthorized(http.profile(None), "Bearer token required")
    assert_unauthorized(http.request("GET", "/auth/profile", headers={"Authorization": f"Basic {demo.access}"}),
                        "Bearer token required")


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
def test_the_bearer_scheme_is_matched_case_insensitively(http, demo, scheme):
    reply = http.request("GET", "/auth/profile", headers={"Authorization": f"{scheme} {demo.access}"})
    assert reply.status == 200, reply


@pytest.mark.parametrize("param", ["access_token", "token", "authorization"])
def test_a_token_in_the_query_string_is_never_accepted(http, demo, param):
    assert_unauthorized(http.request("GET", "/auth/profile", params={param: demo.access}),
                        "Bearer token required")
    reply = http.request("POST", "/mcp", json_body=rpc("initialize", initialize_params()),
                         params={param: demo.access}, headers={"Accept": JSON})
    assert_unauthorized(reply, "Bearer token required")


# token verification (profile and /mcp) ------------------------------------------------------------


def test_a_token_forged_with_the_server_key_and_every_claim_right_is_accepted(guarded, key, demo_uid, aud):
    assert guarded(make_jwt(access_claims("demo", uid=demo_uid, aud=aud), key)).status == 200


@pytest.mark.parametrize("token", ["garbage", "a.b", "a.b.c.d", "!!!.???.***", "e30.e30", "bm90IGpzb24.bm90IGpzb24.c2ln"])
def test_a_malformed_token_is_401_malformed(guarded, token):
    assert_unauthorized(guarded(token), "Invalid token: malformed token")


def test_an_alg_none_token_is_401_alg_not_allowed(guarded):
    token = make_jwt(access_claims("demo"), None, alg="none")
    assert_unauthorized(guarded(token), "Invalid token: alg not allowed")


@pytest.mark.parametrize("alg", ["HS512", "HS384"])
def test_a_token_signed_with_another_hmac_alg_and_the_right_key_is_401_alg_not_allowed(guarded, key, alg):
    assert_unauthorized(guarded(make_jwt(access_claims("demo"), key, alg=alg)), "Invalid token: alg not allowed")


def test_a_token_signed_with_another_key_is_401_signature_verification_failed(guarded):
    token = make_jwt(access_claims("demo"), "not-the-server-key")
    assert_unauthorized(guarded(token), "Invalid token: signature verification failed")


def test_a_token_with_a_tampered_payload_is_401_signature_verification_failed(guarded, demo):
    head, _, signature = demo.access.split(".")
    other = make_jwt(access_claims("admin", roles=["admin", "user"]), "x").split(".")[1]
    assert_unauthorized(guarded(f"{head}.{other}.{signature}"), "Invalid token: signature verification failed")


def test_an_expired_token_is_401_token_expired(guarded, key):
    now = int(time.time())
    token = make_jwt(access_claims("demo", now=now - 3600, lifetime=3600 - 5), key)
    assert_unauthorized(guarded(token), "Invalid token: token expired")


@pytest.mark.parametrize("sub", [None, ""])
def test_a_token_without_a_subject_is_401_token_missing_sub(guarded, key, sub):
    claims = access_claims("demo")
    if sub is None:
        del claims["sub"]
    else:
        claims["sub"] = sub
    assert_unauthorized(guarded(make_jwt(claims, key)), "Token missing sub")


def test_a_refresh_token_is_401_not_an_access_token(guarded, key, demo_uid):
    assert_unauthorized(guarded(make_jwt(refresh_claims("demo", uid=demo_uid), key)), "Not an access token")


def test_a_token_without_a_type_is_401_not_an_access_token(guarded, key, demo_uid, aud):
    assert_unauthorized(guarded(make_jwt(access_claims("demo", uid=demo_uid, aud=aud, typ=None), key)),
                        "Not an access token")


def test_a_token_for_a_user_that_never_existed_is_401_user_not_found(guarded, key, aud):
    assert_unauthorized(guarded(make_jwt(access_claims("nobody-here", aud=aud), key)), "User not found")


@pytest.mark.parametrize("missing", [None, []])
def test_an_access_token_without_an_audience_is_401_missing_audience(guarded, key, demo_uid, missing):
    """Every access token the server issues names its /mcp URL in `aud` (docs/authorization.md);
    one without, even signed with the server's key and right in every other claim, is refused."""
    claims = access_claims("demo", uid=demo_uid)
    if missing is not None:
        claims["aud"] = missing
    assert_unauthorized(guarded(make_jwt(claims, key)), "Invalid token: missing audience")


def test_an_access_token_for_another_audience_is_401_wrong_audience(guarded, key, demo_uid):
    token = make_jwt(access_claims("demo", uid=demo_uid, aud="https://other.example/mcp"), key)
    assert_unauthorized(guarded(token), "Invalid token: wrong audience")


@pytest.mark.parametrize("uid", [None, "", 7])
def test_a_token_without_an_account_id_is_401_missing_uid(guarded, key, uid):
    """Tokens carry the account id `uid` (docs/architecture.md); tokens from before it are refused."""
    claims = access_claims("demo")
    if uid is None:
        del claims["uid"]
    else:
        claims["uid"] = uid
    assert_unauthorized(guarded(make_jwt(claims, key)), "Invalid token: missing uid")


def test_a_token_with_another_accounts_id_is_401_user_not_found(guarded, key, aud):
    assert_unauthorized(guarded(make_jwt(access_claims("demo", uid="0" * 32, aud=aud), key)), "User not found")


def test_a_real_refresh_token_on_mcp_is_401_not_an_access_token(http, server, new_user):
    username, password = new_user(server)
    tokens = login_ok(http, username, password)
    assert_unauthorized(_on_mcp(http, tokens.refresh), "Not an access token")


def test_the_token_of_a_removed_user_is_401_user_not_found(server, http, new_user, mcp_for):
    username, password = new_user(server)
    tokens = login_ok(http, username, password)
    session = mcp_for(server, tokens.access).initialize()
    assert http.profile(tokens.access).status == 200
    remove_user(server.store, username)
    assert_unauthorized_soon(lambda: http.profile(tokens.access), "User not found")
    assert_unauthorized(session.call("ping"), "User not found")
    assert_detail(http.refresh(tokens.refresh), 401, "Invalid refresh token")
    assert_detail(http.login(username, password), 401, "Invalid credentials")


def test_the_tokens_of_a_removed_user_stay_dead_when_the_name_is_created_again(server, http, new_user, mcp_for):
    """A user created again under a removed user's name is another account (another `uid`): the old
    account's tokens are refused, and logging out with them does not touch the new account."""
    username, password = new_user(server)
    old = login_ok(http, username, password)
    assert http.profile(old.access).status == 200  # verified once, so the server has seen it
    remove_user(server.store, username)
    add_user(server.store, username, "another-password-2")
    # On PostgreSQL the server hears of the change by notification, within moments.
    assert_unauthorized_soon(lambda: http.profile(old.access), "User not found")
    assert_unauthorized(_on_mcp(http, old.access), "User not found")
    assert_unauthorized(http.refresh(old.refresh), "Invalid refresh token")
    new = login_ok(http, username, "another-password-2")
    assert uid_of(new.access) != uid_of(old.access)
    assert assert_json(http.profile(new.access), 200)["user_id"] == username
    assert http.logout(old.access).status == 200
    assert http.refresh(new.refresh).status == 200, "the old account's logout revoked the new account's tokens"
    session = mcp_for(server, new.access).initialize()
    assert session.call("ping").status == 200


# /auth/refresh ------------------------------------------------------------------------------------


def test_refresh_returns_a_new_token_pair(http, server, new_user):
    username, password = new_user(server)
    old = login_ok(http, username, password)
    body = assert_json(http.refresh(old.refresh), 200)
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 1800
    assert body["access_token"] != old.access and body["refresh_token"] != old.refresh
    assert decode(body["refresh_token"])[1]["jti"] != decode(old.refresh)[1]["jti"]
    assert assert_json(http.profile(body["access_token"]), 200)["user_id"] == username


def test_refresh_tokens_carry_no_audience_and_refresh_into_access_tokens_that_do(http, server, new_user, mcp_for):
    """The seed flow (contract §12): login, /mcp, /auth/refresh. Refresh tokens keep the contract's
    claims (no `aud`: they are redeemed only here); the access tokens name the /mcp URL."""
    username, password = new_user(server)
    old = login_ok(http, username, password)
    assert "aud" not in decode(old.refresh)[1]
    assert decode(old.access)[1]["aud"] == server.mcp_url
    assert mcp_for(server, old.access).initialize().call("ping").status == 200
    body = assert_json(http.refresh(old.refresh), 200)
    assert "aud" not in decode(body["refresh_token"])[1]
    assert decode(body["access_token"])[1]["aud"] == server.mcp_url
    assert assert_json(http.profile(body["access_token"]), 200)["user_id"] == username


def test_a_rotated_refresh_token_stops_working_at_once(http, server, new_user):
    username, password = new_user(server)
    old = login_ok(http, username, password)
    new = assert_json(http.refresh(old.refresh), 200)
    assert_unauthorized(http.refresh(old.refresh), "Invalid refresh token")
    assert http.refresh(new["refresh_token"]).status == 200


def test_the_new_refresh_token_gets_a_full_lifetime(http, server, new_user):
    username, password = new_user(server)
    claims = decode(assert_json(http.refresh(login_ok(http, username, password).refresh), 200)["refresh_token"])[1]
    assert claims["exp"] - claims["iat"] == 7 * 86400


def test_an_access_token_presented_as_refresh_token_is_not_a_refresh_token(http, demo):
    assert_unauthorized(http.refresh(demo.access), "Not a refresh token")


def test_a_garbage_refresh_token_is_invalid_token_malformed(http):
    assert_unauthorized(http.refresh("garbage"), "Invalid token: malformed token")


@pytest.mark.parametrize("body", ["{}", '{"refresh_token":5}', '{"refresh_token":null}', '{"token":"x"}'])
def test_a_missing_or_non_string_refresh_token_is_invalid_refresh_token(http, body):
    reply = http.request("POST", "/auth/refresh", content=body, headers={"Content-Type": JSON})
    assert_unauthorized(reply, "Invalid refresh token")


def test_a_refresh_token_signed_with_another_key_fails_verification(http):
    token = make_jwt(refresh_claims("demo"), "another-key")
    assert_unauthorized(http.refresh(token), "Invalid token: signature verification failed")


def test_an_expired_refresh_token_is_invalid_token_expired(http, key):
    now = int(time.time())
    token = make_jwt(refresh_claims("demo", now=now - 100, lifetime=50), key)
    assert_unauthorized(http.refresh(token), "Invalid token: token expired")


def test_a_well_signed_refresh_token_with_an_unknown_jti_is_invalid_refresh_token(http, key, demo_uid):
    assert_unauthorized(http.refresh(make_jwt(refresh_claims("demo", uid=demo_uid), key)), "Invalid refresh token")


def test_a_refresh_token_without_an_account_id_is_invalid_token_missing_uid(http, server, new_user, key):
    username, password = new_user(server)
    claims = decode(login_ok(http, username, password).refresh)[1]
    del claims["uid"]
    assert_unauthorized(http.refresh(make_jwt(claims, key)), "Invalid token: missing uid")


# /auth/logout -------------------------------------------------------------------------------------


def test_logout_without_a_bearer_header_requires_a_bearer_token(http):
    assert_unauthorized(http.logout(None), "Bearer token required")


@pytest.mark.parametrize("which", ["access", "refresh"])
def test_logout_revokes_every_refresh_token_of_the_user(http, server, new_user, which):
    username, password = new_user(server)
    first, second = login_ok(http, username, password), login_ok(http, username, password)
    token = first.access if which == "access" else first.refresh
    assert assert_json(http.logout(token), 200) == {"message": "Logged out"}
    for tokens in (first, second):
        assert_unauthorized(http.refresh(tokens.refresh), "Invalid refresh token")


def test_access_tokens_stay_valid_after_logout(http, server, new_user):
    username, password = new_user(server)
    tokens = login_ok(http, username, password)
    assert http.logout(tokens.access).status == 200
    assert http.profile(tokens.access).status == 200


def test_logout_accepts_an_expired_but_well_signed_token(http, server, new_user, key):
    username, password = new_user(server)
    tokens = login_ok(http, username, password)
    now = int(time.time())
    expired = make_jwt(access_claims(username, uid=uid_of(tokens.access), now=now - 7200, lifetime=60), key)
    assert assert_json(http.logout(expired), 200) == {"message": "Logged out"}
    assert_unauthorized(http.refresh(tokens.refresh), "Invalid refresh token")


def test_logout_accepts_an_access_token_without_an_audience(http, server, new_user, key):
    """As issued before access tokens carried `aud`: refused on /mcp, still good for logging out."""
    username, password = new_user(server)
    tokens = login_ok(http, username, password)
    audless = make_jwt(access_claims(username, uid=uid_of(tokens.access)), key)
    assert_unauthorized(http.profile(audless), "Invalid token: missing audience")
    assert assert_json(http.logout(audless), 200) == {"message": "Logged out"}
    assert_unauthorized(http.refresh(tokens.refresh), "Invalid refresh token")


@pytest.mark.parametrize("bad", ["garbage", "forged"])
def test_logout_with_a_token_that_does_not_verify_is_200_without_effect(http, server, new_user, bad):
    username, password = new_user(server)
    tokens = login_ok(http, username, password)
    token = "garbage" if bad == "garbage" else make_jwt(access_claims(username, uid=uid_of(tokens.access)),
                                                        "not-the-key")
    assert assert_json(http.logout(token), 200) == {"message": "Logged out"}
    assert http.refresh(tokens.refresh).status == 200


def test_logout_of_one_user_leaves_other_users_refresh_tokens_alone(http, server, new_user):
    alice, bob = new_user(server), new_user(server)
    alice_tokens, bob_tokens = login_ok(http, *alice), login_ok(http, *bob)
    assert http.logout(alice_tokens.access).status == 200
    assert http.refresh(bob_tokens.refresh).status == 200


def test_every_401_carries_a_bearer_challenge(http, demo):
    for reply in (http.profile(None), http.profile("garbage"), http.refresh("garbage"), http.refresh(demo.access),
                  http.logout(None), http.login("demo", "wrong-password"),
                  http.request("POST", "/mcp", json_body=rpc("ping"), headers={"Accept": JSON})):
        assert reply.status == 401, reply
        assert reply.headers.get("www-authenticate", "").startswith("Bearer"), reply
