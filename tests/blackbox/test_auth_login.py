"""Contract §2.1, §3.2, §3.5: POST /auth/login, its tokens, and the failed-login rate limit.

Every test talks from its own loopback source address (the `http` fixture), so the per-address
counters of one test never reach another.
"""
from __future__ import annotations

import re

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


def assert_rate_limited(reply) -> None:
    assert_detail(reply, 429, "Too many failed login attempts")
    retry_after = reply.headers.get("retry-after", "")
    assert retry_after.isdigit(), reply
    assert 1 <= int(retry_after) <= 300, reply


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
    assert set(claims) == {"sub", "username", "roles", "scopes", "iat", "exp", "jti", "typ"}
    assert claims["sub"] == "demo" and claims["username"] == "demo" and claims["typ"] == "access"
    assert claims["roles"] == ["user"] and claims["scopes"] == ["read", "write"]
    assert type(claims["iat"]) is int and claims["exp"] - claims["iat"] == 1800
    assert HEX32.match(claims["jti"]), claims


def test_login_issues_hs256_refresh_tokens_with_the_contract_claims(server, http):
    body = assert_json(http.login("demo", "demo"), 200)
    header, claims = decode(body["refresh_token"])
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert verifies(body["refresh_token"], read_key(server.store))
    assert set(claims) == {"sub", "iat", "exp", "jti", "typ"}
    assert claims["sub"] == "demo" and claims["typ"] == "refresh"
    assert type(claims["iat"]) is int and claims["exp"] - claims["iat"] == 7 * 86400
    assert HEX32.match(claims["jti"]), claims


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


# rate limit ---------------------------------------------------------------------------------------


def test_five_failures_for_one_user_from_one_address_draw_429_with_retry_after(http):
    _fail(http, "demo", 5)
    assert_rate_limited(http.login("demo", WRONG))


def test_a_rate_limited_pair_is_refused_even_with_the_right_password(http):
    _fail(http, "demo", 5)
    assert_rate_limited(http.login("demo", "demo"))


def test_failures_for_an_unknown_user_count_like_wrong_passwords(http):
    _fail(http, "nobody-at-all", 5)
    assert_rate_limited(http.login("nobody-at-all", WRONG))


def test_four_failures_do_not_yet_limit_a_user(http):
    _fail(http, "demo", 4)
    assert http.login("demo", "demo").status == 200


def test_the_per_user_limit_does_not_block_that_user_from_another_address(server, http, http_for):
    _fail(http, "demo", 5)
    assert_rate_limited(http.login("demo", "demo"))
    assert http_for(server).login("demo", "demo").status == 200


def test_the_per_user_limit_does_not_block_another_user_from_the_same_address(http):
    _fail(http, "demo", 5)
    assert http.login("admin", ADMIN_PASSWORD).status == 200


def test_a_successful_login_clears_the_counter_only_for_that_pair(http):
    _fail(http, "ghost", 4)
    _fail(http, "demo", 4)
    assert http.login("demo", "demo").status == 200
    _fail(http, "demo", 4)  # demo's counter restarted from zero: four more failures are still 401
    _fail(http, "ghost", 1)  # ghost's fifth failure
    assert_rate_limited(http.login("ghost", WRONG))


def test_twenty_failures_from_one_address_draw_429_for_every_username(http):
    for n in range(5):
        _fail(http, f"ghost-{n}", 4)
    assert_rate_limited(http.login("demo", "demo"))
    assert_rate_limited(http.login("someone-new", WRONG))
