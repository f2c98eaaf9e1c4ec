"""Hand-made JWTs (HS256 and friends) for probing the server's token verification (contract §3)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path
from typing import Any

_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _segment(obj: Any) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def sign(signing_input: str, key: str | bytes, alg: str = "HS256") -> str:
    key_bytes = key.encode("utf-8") if isinstance(key, str) else key
    return b64url(hmac.new(key_bytes, signing_input.encode("ascii"), _HASHES[alg]).digest())


def make_jwt(claims: dict, key: str | bytes | None, *, alg: str = "HS256",
             header: dict | None = None) -> str:
    """Encodes `claims`; with key None (or alg "none") the signature segment is empty."""
    head = {"alg": alg, "typ": "JWT"} if header is None else header
    signing_input = f"{_segment(head)}.{_segment(claims)}"
    signature = "" if key is None or alg not in _HASHES else sign(signing_input, key, alg)
    return f"{signing_input}.{signature}"


def decode(token: str) -> tuple[dict, dict]:
    """The (header, claims) of a token, without verification."""
    head, payload, _ = token.split(".")
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(payload))


def verifies(token: str, key: str | bytes) -> bool:
    head, payload, signature = token.split(".")
    return hmac.compare_digest(sign(f"{head}.{payload}", key), signature)


def read_key(where) -> str:
    """The signing key the server generated (contract §3.1): in its data directory (a Path), or
    wherever its store (a support.server_process.Store) keeps it."""
    if hasattr(where, "signing_key"):
        return where.signing_key()
    return (Path(where) / "jwt_secret").read_text(encoding="utf-8").strip()


def new_jti() -> str:
    return secrets.token_hex(16)


def uid_of(token: str) -> str:
    """The account id (claim `uid`) of a token the server issued."""
    return decode(token)[1]["uid"]


def access_claims(sub: str = "demo", *, uid: str | None = None, aud: str | None = None, lifetime: int = 1800,
                  now: int | None = None, **overrides: Any) -> dict:
    """Claims shaped like a server-issued access token (contract §3.2, plus the account id `uid`
    and the audience `aud`, docs/authorization.md); overrides replace or, as None, remove a claim.
    Without `uid` the token names an account that does not exist (a fresh random id). `aud` is the
    server's /mcp URL (server.mcp_url); without it the server refuses the token ("Invalid token:
    missing audience") once the checks before that one pass."""
    now = int(time.time()) if now is None else now
    claims = {"sub": sub, "uid": uid or new_jti(), "username": sub, "roles": ["user"], "scopes": ["read", "write"],
              "iat": now, "exp": now + lifetime, "jti": new_jti(), "typ": "access"}
    if aud is not None:
        claims["aud"] = aud
    return _apply(claims, overrides)


def refresh_claims(sub: str = "demo", *, uid: str | None = None, lifetime: int = 7 * 86400, now: int | None = None,
                   **overrides: Any) -> dict:
    now = int(time.time()) if now is None else now
    claims = {"sub": sub, "uid": uid or new_jti(), "iat": now, "exp": now + lifetime, "jti": new_jti(),
              "typ": "refresh"}
    return _apply(claims, overrides)


def _apply(claims: dict, overrides: dict) -> dict:
    for name, value in overrides.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims
