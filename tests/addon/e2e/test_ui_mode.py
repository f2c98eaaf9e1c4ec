"""Blender's UI under xvfb-run (no -b): Login and Connect through the operators, jobs pumped by the
bpy.app.timers callback, a real viewport screenshot returned as a picture, and blender_look and
blender_render from the UI."""
from __future__ import annotations

import base64
import json
from typing import Iterator

import pytest

from ..png_check import decode_png, distinct_colours, distinct_pixels, read_png
from .blender_worker import BlenderWorker, start_ui, wait_until_online

UUID = "blender-ui01"
JOBS_MEASURED = 50
WARM_UP_JOBS = 20


@pytest.fixture(scope="module")
def ui_worker(server, token) -> Iterator[BlenderWorker]:
    blender = start_ui(server.base_url, uuid=UUID, duration=150)
    try:
        wait_until_online(blender, server.base_url, token, UUID, timeout=90)
        yield blender
    finally:
        code = blender.stop()
        print(f"\n--- Blender UI (exit {code}) ---\n{blender.output()[-3000:]}")


def test_jobs_run_through_the_timer_pump_in_the_ui(raw, ui_worker):
    envelope = raw.call("blender_execute_code", {"code": "import bpy; print(bpy.app.background, len(bpy.data.objects))",
                                                 "target_uuid": UUID})
    assert (envelope["status"], envelope["result"]) == ("completed", "False 3\n")
    scene = raw.call("blender_execute_code", {"code": "import bpy; s = bpy.context.scene; "
                                                      "print(s.blendermcp_server_running, s.blendermcp_client_id)",
                                              "target_uuid": UUID})
    assert scene["result"] == f"True {UUID}\n"


def test_the_viewport_screenshot_writes_a_png_of_the_reported_size_that_is_not_one_colour(raw, ui_worker, tmp_path):
    path = tmp_path / "viewport.png"
    result = raw.call_result("blender_get_viewport_screenshot", {"filepath": str(path), "max_size": 400,
                                                                 "target_uuid": UUID})
    envelope = json.loads(result["content"][0]["text"])
    assert envelope["status"] == "completed", envelope
    shot = json.loads(envelope["result"])
    assert shot["success"] and shot["filepath"] == str(path) and max(shot["width"], shot["height"]) <= 400
    width, height, _ = read_png(path)
    assert (width, height) == (shot["width"], shot["height"])
    assert distinct_pixels(path) > 10
    # The same picture comes back as the second content item.
    assert result["content"][1]["type"] == "image" and result["content"][1]["mimeType"] == "image/png"
    assert base64.b64decode(result["content"][1]["data"]) == path.read_bytes()


def test_look_and_render_work_in_the_ui_too(raw, ui_worker, tmp_path):
    result = raw.call_result("blender_look", {"views": ["top", "iso"], "max_size": 200, "target_uuid": UUID})
    envelope = json.loads(result["content"][0]["text"])
    assert envelope["status"] == "completed", envelope
    look = json.loads(envelope["result"])
    assert [entry["label"] for entry in look["images"]] == ["top", "iso"] and len(result["content"]) == 3
    for entry, item in zip(look["images"], result["content"][1:]):
        width, height, rows = decode_png(base64.b64decode(item["data"]))
        assert (width, height) == (entry["width"], entry["height"]) and distinct_colours(width, rows) > 10
    path = tmp_path / "ui-render.png"
    result = raw.call_result("blender_render", {"engine": "BLENDER_WORKBENCH", "resolution_percentage": 10,
                                                "filepath": str(path), "max_size": 100, "target_uuid": UUID})
    envelope = json.loads(result["content"][0]["text"])
    assert envelope["status"] == "completed", envelope["error"]
    rendered = json.loads(envelope["result"])
    assert (rendered["width"], rendered["height"]) == (192, 108) and read_png(path)[:2] == (192, 108)
    width, height, rows = decode_png(base64.b64decode(result["content"][1]["data"]))
    assert (width, height) == (100, 56) and distinct_colours(width, rows) > 10


def test_the_arrival_to_start_time_of_ui_jobs_is_reported(raw, ui_worker):
    for _ in range(WARM_UP_JOBS):  # the first UI seconds redraw slowly on llvmpipe
        raw.call("blender_execute_code", {"code": "pass", "target_uuid": UUID})
    raw.call("blender_execute_code", {"code": "from blender_mcp import latency; latency.clear()", "target_uuid": UUID})
    for _ in range(JOBS_MEASURED):
        raw.call("blender_execute_code", {"code": "pass", "target_uuid": UUID})
    summary = json.loads(raw.call("blender_execute_code", {
        "code": "from blender_mcp import latency; print(latency.summary())", "target_uuid": UUID})["result"])
    print(f"\nUI mode (timer pump), arrival to start: {summary}")
    assert summary["count"] == JOBS_MEASURED + 1
