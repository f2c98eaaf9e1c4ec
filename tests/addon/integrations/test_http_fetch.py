"""The shared HTTP helper: User-Agent, statuses as values, clear transport errors, downloads
within a deadline that leave no partial files."""
from __future__ import annotations

import socket

import pytest

from blender_mcp.integrations import http_fetch
from blender_mcp.integrations.http_fetch import Deadline, ServiceError


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/nothing"


def test_every_request_sends_the_blender_mcp_user_agent(services):
    http_fetch.get_json(services.base_url + "/polyhaven/categories/hdris")
    http_fetch.post_json(services.base_url + "/hyper3d/api/v2/status", {"subscription_key": "x"})
    http_fetch.download(services.base_url + "/dl/chair.bin", "/dev/null", Deadline())
    agents = [r.headers.get("user-agent") for r in services.requests]
    assert agents == ["blender-mcp"] * 3


def test_an_error_status_is_a_reply_not_an_exception(services):
    reply = http_fetch.get_json(services.base_url + "/polyhaven/files/no_such_asset")
    assert reply.status == 404 and not reply.ok
    assert http_fetch.status_error(reply) == {"error": "API request failed with status code 404",
                                              "detail": {"error": "Not found"}}


def test_an_unreachable_host_raises_a_message_naming_the_url():
    url = closed_port_url()
    with pytest.raises(ServiceError, match=r"Cannot reach http://127\.0\.0\.1:\d+/nothing"):
        http_fetch.get_json(url)


def test_a_non_json_body_raises_a_message_naming_the_url(services):
    reply = http_fetch.get_json(services.base_url + "/dl/not_a_zip.zip")
    with pytest.raises(ServiceError, match="Invalid JSON from .*/dl/not_a_zip.zip"):
        reply.json()


def test_a_non_http_url_is_refused_before_any_connection():
    with pytest.raises(ServiceError, match="Not an http"):
        http_fetch.get_json("file:///etc/passwd")


def test_download_writes_the_exact_bytes(services, tmp_path):
    target = tmp_path / "sky.hdr"
    size = http_fetch.download(services.base_url + "/dl/test_sky_1k.hdr", str(target), Deadline())
    assert target.read_bytes() == services.routes.downloads["test_sky_1k.hdr"]
    assert size == target.stat().st_size


def test_a_failed_download_leaves_no_file(services, tmp_path):
    target = tmp_path / "missing.bin"
    with pytest.raises(ServiceError, match="Download failed with status code 404"):
        http_fetch.download(services.base_url + "/dl/missing.bin", str(target), Deadline())
    assert not target.exists()


def test_a_spent_deadline_stops_the_download_before_it_starts(services, tmp_path):
    target = tmp_path / "late.bin"
    with pytest.raises(ServiceError, match="exceeded the 0 s budget"):
        http_fetch.download(services.base_url + "/dl/chair.bin", str(target), Deadline(0))
    assert not target.exists()
    assert services.recorded("/dl/") == []


def test_a_stalled_download_ends_with_the_command_budget(services, tmp_path):
    target = tmp_path / "stalled.bin"
    with pytest.raises(ServiceError, match=r"exceeded the 0\.5 s budget of this command while fetching .*/stall"):
        http_fetch.download(services.base_url + "/stall", str(target), Deadline(0.5))
    assert not target.exists()


def test_a_truncated_download_is_an_error_and_leaves_no_file(services, tmp_path):
    target = tmp_path / "truncated.bin"
    with pytest.raises(ServiceError, match=r"Download of .*/truncated ended after 10 of 1000 bytes"):
        http_fetch.download(services.base_url + "/truncated", str(target), Deadline())
    assert not target.exists()
