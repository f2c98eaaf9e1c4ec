"""The OAuth flow in a real browser (docs/authorization.md): headless Chromium (Debian's
/usr/bin/chromium, driven by playwright-core from tests/node: tests/node/oauth_browser.mjs) opens
/authorize for a client registered with Dynamic Client Registration, fills the sign-in and consent
pages, and follows the redirect to a loopback listener of the test; the test exchanges the code
and calls a tool. A second authorization, started from a link on the host's page, goes straight
to the consent page (the browser is signed in). The pages' Content-Security-Policy must hold in
the browser: no violation reported, and the nonce'd style applied.

Screenshots of the sign-in and consent pages are kept in tests/output/oauth-browser/
(docs/images/ has copies for docs/authorization.md)."""
from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import secrets
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from interop.common import NODE_DIR, NODE22, REPO, SIMPLE_TEXT, require, run_json
from support.artifacts import artifacts_dir
from support.server_process import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = artifacts_dir("oauth-browser")
FORM = "application/x-www-form-urlencoded"


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class HostListener:
    """The host's loopback side: /callback records the redirect; /start shows a page with a link to
    the next authorization (set by the test)."""

    def __init__(self) -> None:
        self.callbacks: list[str] = []
        self.next_link = ""
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                if self.path.startswith("/callback"):
                    listener.callbacks.append(self.path)
                    body = "<!DOCTYPE html><title>Signed in</title><p>You may close this window.</p>"
                else:
                    body = (f'<!DOCTYPE html><title>Host</title>'
                            f'<a id="authorize" href="{html.escape(listener.next_link)}">Connect to Blender</a>')
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def callback(self) -> str:
        return f"http://127.0.0.1:{self.port}/callback"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def listener():
    made = HostListener()
    yield made
    made.close()


def _authorize_url(server, client_id: str, redirect_uri: str, verifier: str, state: str) -> str:
    return f"{server.base_url}/authorize?" + urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "code_challenge": _s256(verifier), "code_challenge_method": "S256", "state": state,
        "scope": "blender", "resource": server.mcp_url})


def _exchange(server, client_id: str, redirect: str, redirect_uri: str, verifier: str, state: str) -> dict:
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirect).query).items()}
    assert query.get("state") == state, redirect
    assert query.get("iss") == server.base_url, redirect
    reply = requests.post(f"{server.base_url}/token", headers={"Content-Type": FORM}, timeout=10, data=urlencode({
        "grant_type": "authorization_code", "code": query["code"], "redirect_uri": redirect_uri,
        "client_id": client_id, "code_verifier": verifier}))
    assert reply.status_code == 200, reply.text
    return reply.json()


def _call_tool(server, token: str, tool: str) -> str:
    """One tools/call in a short MCP session (initialize, call, DELETE); the result's text."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Accept": "application/json"}
    init = requests.post(server.mcp_url, headers=headers, timeout=10, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "browser", "version": "0"}}})
    assert init.status_code == 200, init.text
    session = {**headers, "Mcp-Session-Id": init.headers["Mcp-Session-Id"]}
    try:
        requests.post(server.mcp_url, headers=session, timeout=10,
                      json={"jsonrpc": "2.0", "method": "notifications/initialized"})
        reply = requests.post(server.mcp_url, headers=session, timeout=10, json={
            "jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": tool, "arguments": {}}})
        assert reply.status_code == 200, reply.text
        return reply.json()["result"]["content"][0]["text"]
    finally:
        requests.delete(server.mcp_url, headers=session, timeout=10)


def test_the_authorization_pages_work_in_a_real_browser(server, listener):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; run scripts/setup --test-deps")
    registered = requests.post(f"{server.base_url}/register", timeout=10, json={
        "client_name": "Browser host <i>", "redirect_uris": [listener.callback],
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        "token_endpoint_auth_method": "none"})
    assert registered.status_code == 201, registered.text
    client_id = registered.json()["client_id"]
    first_verifier, second_verifier = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    first_state, second_state = "s1-" + secrets.token_hex(4), "s2-" + secrets.token_hex(4)
    listener.next_link = _authorize_url(server, client_id, listener.callback, second_verifier, second_state)

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    rc, report, detail = run_json(
        [str(require(NODE22)), str(NODE_DIR / "oauth_browser.mjs"), json.dumps({
            "first_url": _authorize_url(server, client_id, listener.callback, first_verifier, first_state),
            "second_link_page": f"http://127.0.0.1:{listener.port}/start",
            "callback_prefix": listener.callback + "?", "username": "demo", "password": DEMO_PASSWORD,
            "screenshots": str(ARTIFACTS), "chromium": str(CHROMIUM)})],
        env=dict(os.environ), cwd=NODE_DIR, timeout=180)
    assert rc == 0 and report, detail

    login, consent, again = report["pages"]
    assert login["name"] == "login" and login["hasPassword"]
    assert "Browser host <i>" in login["text"]  # escaped in the HTML, shown as text
    assert consent["heading"] == "Allow access?" and not consent["hasPassword"]
    assert "demo" in consent["text"] and "blender" in consent["text"]
    # Signed in: the second authorization, begun on the host's page, skipped the password.
    assert again["name"] == "consent-again" and not again["hasPassword"]
    # The CSP held: nothing refused, and the page's own style (by nonce) applied.
    assert report["violations"] == [], report["violations"]
    assert not [m for m in report["console"] if "Content Security Policy" in m["text"]], report["console"]
    for page in report["pages"]:
        assert page["style"]["bodyMaxWidth"] == "416px", page  # 26rem
    assert (ARTIFACTS / "login.png").stat().st_size > 1000
    assert (ARTIFACTS / "consent.png").stat().st_size > 1000

    assert len(listener.callbacks) == 2
    first = _exchange(server, client_id, report["first_redirect"], listener.callback, first_verifier, first_state)
    second = _exchange(server, client_id, report["second_redirect"], listener.callback, second_verifier,
                       second_state)
    assert first["scope"] == second["scope"] == "blender"
    assert _call_tool(server, first["access_token"], "test_simple_text") == SIMPLE_TEXT
    assert _call_tool(server, second["access_token"], "test_simple_text") == SIMPLE_TEXT
