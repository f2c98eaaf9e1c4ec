"""Contract §2.1, §3.2, §3.5: POST /auth/login, its tokens, and the failed-login rate limits
(as extended in docs/architecture.md, "Login rate limits").

Every test talks from its own loopback source address (the `http` fixture) and fails logins only
for usernames of its own, so the per-address and per-account counters of one test never reach
another.
"""
from __future__ import annotations

import re
import time

import pytest

from blackbox.checks import assert_detail, assert_json
from blackbox.tokens import decode, read_key, verifies
from blackbox.wire import JSON
from support.server_process import ADMIN_PASSWORD, STORE_KINDS

DEMO_USER = {"id": "demo", "user_id": "demo", "username": "demo", "roles": ["user"],
             "scopes": ["read", "write"]}
HEX32 = re.compile(r"^[0-9a-f]{32}$")
WRONG = "wrong-password"

# Every test runs against both user stores (conftest.py: store_kind).
pytestmark = pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True, scope="session")


def _fail(http, username: str, times: int) -> None:
    for _ in range(times):
        assert_detail(http.login(username, WRONG), 401, "Invalid credentials")


def assert_rate_limited(reply) -> int:
    """The reply is the rate limit's 429; returns its Retry-After."""
    assert_detail(reply, 429, "Too many failed login attempts")
    retry_after = reply.headers.get("retry-after", "")
    assert retry_after.isdigit(), reply
    assert 1 <= int(retry_after) <= 300, reply
    return int(retry_after)


# success ------------------------------------------------------------------------------------------


def test_login_returns_a_bearer_token_pair_and_the_user(http):
    body = assert_json(http.login("demo", "demo"), 200)
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 1800 and type(body["expires_in"]) is int
    assert body["user"] == DEMO_USER


def test_login_as_admin_reports_the_admin_roles_and_scopes(http):
    user = assert_json(http.login("admin", ADMIN_PASSWORD), 200)["user"]
    assert user == {"id": "admin", "user_id": "admin", "username": "admin", "roles": ["admin", "user"],
                    "scopes": ["*"]}


def test_login_accepts_a_content_type_with_a_charset(http):
    reply = http.request("POST", "/auth/login", content='{"username":"demo","password":"demo"}',
                         headers={"Content-Type": "application/json; charset=utf-8"})
    assert reply.status == 200, reply


def test_login_issues_hs256_access_tokens_with_the_contract_claims(server, http):
    body = assert_json(http.login("demo", "demo"), 200)
    header, claims = decode(body["access_token"])
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert verifies(body["access_token"], read_key(server.store))
    # `uid` (the account id) and `aud` (the public /mcp URL, docs/authorization.md) are beyond
    # the contract's claims.
    assert set(claims) == {"sub", "uid", "username", "roles", "scopes", "iat", "exp", "jti", "typ", "aud"}
    assert claims["aud"] == server.mcp_url
    assert claims["sub"] == "demo" and claims["username"] == "demo" and claims["typ"] == "access"
    assert claims["roles"] == ["user"] and claims["scopes"] == ["read", "write"]
    assert type(claims["iat"]) is int and claims["exp"] - claims["iat"] == 1800
    assert HEX32.match(claims["jti"]), claims
    assert HEX32.match(claims["uid"]), claims


def test_login_issues_hs256_refresh_tokens_with_the_contract_claims(server, http):
    body = assert_json(http.login("demo", "demo"), 200)
    header, claims = decode(body["refresh_token"])
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert verifies(body["refresh_token"], read_key(server.store))
    assert set(claims) == {"sub", "uid", "iat", "exp", "jti", "typ"}
    assert claims["sub"] == "demo" and claims["typ"] == "refresh"
    assert type(claims["iat"]) is int and claims["exp"] - claims["iat"] == 7 * 86400
    assert HEX32.match(claims["jti"]), claims
    assert claims["uid"] == decode(body["access_token"])[1]["uid"], "both tokens name one account"


def test_two_logins_issue_distinct_token_ids(http):
    first, second = (assert_json(http.login("demo", "demo"), 200) for _ in range(2))
    ids = {decode(b[k])[1]["jti"] for b in (first, second) for k in ("access_token", "refresh_token")}
    assert len(ids) == 4


# 400 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "[]", '"demo"', "null", "5", "true", "not json", "",
    "{}",
    '{"username":"demo"}',
    '{"password":"demo"}',
    '{"username":"","password":"demo"}',
    '{"username":"demo","password":""}',
    '{"username":5,"password":"demo"}',
    '{"username":"demo","password":null}',
    '{"username":["demo"],"password":"demo"}',
    '{"username":"demo","password":{"p":"demo"}}',
])
def test_login_without_a_string_username_and_password_is_400(http, body):
    reply = http.request("POST", "/auth/login", content=body, headers={"Content-Type": JSON})
    assert_detail(reply, 400, "username and password required")


