"""The `mcp` Python SDK's OAuth client (`OAuthClientProvider`) connects to /mcp given only the URL
(docs/authorization.md): it reads the 401, discovers the metadata, registers with Dynamic Client
Registration, sends the person to /authorize (here: the test fills the login and consent forms
over HTTP, as a browser would), exchanges the code, calls a tool, refreshes, and the grant is
revoked at the end. Once more with a client metadata document instead of registration: the
client_id is the https URL of a document the test serves on loopback with a test CA."""
from __future__ import annotations

import asyncio
import html
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

from interop.common import SIMPLE_TEXT
from support.server_process import DEMO_PASSWORD

pytestmark = pytest.mark.filterwarnings("ignore:The logging capability is deprecated")

CALLBACK = "http://127.0.0.1:47123/callback"
FORM = "application/x-www-form-urlencoded"


class MemoryStorage:
    """The SDK's TokenStorage, in memory; it also counts what was stored."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None
        self.token_writes = 0

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens
        self.token_writes += 1

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


def _hidden(page: str) -> dict[str, str]:
    return {html.unescape(n): html.unescape(v)
            for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page)}


class Person:
    """The person in front of the browser: opens the authorization URL, signs in, allows."""

    def __init__(self) -> None:
        self.redirect: str | None = None
        self.pages: list[str] = []

    async def open(self, authorization_url: str) -> None:
        async with httpx.AsyncClient(follow_redirects=False, timeout=30) as browser:
            page = await browser.get(authorization_url)
            assert page.status_code == 200, page.text
            self.pages.append(page.text)
            fields = _hidden(page.text)
            fields.update({"username": "demo", "password": DEMO_PASSWORD})
            base = authorization_url.split("?")[0]
            consent = await browser.post(base, content=urlencode(fields), headers={"Content-Type": FORM})
            assert consent.status_code == 200, consent.text
            self.pages.append(consent.text)
            fields = _hidden(consent.text)
            fields["action"] = "allow"
            done = await browser.post(base, content=urlencode(fields), headers={"Content-Type": FORM})
            assert done.status_code == 303, done.text
            self.redirect = done.headers["location"]

    async def callback(self) -> AuthorizationCodeResult:
        assert self.redirect and self.redirect.startswith(CALLBACK + "?"), self.redirect
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.redirect).query).items()}
        return AuthorizationCodeResult(code=query["code"], state=query.get("state"), iss=query.get("iss"))


async def _connect_and_call(url: str, provider: OAuthClientProvider) -> list[str]:
    async with create_mcp_http_client(auth=provider) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=30) as session:
                await session.initialize()
                result = await session.call_tool("test_simple_text", {})
                return [c.text for c in result.content if c.type == "text"]


async def _flow(server) -> dict[str, Any]:
    report: dict[str, Any] = {}
    person = Person()
    storage = MemoryStorage()
    provider = OAuthClientProvider(
        server_url=server.mcp_url,
        client_metadata=OAuthClientMetadata(
            client_name="SDK test host", redirect_uris=[CALLBACK], grant_types=["authorization_code", "refresh_token"],
            response_types=["code"], token_endpoint_auth_method="none", scope="blender"),
        storage=storage, redirect_handler=person.open, callback_handler=person.callback)

    report["first_call"] = await _connect_and_call(server.mcp_url, provider)
    report["client_id"] = storage.client_info.client_id if storage.client_info else None
    report["pages"] = list(person.pages)
    first = storage.tokens
    report["first_tokens"] = first

    # The access token "expires": the provider refreshes before its next request.
    provider.context.token_expiry_time = time.time() - 1
    person.redirect = None
    report["second_call"] = await _connect_and_call(server.mcp_url, provider)
    report["second_tokens"] = storage.tokens
    report["reauthorized"] = person.redirect is not None

    # Revocation (RFC 7009) of the current refresh token ends the grant.
    async with httpx.AsyncClient(timeout=30) as http:
        revoked = await http.post(f"{server.base_url}/revoke", headers={"Content-Type": FORM}, content=urlencode(
            {"token": storage.tokens.refresh_token, "client_id": report["client_id"]}))
        report["revoke_status"] = revoked.status_code
        after = await http.post(f"{server.base_url}/token", headers={"Content-Type": FORM}, content=urlencode(
            {"grant_type": "refresh_token", "refresh_token": storage.tokens.refresh_token,
             "client_id": report["client_id"]}))
        report["after_revoke"] = (after.status_code, after.json())
    return report


def test_the_sdk_oauth_client_connects_with_the_url_alone(server):
    report = asyncio.run(asyncio.wait_for(_flow(server), timeout=120))

    assert report["first_call"] == [SIMPLE_TEXT]
    assert report["client_id"]
    assert "SDK test host" in report["pages"][0] and 'name="password"' in report["pages"][0]
    assert 'value="allow"' in report["pages"][1]
    first, second = report["first_tokens"], report["second_tokens"]
    assert first.scope == "blender"
    # The second connection refreshed (new tokens) without sending the person to the pages again.
    assert report["second_call"] == [SIMPLE_TEXT]
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    assert not report["reauthorized"]
    assert report["revoke_status"] == 200
    assert report["after_revoke"][0] == 400
    assert report["after_revoke"][1]["error"] == "invalid_grant"


# Client ID Metadata Documents --------------------------------------------------------------------


async def _document_flow(server, client_metadata_url: str) -> dict[str, Any]:
    person = Person()
    storage = MemoryStorage()
    provider = OAuthClientProvider(
        server_url=server.mcp_url,
        client_metadata=OAuthClientMetadata(
            client_name="SDK document host", redirect_uris=[CALLBACK],
            grant_types=["authorization_code", "refresh_token"], response_types=["code"],
            token_endpoint_auth_method="none", scope="blender"),
        storage=storage, redirect_handler=person.open, callback_handler=person.callback,
        client_metadata_url=client_metadata_url)
    report: dict[str, Any] = {"call": await _connect_and_call(server.mcp_url, provider)}
    report["client_id"] = storage.client_info.client_id if storage.client_info else None
    report["pages"] = list(person.pages)
    provider.context.token_expiry_time = time.time() - 1
    person.redirect = None
    report["after_refresh"] = await _connect_and_call(server.mcp_url, provider)
    report["reauthorized"] = person.redirect is not None
    return report


def test_the_sdk_oauth_client_connects_with_a_client_metadata_document(document_server, documents):
    url = documents.serve_client("/sdk/client.json", [CALLBACK], client_name="SDK document host")
    report = asyncio.run(asyncio.wait_for(_document_flow(document_server, url), timeout=120))

    assert report["call"] == [SIMPLE_TEXT]
    # No registration: the client_id is the document's URL, which the server fetched.
    assert report["client_id"] == url
    assert "/sdk/client.json" in documents.requests
    assert "SDK document host" in report["pages"][0]
    assert report["after_refresh"] == [SIMPLE_TEXT]
    assert not report["reauthorized"]
