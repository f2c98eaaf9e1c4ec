"""Base URL rules (contract 9.5) and token timestamps."""
from __future__ import annotations

import base64
import json

import pytest

from .. import paths  # noqa: F401
from blender_mcp.net import auth, urls


@pytest.mark.parametrize("given", ["http://h:8000/mcp", "http://h:8000/mcp/", "http://h:8000/", "http://h:8000"])
def test_the_base_url_drops_a_trailing_slash_then_a_trailing_mcp(given):
    assert urls.base_url(given) == "http://h:8000"
    assert urls.mcp_url(given) == "http://h:8000/mcp"


@pytest.mark.parametrize("given", ["", "   ", "localhost:8000", "ftp://h/mcp"])
def test_an_empty_or_non_http_server_url_is_refused_with_a_reason(given):
    with pytest.raises(ValueError) as error:
        urls.base_url(given)
    assert "Server URL" in str(error.value)


def test_iso_timestamps_round_trip_in_utc():
    assert auth.iso_utc(1763726400) == "2025-11-21T12:00:00Z"
    assert auth.parse_iso_utc("2025-11-21T12:00:00Z") == 1763726400
    assert auth.parse_iso_utc("2025-11-21T12:00:00") == 1763726400
    assert auth.parse_iso_utc("garbage") is None and auth.parse_iso_utc("") is None


def test_the_expiry_of_a_jwt_is_read_from_its_exp_claim():
    payload = base64.urlsafe_b64encode(json.dumps({"exp": 1763726400}).encode()).decode().rstrip("=")
    assert auth.jwt_expiry(f"x.{payload}.y") == 1763726400
    assert auth.jwt_expiry("nonsense") is None
