"""The console's sign-in through the authorization server (docs/console.md, docs/authorization.md):
the console is the server's built-in client, a browser goes /console/oauth/start -> /authorize ->
/console/oauth/callback and ends in a console session; a browser already signed in at /authorize
skips the password; every broken callback goes back to the sign-in page and signs nobody in."""
from __future__ import annotations

from typing import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from blackbox.console_client import COOKIE, signed_in
from blackbox.oauth_flow import FORM, OAuthHost, hidden_fields, new_verifier, redirect_params
from blackbox.processes import remove_user
from blackbox.wire import make_http_client, next_source_address
from support.server_process import ADMIN_PASSWORD, STORE_KINDS, ServerProcess

pytestmark = pytest.mark.parametrize("store_kind", STORE_KINDS, indirect=True, scope="session")

FLOW_COOKIE = "bmcp_console_oauth"
CLIENT_ID = "blender-mcp-console"


class Browser:
    """One browser (its cookie jar) against one server; redirects are followed by hand."""

    def __init__(self, server: ServerProcess, http: httpx.Client | None = None) -> None:
        self.base = server.base_url.rstrip("/")
        self.http = http or make_http_client(next_source_address())

    def url(self, target: str) -> str:
        return target if target.startswith("http") else self.base + target

    def get(self, target: str) -> httpx.Response:
        return self.http.get(self.url(target))

    def start(self) -> httpx.Response:
        reply = self.get("/console/oauth/start")
        assert reply.status_code == 303, reply.text
        return reply

    def to_callback(self, username: str, password: str) -> str:
        """From the console's button to the callback URL /authorize sends the browser to."""
        self.started = self.start()
        page = self.get(self.started.headers["location"])
        if page.status_code == 200:
            assert 'name="password"' in page.text, page.text
            fields = hidden_fields(page.text)
            fields.update({"username": username, "password": password})
            page = self.http.post(self.base + "/authorize", content=urlencode(fields),
                                  headers={"Content-Type": FORM})
        assert page.status_code == 303, page.text
        location = page.headers["location"]
        assert location.startswith(self.base + "/console/oauth/callback?"), location
        return location

    def me(self) -> httpx.Response:
        return self.get("/console/api/me")

    def flow_cookie(self) -> str | None:
        return self.http.cookies.get(FLOW_COOKIE)

    def console_cookie(self) -> str | None:
        return self.http.cookies.get(COOKIE)


def set_cookies(reply: httpx.Response) -> dict[str, str]:
    """The Set-Cookie values of a reply by cookie name."""
    return {value.split("=", 1)[0]: value for value in reply.headers.get_list("set-cookie")}


def refused(reply: httpx.Response, word: str) -> None:
    """A callback that went back to the sign-in page with `word` and set no console session."""
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"] == f"/console?signin_error={word}", reply.headers
    cookies = set_cookies(reply)
    assert COOKIE not in cookies, cookies
    assert "Max-Age=0" in cookies[FLOW_COOKIE], cookies


@pytest.fixture
def browser(server: ServerProcess) -> Iterator[Browser]:
    made = Browser(server)
    yield made
    made.http.close()


@pytest.fixture
def other_browser(server: ServerProcess) -> Iterator[Browser]:
    made = Browser(server)
    yield made
    made.http.close()


def login_successes(server: ServerProcess, http_for) -> int:
    admin = signed_in(http_for(server), "admin", ADMIN_PASSWORD)
    return admin.get("/admin/status").json()["logins"].get("success", 0)


def test_the_whole_flow_ends_in_a_console_session(server: ServerProcess, new_user, browser: Browser,
                                                  http_for) -> None:
    username, password = new_user(server)
    callback = browser.to_callback(username, password)
    start = browser.started
    location = start.headers["location"]
    assert location.startswith(server.base_url + "/authorize?"), location
    params = redirect_params(location)
    assert params["client_id"] == CLIENT_ID and params["code_challenge_method"] == "S256"
    assert params["redirect_uri"] == server.base_url + "/console/oauth/callback"
    flow = set_cookies(start)[FLOW_COOKIE]
    assert "HttpOnly" in flow and "SameSite=Lax" in flow and "Path=/console/oauth/callback" in flow, flow
    assert params["state"] in flow and "code_verifier" not in location
    got = redirect_params(callback)
    assert got["state"] == params["state"] and got["iss"] == server.base_url and got["code"]
    before = login_successes(server, http_for)
    done = browser.get(callback)
    assert done.status_code == 303 and done.headers["location"] == "/console", done.text
    session = set_cookies(done)[COOKIE]
    assert "Path=/console" in session and "SameSite=Strict" in session and "HttpOnly" in session, session
    assert browser.flow_cookie() is None  # the flow is over
    me = browser.me()
    assert me.status_code == 200, me.text
    assert me.json()["username"] == username and len(me.json()["csrf_token"]) == 64
    # A state-changing call works with the session's CSRF token, as after a password sign-in.
    out = browser.http.post(browser.url("/console/api/logout"), content=b"{}",
                            headers={"Content-Type": "application/json", "X-CSRF-Token": me.json()["csrf_token"]})
    assert out.status_code == 200, out.text
    assert login_successes(server, http_for) == before + 2  # this sign-in and the admin's own


