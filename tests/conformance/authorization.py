"""The official conformance tool's `authorization` checks (@modelcontextprotocol/conformance
0.2.0-alpha.12, installed as `conformance-next` in tests/node) against a running blender-mcp:
`authorization-server-metadata-endpoint` and `authorization-code-grant`.

The code-grant scenario prints an authorization URL for a person to open and waits for the
redirect on http://127.0.0.1:<port>/callback. Here the client is registered first (Dynamic
Client Registration, with that redirect URI), and the person is played over HTTP: the URL is
opened, the sign-in and consent forms are filled from the pages' own fields (cookies kept), and
the final redirect is followed to the tool's callback listener. Standard library only.
"""
from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE.parent / "node"
RUNNER_NEXT = NODE_DIR / "node_modules" / "conformance-next" / "dist" / "index.js"
SCENARIOS = ("authorization-server-metadata-endpoint", "authorization-code-grant")
TIMEOUT = 180  # seconds for the whole authorization run
FORM = "application/x-www-form-urlencoded"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def register(base_url: str, redirect_uri: str) -> str:
    body = json.dumps({"client_name": "MCP conformance (authorization)", "redirect_uris": [redirect_uri],
                       "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
                       "token_endpoint_auth_method": "none"}).encode()
    request = urllib.request.Request(f"{base_url}/register", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.load(reply)["client_id"]


def play_person(authorization_url: str, username: str, password: str) -> str:
    """Signs in and allows; follows the redirect to the callback. Returns the redirect URL."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                         _NoRedirect())
    base = authorization_url.split("?", 1)[0]

    def fields_of(page: str) -> dict[str, str]:
        return {html.unescape(n): html.unescape(v) for n, v in HIDDEN.findall(page)}

    def post(fields: dict[str, str]):
        request = urllib.request.Request(base, data=urlencode(fields).encode(), method="POST",
                                         headers={"Content-Type": FORM})
        try:
            return opener.open(request, timeout=10)
        except urllib.error.HTTPError as reply:  # 303 and errors come here without redirects
            return reply

    with opener.open(authorization_url, timeout=10) as page:
        login_page = page.read().decode()
    login = fields_of(login_page)
    login.update({"username": username, "password": password})
    consent_reply = post(login)
    consent_page = consent_reply.read().decode()
    if consent_reply.status != 200:
        raise RuntimeError(f"sign-in answered {consent_reply.status}: {consent_page[:300]}")
    consent = fields_of(consent_page)
    consent["action"] = "allow"
    done = post(consent)
    if done.status != 303:
        raise RuntimeError(f"consent answered {done.status}: {done.read()[:300]!r}")
    location = done.headers["Location"]
    with urllib.request.urlopen(location, timeout=10) as callback:
        callback.read()
    return location


def run_authorization(node: Path, base_url: str, mcp_url: str, results_dir: Path, log_path: Path,
                      username: str, password: str, spec_version: str) -> int:
    """Runs the checks; 0 when the tool exited 0 and no check failed or was skipped."""
    port = free_port()
    client_id = register(base_url, f"http://127.0.0.1:{port}/callback")
    cmd = [str(node), str(RUNNER_NEXT), "authorization", "--url", base_url, "--client-id", client_id,
           "--resource", mcp_url, "--port", str(port), "--spec-version", spec_version, "-o", str(results_dir)]
    print("$ " + " ".join(cmd), flush=True)
    person_errors: list[str] = []
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=results_dir.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True,
                                env=dict(os.environ, NO_COLOR="1", FORCE_COLOR="0"))
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                log.write(line)
                text = line.strip()
                if text.startswith(f"{base_url}/authorize?"):
                    try:
                        play_person(text, username, password)
                    except Exception as error:  # noqa: BLE001 (reported, and the run fails)
                        person_errors.append(f"{type(error).__name__}: {error}")
            rc = proc.wait()
        finally:
            timer.cancel()
    rows = []
    for checks_file in sorted(results_dir.glob("**/checks.json")):
        for check in json.loads(checks_file.read_text()):
            rows.append((checks_file.parent.name, check.get("id"), check.get("status"),
                         " ".join(str(check.get("errorMessage") or "").split())[:160]))
    print(f"\n{'authorization check'.ljust(40)}  status")
    for _, check_id, status, message in rows:
        print(f"{str(check_id).ljust(40)}  {status}  {message}")
    for error in person_errors:
        print(f"the person's part failed: {error}")
    seen = {check_id for _, check_id, _, _ in rows}
    missing = [s for s in ("authorization-server-metadata", "authorization-code-grant") if s not in seen]
    bad = [r for r in rows if r[2] in ("FAILURE", "SKIPPED")]
    if missing:
        print(f"checks missing from the results: {', '.join(missing)}")
    print(f"authorization checks: {len(rows) - len(bad)} of {len(rows)} passed; runner exit status {rc}")
    return 0 if rc == 0 and not bad and not missing and not person_errors else 1