# 401 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username,password", [("demo", WRONG), ("nobody", "demo"), ("Demo", "demo"),
                                               ("demo", "Demo"), ("demo", "demo ")])
def test_login_with_unknown_user_or_wrong_password_is_401_invalid_credentials(http, username, password):
    assert_detail(http.login(username, password), 401, "Invalid credentials")


# rate limit: per (address, username) ------------------------------------------------------------


def test_five_failures_for_one_user_from_one_address_draw_429_with_retry_after(server, http, new_user):
    username, _ = new_user(server)
    _fail(http, username, 5)
    assert assert_rate_limited(http.login(username, WRONG)) > 60  # the pair's window, not the account's delay


def test_a_rate_limited_pair_is_refused_even_with_the_right_password(server, http, new_user):
    username, password = new_user(server)
    _fail(http, username, 5)
    assert_rate_limited(http.login(username, password))


def test_failures_for_an_unknown_user_count_like_wrong_passwords(http):
    _fail(http, "nobody-at-all", 5)
    assert_rate_limited(http.login("nobody-at-all", WRONG))


def test_four_failures_do_not_yet_limit_a_user(server, http, new_user):
    username, password = new_user(server)
    _fail(http, username, 4)
    assert http.login(username, password).status == 200


def test_the_pair_limit_holds_that_user_back_elsewhere_only_for_the_short_account_delay(
        server, http, http_for, new_user):
    username, password = new_user(server)
    _fail(http, username, 5)
    assert_rate_limited(http.login(username, password))
    elsewhere = http_for(server)
    reply = elsewhere.login(username, password)
    if reply.status == 429:  # within a second of the fifth failure: the account's first delay
        assert assert_rate_limited(reply) == 1, reply
        time.sleep(1)
        reply = elsewhere.login(username, password)
    assert reply.status == 200, reply


def test_the_pair_limit_does_not_block_another_user_from_the_same_address(server, http, new_user):
    username, _ = new_user(server)
    _fail(http, username, 5)
    assert http.login("admin", ADMIN_PASSWORD).status == 200


def test_a_successful_login_clears_the_counter_only_for_that_pair(server, http, new_user):
    username, password = new_user(server)
    _fail(http, "ghost", 4)
    _fail(http, username, 4)
    assert http.login(username, password).status == 200
    _fail(http, username, 4)  # the counter restarted from zero: four more failures are still 401
    _fail(http, "ghost", 1)  # ghost's fifth failure
    assert_rate_limited(http.login("ghost", WRONG))


# rate limit: per address (distinct usernames) ----------------------------------------------------


def test_failures_for_twenty_usernames_from_one_address_draw_429_for_every_username(http):
    for n in range(20):
        _fail(http, f"spray-{n}", 1)
    assert assert_rate_limited(http.login("demo", "demo")) > 60
    assert_rate_limited(http.login("someone-new", WRONG))


def test_failures_for_nineteen_usernames_from_one_address_still_let_others_log_in(http):
    for n in range(19):
        _fail(http, f"almost-spray-{n}", 1)
    assert http.login("demo", "demo").status == 200


def test_many_failures_for_a_few_users_do_not_lock_out_the_other_users_of_the_address(http):
    # Behind one address (loopback, a reverse proxy) someone mistypes four passwords until each
    # pair is limited: twenty failures, but four usernames. Everyone else there still logs in.
    for n in range(4):
        _fail(http, f"mistyped-{n}", 5)
        assert_rate_limited(http.login(f"mistyped-{n}", WRONG))
    assert http.login("demo", "demo").status == 200
    assert http.login("admin", ADMIN_PASSWORD).status == 200


# rate limit: per account, from any address ---------------------------------------------------------


def test_one_accounts_failures_from_many_addresses_slow_that_account_but_no_other(server, http_for,
                                                                               new_user):
    victim, victim_password = new_user(server)
    other, other_password = new_user(server)
    attackers = [http_for(server) for _ in range(12)]
    limited = None
    for n, attacker in enumerate(attackers):
        reply = attacker.login(victim, WRONG)
        if reply.status == 429:
            limited = (n, reply)
            break
        assert_detail(reply, 401, "Invalid credentials")
    assert limited is not None, "failures from twelve addresses never slowed the account"
    n, reply = limited
    assert n >= 5, "the account was slowed before its fifth failure"
    retry_after = assert_rate_limited(reply)
    assert retry_after <= 60, reply
    # Other accounts log in from the very addresses that attacked the victim.
    assert attackers[0].login(other, other_password).status == 200
    assert attackers[n].login("demo", "demo").status == 200
    # The owner gets in once the delay is over, from anywhere.
    time.sleep(retry_after)
    assert http_for(server).login(victim, victim_password).status == 200