def test_a_browser_signed_in_at_authorize_skips_the_password(server: ServerProcess) -> None:
    host = OAuthHost(server.base_url)
    try:
        host.tokens(host.register())  # signs this browser in at /authorize as demo
        browser = Browser(server, host.http)
        page = browser.get(browser.start().headers["location"])
        # No login page, no consent page: straight back to the console with a code.
        assert page.status_code == 303, page.text
        done = browser.get(page.headers["location"])
        assert done.status_code == 303 and done.headers["location"] == "/console", done.text
        me = browser.me()
        assert me.status_code == 200 and me.json()["username"] == "demo", me.text
    finally:
        host.close()


def test_the_console_client_is_built_in_and_holds_no_tokens(server: ServerProcess, browser: Browser) -> None:
    callback = browser.to_callback("demo", "demo")
    code = redirect_params(callback)["code"]
    reply = browser.http.post(server.base_url + "/token", content=urlencode({
        "grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID,
        "redirect_uri": server.base_url + "/console/oauth/callback", "code_verifier": new_verifier()}),
        headers={"Content-Type": FORM})
    assert reply.status_code == 401 and reply.json()["error"] == "invalid_client", reply.text
    # ...and the code was not spent by that: the console still signs in with it.
    assert browser.get(callback).headers["location"] == "/console"
    # Another redirect URI for the built-in client is refused with a page, not a redirect.
    params = redirect_params(browser.start().headers["location"])
    params["redirect_uri"] = "http://127.0.0.1:43210/callback"
    page = browser.http.get(server.base_url + "/authorize", params=params)
    assert page.status_code == 400 and "location" not in page.headers


def test_a_wrong_state_signs_nobody_in(browser: Browser) -> None:
    callback = browser.to_callback("demo", "demo")
    got = redirect_params(callback)
    refused(browser.get(callback.replace(got["state"], "forged-state")), "bad_state")
    assert browser.me().status_code == 401 and browser.console_cookie() is None
    # The flow is over: its own callback no longer signs in either.
    refused(browser.get(callback), "bad_state")
    assert browser.me().status_code == 401


def test_a_callback_in_another_browser_signs_nobody_in(browser: Browser, other_browser: Browser) -> None:
    callback = browser.to_callback("demo", "demo")
    refused(other_browser.get(callback), "bad_state")
    assert other_browser.me().status_code == 401
    # The code was not spent: the browser that started the flow still finishes it.
    assert browser.get(callback).headers["location"] == "/console"
    assert browser.me().status_code == 200


def test_a_wrong_issuer_signs_nobody_in(browser: Browser) -> None:
    callback = browser.to_callback("demo", "demo")
    assert "&iss=" in callback
    refused(browser.get(callback.replace("&iss=", "&iss=https%3A%2F%2Fevil.example&other=")), "bad_state")
    assert browser.me().status_code == 401


def test_a_reused_code_signs_nobody_in(browser: Browser, other_browser: Browser) -> None:
    callback = browser.to_callback("demo", "demo")
    flow = browser.flow_cookie()
    assert browser.get(callback).headers["location"] == "/console"
    # The same callback and flow cookie once more (copied to another browser): the code is spent.
    other_browser.http.cookies.set(FLOW_COOKIE, flow, domain="127.0.0.1", path="/console/oauth/callback")
    refused(other_browser.get(callback), "invalid_code")
    assert other_browser.me().status_code == 401 and other_browser.console_cookie() is None


def test_an_unknown_code_signs_nobody_in(browser: Browser) -> None:
    callback = browser.to_callback("demo", "demo")
    code = redirect_params(callback)["code"]
    refused(browser.get(callback.replace(code, "not-a-code")), "invalid_code")
    assert browser.me().status_code == 401


def test_a_denied_authorization_signs_nobody_in(server: ServerProcess, browser: Browser) -> None:
    state = redirect_params(browser.start().headers["location"])["state"]
    query = urlencode({"error": "access_denied", "error_description": "The person refused access",
                       "state": state, "iss": server.base_url})
    refused(browser.get("/console/oauth/callback?" + query), "denied")
    assert browser.me().status_code == 401


def test_a_user_removed_meanwhile_is_not_signed_in(server: ServerProcess, new_user, browser: Browser) -> None:
    username, password = new_user(server)
    callback = browser.to_callback(username, password)
    remove_user(server.store, username)
    refused(browser.get(callback), "account_gone")
    assert browser.me().status_code == 401


def test_the_sign_in_page_offers_the_authorization_server(browser: Browser) -> None:
    page = browser.get("/console")
    assert 'href="/console/oauth/start"' in page.text
    assert "Sign in through the authorization server" in page.text
    start = browser.start()
    policy = start.headers["content-security-policy"]
    assert "default-src 'self'" in policy and start.headers["cache-control"] == "no-store"
