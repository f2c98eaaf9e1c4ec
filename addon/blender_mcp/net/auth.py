"""Login, refresh and logout against the server's /auth endpoints (contract 9.5), and the token
state the connection threads share.
"""
from __future__ import annotations

import base64
import datetime
import json
import threading
import time
from dataclasses import dataclass

from . import http

LOGIN_TIMEOUT = 10.0
REFRESH_MARGIN = 60.0  # refresh this many seconds before the access token expires ...
# ... but never earlier than half way through its lifetime: a server configured for one-minute tokens
# (ACCESS_TOKEN_EXPIRE_MINUTES=1) would otherwise get a refresh right after every refresh.


class AuthError(Exception):
    """The server refused the credentials or the refresh token (an HTTP answer, not a network error)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float | None  # Unix time, None when unknown
    lifetime: float | None = None  # seconds from issue to expiry; None: read from the JWT if possible


def iso_utc(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_utc(text: str) -> float | None:
    """Unix time of an ISO 8601 timestamp; naive values are read as UTC; bad text gives None."""
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.timestamp()


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT, read without verifying it (only to schedule a refresh)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        exp = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))["exp"]
        return float(exp)
    except (IndexError, KeyError, ValueError, TypeError):
        return None


def jwt_subject(token: str) -> str:
    """The `sub` claim (the username) of a JWT, read without verifying it (for display); "" if absent."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        subject = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))["sub"]
    except (IndexError, KeyError, ValueError, TypeError):
        return ""
    return subject if isinstance(subject, str) else ""


def jwt_lifetime(token: str) -> float | None:
    """`exp` - `iat` of a JWT, read without verifying it; None when either claim is missing."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
        return float(claims["exp"]) - float(claims["iat"])
    except (IndexError, KeyError, ValueError, TypeError):
        return None


def refresh_margin(tokens: Tokens) -> float:
    """How long before expiry `tokens` should be refreshed: REFRESH_MARGIN, or half the lifetime
    when that is shorter."""
    lifetime = tokens.lifetime if tokens.lifetime is not None else jwt_lifetime(tokens.access_token)
    if lifetime is None or lifetime <= 0:
        return REFRESH_MARGIN
    return min(REFRESH_MARGIN, lifetime / 2)


def _tokens_from(answer: http.Response, previous_refresh: str = "") -> Tokens:
    body = answer.json()
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        raise AuthError("server answer has no access_token", answer.status)
    expires_in = body.get("expires_in")
    known = isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool)
    expires_at = time.time() + float(expires_in) if known else jwt_expiry(body["access_token"])
    return Tokens(body["access_token"], body.get("refresh_token") or previous_refresh, expires_at,
                  float(expires_in) if known else None)


def login(base: str, username: str, password: str) -> Tokens:
    if not username or not password:
        raise AuthError("username and password required", 400)
    answer = http.request("POST", f"{base}/auth/login", body={"username": username, "password": password},
                          timeout=LOGIN_TIMEOUT)
    if answer.status != 200:
        raise AuthError(answer.detail(), answer.status)
    return _tokens_from(answer)


def refresh(base: str, refresh_token: str) -> Tokens:
    if not refresh_token:
        raise AuthError("no refresh token stored", 401)
    answer = http.request("POST", f"{base}/auth/refresh", body={"refresh_token": refresh_token},
                          timeout=LOGIN_TIMEOUT)
    if answer.status != 200:
        raise AuthError(answer.detail(), answer.status)
    return _tokens_from(answer, refresh_token)


def logout(base: str, access_token: str) -> None:
    """Best effort: every failure is ignored (contract 9.5)."""
    try:
        http.request("POST", f"{base}/auth/logout", headers={"Authorization": f"Bearer {access_token}"},
                     timeout=LOGIN_TIMEOUT)
    except (http.TransportError, ValueError):
        pass


class TokenState:
    """The tokens in use, shared by the connection threads (all methods are thread-safe)."""

    def __init__(self, tokens: Tokens) -> None:
        self._lock = threading.Lock()
        self._tokens = tokens

    def get(self) -> Tokens:
        with self._lock:
            return self._tokens

    def set(self, tokens: Tokens) -> None:
        with self._lock:
            self._tokens = tokens

    def access_token(self) -> str:
        return self.get().access_token

    def refresh_due_at(self) -> float | None:
        """Unix time at which the token should be refreshed, or None when its expiry is unknown."""
        tokens = self.get()
        return None if tokens.expires_at is None else tokens.expires_at - refresh_margin(tokens)
