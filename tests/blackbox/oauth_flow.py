"""The OAuth authorization server's flows, driven over HTTP the way a host and a person's browser
drive them (docs/authorization.md): registration, the /authorize login and consent pages (cookies
kept, forms filled from the pages' own fields), code exchange with PKCE, refresh and revocation."""
from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from blackbox.wire import make_http_client, next_source_address

REDIRECT_URI = "http://127.0.0.1:43210/callback"
FORM = "application/x-www-form-urlencoded"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def new_verifier() -> str:
    return secrets.token_urlsafe(48)


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a page's form, unescaped."""
    return {html.unescape(name): html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)}


def redirect_params(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@dataclass
class Client:
    client_id: str
    redirect_uri: str


class OAuthHost:
    """One host (and the browser of the person using it), from one loopback source address."""

    def __init__(self, base_url: str, source: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.source = source or next_source_address()
        self.http: httpx.Client = make_http_client(self.source)
        self.resource = f"{self.base_url}/mcp"

    def close(self) -> None:
        self.http.close()

    # registration and metadata ------------------------------------------------------------------

    def register(self, name: str = "Test host", redirect_uris: list[str] | None = None) -> Client:
        reply = self.http.post(f"{self.base_url}/register", json={
            "client_name": name, "redirect_uris": redirect_uris or [REDIRECT_URI],
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "token_endpoint_auth_method": "none"})
        assert reply.status_code == 201, reply.text
        body = reply.json()
        return Client(body["client_id"], body["redirect_uris"][0])

    # the browser part -------------------------------------------------------------------------

    def authorize_params(self, client: Client, verifier: str, **overrides: str | None) -> dict[str, str]:
        params = {"response_type": "code", "client_id": client.client_id,
                  "redirect_uri": client.redirect_uri, "code_challenge": s256(verifier),
                  "code_challenge_method": "S256", "state": "state-" + secrets.token_hex(4),
                  "scope": "blender", "resource": self.resource}
        for key, value in overrides.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return params

    def open_authorize(self, params: dict[str, str]) -> httpx.Response:
        return self.http.get(f"{self.base_url}/authorize", params=params)

    def post_form(self, fields: dict[str, str]) -> httpx.Response:
        return self.http.post(f"{self.base_url}/authorize", content=urlencode(fields),
                              headers={"Content-Type": FORM})

    def login(self, page: httpx.Response, username: str, password: str) -> httpx.Response:
        fields = hidden_fields(page.text)
        fields.update({"username": username, "password": password})
        return self.post_form(fields)

    def consent(self, page: httpx.Response, action: str = "allow") -> httpx.Response:
        fields = hidden_fields(page.text)
        fields["action"] = action
        return self.post_form(fields)

    def authorize(self, client: Client, verifier: str, username: str = "demo",
                  password: str = "demo", **overrides: str | None) -> dict[str, str]:
        """The whole browser part; the redirect's parameters (code, state, iss)."""
        params = self.authorize_params(client, verifier, **overrides)
        page = self.open_authorize(params)
        assert page.status_code == 200, page.text
        if 'name="password"' in page.text:
            page = self.login(page, username, password)
            assert page.status_code == 200, page.text
        done = self.consent(page)
        assert done.status_code == 303, done.text
        location = done.headers["location"]
        assert location.startswith(client.redirect_uri + "?"), location
        got = redirect_params(location)
        assert got.get("state") == params["state"], location
        return got

    # tokens ----------------------------------------------------------------------------------

    def token(self, **fields: str) -> httpx.Response:
        return self.http.post(f"{self.base_url}/token", content=urlencode(fields),
                              headers={"Content-Type": FORM})

    def exchange(self, client: Client, code: str, verifier: str, **extra: str) -> httpx.Response:
        return self.token(grant_type="authorization_code", code=code, redirect_uri=client.redirect_uri,
                          client_id=client.client_id, code_verifier=verifier, **extra)

    def refresh(self, client: Client, refresh_token: str) -> httpx.Response:
        return self.token(grant_type="refresh_token", refresh_token=refresh_token,
                          client_id=client.client_id)

    def revoke(self, client: Client, token: str) -> httpx.Response:
        return self.http.post(f"{self.base_url}/revoke",
                              content=urlencode({"token": token, "client_id": client.client_id}),
                              headers={"Content-Type": FORM})

    def tokens(self, client: Client, username: str = "demo", password: str = "demo",
               scope: str = "blender") -> dict:
        verifier = new_verifier()
        got = self.authorize(client, verifier, username, password, scope=scope)
        reply = self.exchange(client, got["code"], verifier)
        assert reply.status_code == 200, reply.text
        return reply.json()
