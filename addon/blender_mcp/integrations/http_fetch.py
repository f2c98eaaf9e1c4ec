"""Outbound HTTP for the integration commands (contract 9.1, 9.12), standard library only.

Every request sends `User-Agent: blender-mcp`. JSON calls use a 30 s timeout; file downloads share
one deadline per command (150 s in total). Transport failures (unreachable host, timeout, TLS) and
undecodable JSON raise ServiceError, whose text is the message handlers put into {"error": ...}.
An HTTP status is never raised: callers get a Reply and decide what a status means for them.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
from typing import Any

USER_AGENT = "blender-mcp"
JSON_TIMEOUT_SECONDS = 30.0
DOWNLOAD_BUDGET_SECONDS = 150.0
_CHUNK_BYTES = 64 * 1024


class ServiceError(Exception):
    """A request that produced no usable answer. str(error) is meant for the command's caller."""


class Reply:
    """Status, headers and body of one HTTP exchange (any status, including 4xx/5xx)."""

    def __init__(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ServiceError(f"Invalid JSON from {self.url} (HTTP {self.status}): {error}") from None

    def provider_detail(self) -> Any:
        """The provider's error body (decoded JSON when possible, else short text), or None."""
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self.body[:500].decode("utf-8", "replace")


def status_error(reply: Reply) -> dict:
    """The contract's {"error": "API request failed with status code <n>"}, plus the provider's
    own explanation under "detail" when it sent one."""
    result: dict[str, Any] = {"error": f"API request failed with status code {reply.status}"}
    detail = reply.provider_detail()
    if detail not in (None, ""):
        result["detail"] = detail
    return result


def request(method: str, url: str, *, headers: dict[str, str] | None = None,
            body: bytes | None = None, timeout: float = JSON_TIMEOUT_SECONDS) -> Reply:
    """Sends one request and reads the whole body. Raises ServiceError on transport failures."""
    with _open(method, url, headers, body, timeout) as (status, reply_headers, stream):
        try:
            data = stream.read()
        except (socket.timeout, TimeoutError):
            raise ServiceError(f"Timeout (>{timeout:g}s) reading the answer from {url}") from None
        except (OSError, http.client.HTTPException) as error:
            raise ServiceError(f"Connection to {url} failed: {error!r}") from None
    return Reply(url, status, reply_headers, data)


def get_json(url: str, *, headers: dict[str, str] | None = None,
             timeout: float = JSON_TIMEOUT_SECONDS) -> Reply:
    return request("GET", url, headers=_with_accept_json(headers), timeout=timeout)


def post_json(url: str, payload: Any, *, headers: dict[str, str] | None = None,
              timeout: float = JSON_TIMEOUT_SECONDS) -> Reply:
    all_headers = _with_accept_json(headers)
    all_headers["Content-Type"] = "application/json"
    return request("POST", url, headers=all_headers, body=json.dumps(payload).encode("utf-8"),
                   timeout=timeout)


class Deadline:
    """The download budget of one command: every download of that command draws on it."""

    def __init__(self, seconds: float = DOWNLOAD_BUDGET_SECONDS) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def check(self, url: str) -> float:
        left = self.remaining()
        if left <= 0:
            raise ServiceError(
                f"Downloads exceeded the {self.seconds:g} s budget of this command while fetching {url}")
        return left


def download(url: str, destination: str, deadline: Deadline, *,
             headers: dict[str, str] | None = None) -> int:
    """GETs `url` into the file `destination` and returns its size in bytes.

    A status other than 2xx, a transport failure or running out of the deadline raises
    ServiceError and leaves no partial file behind.
    """
    socket_timeout = min(JSON_TIMEOUT_SECONDS, deadline.check(url))
    written = 0
    try:
        with _open("GET", url, headers, None, socket_timeout) as (status, reply_headers, stream):
            if not 200 <= status < 300:
                raise ServiceError(f"Download failed with status code {status}: {url}")
            with open(destination, "wb") as target:
                while True:
                    read_timeout = min(JSON_TIMEOUT_SECONDS, deadline.check(url))
                    _set_read_timeout(stream, read_timeout)
                    try:
                        chunk = stream.read(_CHUNK_BYTES)
                    except (socket.timeout, TimeoutError):
                        if deadline.remaining() <= 0:
                            deadline.check(url)
                        raise ServiceError(
                            f"Timeout (>{read_timeout:g}s without data) downloading {url}") from None
                    except (OSError, http.client.HTTPException) as error:
                        raise ServiceError(f"Download of {url} failed: {error!r}") from None
                    if not chunk:
                        break
                    target.write(chunk)
                    written += len(chunk)
            # http.client returns a short body at end of stream without complaint.
            promised = _content_length(reply_headers)
            if promised is not None and written != promised:
                raise ServiceError(f"Download of {url} ended after {written} of {promised} bytes")
    except BaseException:
        if os.path.exists(destination):
            os.remove(destination)
        raise
    return written


def _content_length(headers: dict[str, str]) -> int | None:
    for name, value in headers.items():
        if name.lower() == "content-length" and value.strip().isdigit():
            return int(value.strip())
    return None


def _set_read_timeout(response: Any, seconds: float) -> None:
    """Shortens the socket timeout of a streaming response so that the last reads of a download
    end with its deadline. http.client keeps the socket at response.fp.raw._sock; when that
    layout differs, the timeout given when the request was opened stays in force."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))


def _with_accept_json(headers: dict[str, str] | None) -> dict[str, str]:
    merged = dict(headers or {})
    merged.setdefault("Accept", "application/json")
    return merged


class _open:
    """Context manager yielding (status, headers, readable body) for any HTTP status."""

    def __init__(self, method: str, url: str, headers: dict[str, str] | None,
                 body: bytes | None, timeout: float) -> None:
        if not url.lower().startswith(("http://", "https://")):
            raise ServiceError(f"Not an http(s) URL: {url!r}")
        all_headers = {"User-Agent": USER_AGENT}
        all_headers.update(headers or {})
        self._request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
        self._url = url
        self._timeout = timeout
        self._response: Any = None

    def __enter__(self) -> tuple[int, dict[str, str], Any]:
        try:
            self._response = urllib.request.urlopen(self._request, timeout=self._timeout)
        except urllib.error.HTTPError as error:
            # A 4xx/5xx answer is still an answer; its body often explains the failure.
            self._response = error
        except (socket.timeout, TimeoutError):
            raise ServiceError(f"Timeout (>{self._timeout:g}s) requesting {self._url}") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise ServiceError(f"Timeout (>{self._timeout:g}s) requesting {self._url}") from None
            if isinstance(reason, ssl.SSLError):
                raise ServiceError(f"TLS error talking to {self._url}: {reason}") from None
            raise ServiceError(f"Cannot reach {self._url}: {reason}") from None
        except (OSError, http.client.HTTPException) as error:
            raise ServiceError(f"Cannot reach {self._url}: {error!r}") from None
        status = self._response.status if hasattr(self._response, "status") else self._response.code
        return status, dict(self._response.headers.items()), self._response

    def __exit__(self, *exc_info: Any) -> None:
        self._response.close()
