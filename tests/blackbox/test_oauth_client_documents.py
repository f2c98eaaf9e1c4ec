"""Client ID Metadata Documents (docs/authorization.md): a client_id that is an https URL names
the client's metadata document, which the server fetches (https only, public addresses only
unless allowed, 64 KiB, 5 s, no redirects), checks and caches, and whose redirect_uris it
enforces. The documents are served over real TLS on loopback with a test CA
(support/https_documents.py)."""
from __future__ import annotations

import shutil
import subprocess
import threading
import time

import pytest

from blackbox.oauth_flow import REDIRECT_URI, Client, OAuthHost, new_verifier
from blackbox.wire import Mcp
from support.https_documents import Answer, DocumentServer
from support.server_process import DEMO_PASSWORD, binary_path, start_server


@pytest.fixture(scope="module")
def documents():
    served = DocumentServer()
    yield served
    served.close()
    shutil.rmtree(served.directory, ignore_errors=True)


@pytest.fixture(scope="module")
def doc_server(documents):
    """A server that trusts the test CA and may fetch from 127.0.0.1."""
    srv = start_server("--oauth-metadata-allow", "127.0.0.1", "--oauth-metadata-ca-file", str(documents.ca_file))
    yield srv
    srv.stop()
    shutil.rmtree(srv.data_dir, ignore_errors=True)


@pytest.fixture
def host(doc_server):
    made = OAuthHost(doc_server.base_url)
    yield made
    made.close()


def _refusal(host: OAuthHost, client_id: str, redirect_uri: str = REDIRECT_URI):
    """Opens /authorize for `client_id`; the error page (never a redirect)."""
    page = host.open_authorize(host.authorize_params(Client(client_id, redirect_uri), new_verifier()))
    assert page.status_code == 400, page.text
    assert "location" not in page.headers
    return page.text


def _tool_call(base_url: str, token: str):
    mcp = Mcp(base_url, token)
    try:
        session = mcp.initialize()
        reply = session.call("tools/call", {"name": "blender_list_clients", "arguments": {}})
        session.delete()
        return reply
    finally:
        mcp.close()


def test_the_metadata_says_client_id_documents_are_supported(doc_server, host):
    body = host.http.get(doc_server.base_url + "/.well-known/oauth-authorization-server").json()
    assert body["client_id_metadata_document_supported"] is True


