"""Pictures from the add-on's client to a dispatch caller through the real server (docs/images.md):
the image content item after the envelope, and a reply whose pictures the server refuses, which
still ends the job, as failed with the server's reason."""
from __future__ import annotations

import base64
import json
import shutil
from typing import Iterator

import pytest

from ..raw_mcp import RawSession, login
from .running_client import WAIT, Running, tokens_of
from blender_mcp import images
from support.server_process import ServerProcess, start_server

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8  # 2056 bytes


def add_picture_command(running: Running) -> None:
    def shoot(label: str = "top"):
        picture = images.Picture(label=label, mime_type="image/png", data=PNG, width=2, height=1)
        return images.WithImages({"success": True, "images": images.describe([picture])}, [picture])

    running.client.executor.register("get_viewport_screenshot", shoot)


def tool_result(raw: RawSession, tool: str, arguments: dict) -> dict:
    reply = raw._post({"method": "tools/call", "params": {"name": tool, "arguments": arguments}}, 30)
    return reply.json()["result"]


@pytest.fixture(scope="module")
def strict_server() -> Iterator[ServerProcess]:
    """A server that takes at most 1000 image bytes per reply (the add-on's own bound is 4 MiB)."""
    proc = start_server(env={"BLENDER_MCP_MAX_IMAGE_BYTES": "1000"})
    try:
        yield proc
    finally:
        proc.stop()
        shutil.rmtree(proc.data_dir, ignore_errors=True)


def test_a_picture_reaches_the_dispatch_caller_as_image_content_after_the_envelope(server):
    tokens = login(server.base_url)
    raw = RawSession(server.base_url, tokens["access_token"])
    try:
        with Running(server.base_url, tokens_of(tokens), "blender-pictures-a") as running:
            add_picture_command(running)
            assert running.client.connection.registered.wait(WAIT)
            result = tool_result(raw, "blender_get_viewport_screenshot", {"target_uuid": "blender-pictures-a"})
    finally:
        raw.close()
    envelope = json.loads(result["content"][0]["text"])
    assert envelope["status"] == "completed", envelope
    assert json.loads(envelope["result"])["images"] == [
        {"index": 1, "label": "top", "width": 2, "height": 1, "mimeType": "image/png", "bytes": len(PNG)}]
    assert len(result["content"]) == 2
    image = result["content"][1]
    assert (image["type"], image["mimeType"]) == ("image", "image/png")
    assert base64.b64decode(image["data"], validate=True) == PNG
    assert image["data"] not in result["content"][0]["text"]
    assert image["data"] not in json.dumps(result["structuredContent"])


def test_pictures_the_server_refuses_end_the_job_failed_with_the_servers_reason(strict_server):
    tokens = login(strict_server.base_url)
    raw = RawSession(strict_server.base_url, tokens["access_token"])
    try:
        with Running(strict_server.base_url, tokens_of(tokens), "blender-pictures-b") as running:
            add_picture_command(running)
            assert running.client.connection.registered.wait(WAIT)
            result = tool_result(raw, "blender_get_viewport_screenshot",
                                 {"target_uuid": "blender-pictures-b", "_timeout": 15})
            logs = list(running.logs)
    finally:
        raw.close()
    envelope = json.loads(result["content"][0]["text"])
    assert len(result["content"]) == 1
    assert envelope["status"] == "failed", envelope
    assert envelope["error"] == (
        "The server refused the pictures of this reply (images_too_large): the images are 2056 bytes in all; "
        "the limit is 1000 bytes per reply (max_image_bytes, BLENDER_MCP_MAX_IMAGE_BYTES); nothing was routed")
    assert any("were refused: images_too_large" in line for line in logs), logs
