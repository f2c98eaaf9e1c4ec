"""A console user for black-box tests: signs in at /console/api/login, keeps the session cookie and
the CSRF token, and calls the console's API with them (docs/console.md)."""
from __future__ import annotations

import json
from typing import Any

from blackbox.wire import Http, Reply, SseStream

COOKIE = "bmcp_console"
API = "/console/api"


def set_cookie_attributes(reply: Reply) -> dict[str, str]:
    """The attributes of the console's Set-Cookie header: {"bmcp_console": value, "Path": ..., "HttpOnly": ""}."""
    values = [v for k, v in reply.headers.multi_items() if k.lower() == "set-cookie"]
    assert len(values) == 1, reply
    attributes = {}
    for part in values[0].split(";"):
        name, _, value = part.strip().partition("=")
        attributes[name] = value
    return attributes


class Console:
    """One browser's console session on one server."""

    def __init__(self, http: Http) -> None:
        self.http = http
        self.cookie = ""
        self.csrf = ""

    def sign_in(self, username: str, password: str) -> Reply:
        reply = self.http.request("POST", f"{API}/login", json_body={"username": username, "password": password})
        if reply.status == 200:
            self.cookie = set_cookie_attributes(reply)[COOKIE]
            self.csrf = reply.json()["csrf_token"]
        return reply

    def headers(self, csrf: str | None = None) -> dict[str, str]:
        headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
        token = self.csrf if csrf is None else csrf
        if token:
            headers["X-CSRF-Token"] = token
        return headers

    def get(self, path: str, params: dict[str, str] | None = None) -> Reply:
        return self.http.request("GET", API + path, headers=self.headers(), params=params)

    def post(self, path: str, body: Any = None, *, csrf: str | None = None, raw: bytes | None = None,
             content_type: str = "application/json") -> Reply:
        headers = self.headers(csrf)
        headers["Content-Type"] = content_type
        content = raw if raw is not None else json.dumps({} if body is None else body).encode()
        return self.http.request("POST", API + path, content=content, headers=headers)

    def events(self) -> SseStream:
        return SseStream(self.http.base_url, f"{API}/events", {"Cookie": f"{COOKIE}={self.cookie}"},
                         source=self.http.source)


def signed_in(http: Http, username: str, password: str) -> Console:
    console = Console(http)
    reply = console.sign_in(username, password)
    assert reply.status == 200, reply
    return console