def test_a_client_id_url_goes_through_the_whole_flow(doc_server, documents, host):
    url = documents.serve_client("/apps/editor.json", [REDIRECT_URI], client_name="Document Editor")
    client = Client(url, REDIRECT_URI)
    verifier = new_verifier()
    params = host.authorize_params(client, verifier)
    page = host.open_authorize(params)
    assert page.status_code == 200, page.text
    assert "Document Editor</span> (described by <code>127.0.0.1:%d</code>)" % documents.port in page.text
    got = host.authorize(client, verifier)
    assert got["iss"] == doc_server.base_url
    tokens = host.exchange(client, got["code"], verifier)
    assert tokens.status_code == 200, tokens.text
    assert _tool_call(doc_server.base_url, tokens.json()["access_token"]).status == 200
    refreshed = host.refresh(client, tokens.json()["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert host.revoke(client, refreshed.json()["refresh_token"]).status_code == 200
    assert host.refresh(client, refreshed.json()["refresh_token"]).json()["error"] == "invalid_grant"
    # One fetch served the pages of both authorizations: the document is cached.
    assert documents.requests.count("/apps/editor.json") == 1


def test_the_client_name_of_a_document_is_shown_escaped(doc_server, documents, host):
    url = documents.serve_client("/apps/script.json", [REDIRECT_URI], client_name="<script>alert(1)</script>")
    page = host.open_authorize(host.authorize_params(Client(url, REDIRECT_URI), new_verifier()))
    assert page.status_code == 200, page.text
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_a_redirect_uri_the_document_does_not_list_is_refused(doc_server, documents, host):
    url = documents.serve_client("/apps/listed.json", ["http://127.0.0.1:43210/other"])
    assert "Wrong redirect address" in _refusal(host, url)


def test_a_document_whose_client_id_is_another_url_is_refused(doc_server, documents, host):
    url = documents.serve_client("/apps/wrong-id.json", [REDIRECT_URI], client_id="https://elsewhere.example/c.json")
    text = _refusal(host, url)
    assert "client_id is not its own URL" in text and "elsewhere.example" in text


def test_an_oversized_document_is_refused(doc_server, documents, host):
    url = documents.url("/apps/huge.json")
    padding = "x" * (70 * 1024)
    documents.serve("/apps/huge.json", Answer(
        ('{"client_id":"%s","redirect_uris":["%s"],"client_name":"%s"}' % (url, REDIRECT_URI, padding)).encode()))
    assert "the document is larger than 65536 bytes" in _refusal(host, url)


def test_a_slow_document_is_given_up_after_five_seconds(doc_server, documents, host):
    url = documents.serve_client("/apps/slow.json", [REDIRECT_URI])
    documents.answers["/apps/slow.json"].delay = 8.0
    started = time.monotonic()
    text = _refusal(host, url)
    elapsed = time.monotonic() - started
    assert "took too long" in text
    assert 4.5 < elapsed < 7.5, elapsed


def test_a_slow_document_holds_one_worker_only(doc_server, documents, host):
    slow = documents.serve_client("/apps/slow-but-in-time.json", [REDIRECT_URI])
    documents.answers["/apps/slow-but-in-time.json"].delay = 3.0
    other = documents.serve_client("/apps/waiting.json", [REDIRECT_URI])
    pages: list = []
    second = OAuthHost(doc_server.base_url)
    opener = threading.Thread(target=lambda: pages.append(
        second.open_authorize(second.authorize_params(Client(slow, REDIRECT_URI), new_verifier()))))
    try:
        opener.start()
        deadline = time.monotonic() + 5
        while "/apps/slow-but-in-time.json" not in documents.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        # While that fetch runs: another document is refused at once, sign-ins go on.
        assert "busy fetching another client metadata document" in _refusal(host, other)
        started = time.monotonic()
        login = host.http.post(doc_server.base_url + "/auth/login",
                               json={"username": "demo", "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.text
        assert time.monotonic() - started < 2.0
    finally:
        opener.join()
        second.close()
    assert pages[0].status_code == 200, pages[0].text
    assert "/apps/waiting.json" not in documents.requests


def test_a_redirect_is_not_followed(doc_server, documents, host):
    target = documents.serve_client("/apps/target.json", [REDIRECT_URI])
    documents.serve("/apps/moved.json", Answer(b"", 302, "text/plain", {"Location": target}))
    assert "redirects are not followed" in _refusal(host, documents.url("/apps/moved.json"))
    assert "/apps/target.json" not in documents.requests


@pytest.mark.parametrize("body, content_type, problem", [
    (b"<html></html>", "text/html", "is not JSON"),
    (b"[1]", "application/json", "the document is not a JSON object"),
    (b'{"client_id":"URL","redirect_uris":["http://127.0.0.1:43210/callback"],"client_secret":"s"}',
     "application/json", "must not carry client_secret"),
])
def test_bad_documents_are_refused(doc_server, documents, host, body, content_type, problem):
    path = f"/apps/bad-{abs(hash(body))}.json"
    url = documents.url(path)
    documents.serve(path, Answer(body.replace(b"URL", url.encode()), content_type=content_type))
    assert problem in _refusal(host, url)


def test_an_http_client_id_is_refused_without_a_fetch(doc_server, documents, host):
    before = len(documents.requests)
    assert "a client_id URL must use https" in _refusal(host, f"http://127.0.0.1:{documents.port}/apps/plain.json")
    assert len(documents.requests) == before


def test_a_code_of_a_document_client_is_bound_to_it(doc_server, documents, host):
    first = Client(documents.serve_client("/apps/first.json", [REDIRECT_URI]), REDIRECT_URI)
    second = Client(documents.serve_client("/apps/second.json", [REDIRECT_URI]), REDIRECT_URI)
    verifier = new_verifier()
    got = host.authorize(first, verifier)
    stolen = host.exchange(second, got["code"], verifier)
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"


# without the allow-list ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def strict_server(documents):
    """A server that trusts the test CA but has no allow-list: loopback is refused."""
    srv = start_server("--oauth-metadata-ca-file", str(documents.ca_file))
    yield srv
    srv.stop()
    shutil.rmtree(srv.data_dir, ignore_errors=True)


@pytest.mark.parametrize("client_id, reason", [
    ("https://127.0.0.1:{port}/apps/editor.json", "127.0.0.1, a loopback address"),
    ("https://localhost:{port}/apps/editor.json", "localhost resolves to"),
    ("https://169.254.169.254/latest/meta-data/client.json", "169.254.169.254, a link-local address"),
    ("https://[::1]:{port}/apps/editor.json", "::1, a loopback address"),
    ("https://10.0.0.1/apps/editor.json", "10.0.0.1, a private address"),
])
def test_non_public_addresses_are_refused_without_the_allow_list(strict_server, documents, client_id, reason):
    host = OAuthHost(strict_server.base_url)
    try:
        documents.serve_client("/apps/editor.json", [REDIRECT_URI])
        before = len(documents.requests)
        text = _refusal(host, client_id.format(port=documents.port))
        assert reason in text
        assert "not fetched unless the allow-list names it" in text
        assert len(documents.requests) == before
    finally:
        host.close()


def test_a_certificate_from_an_untrusted_ca_is_refused(documents):
    srv = start_server("--oauth-metadata-allow", "127.0.0.1")
    host = OAuthHost(srv.base_url)
    try:
        url = documents.serve_client("/apps/untrusted.json", [REDIRECT_URI])
        text = _refusal(host, url)
        assert "TLS handshake" in text and "certificate verify failed" in text
    finally:
        host.close()
        srv.stop()
        shutil.rmtree(srv.data_dir, ignore_errors=True)


@pytest.mark.parametrize("args, named", [
    (["--oauth-metadata-allow", "host:port"], "--oauth-metadata-allow: 'host:port'"),
    (["--oauth-metadata-ca-file", "/nonexistent/ca.pem"], "--oauth-metadata-ca-file: cannot load CA certificates"),
])
def test_bad_settings_stop_the_server_with_a_clear_error(tmp_path, args, named):
    done = subprocess.run([str(binary_path()), "serve", "--port", "0", "--data-dir", str(tmp_path), *args],
                          capture_output=True, text=True, timeout=30, env={"ADMIN_PASSWORD": "x"})
    assert done.returncode == 2
    assert named in done.stderr, done.stderr
