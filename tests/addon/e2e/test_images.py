"""Pictures from real Blender 3.4 (`blender -b`, run_background() as blender-demo01), docs/images.md:
the screenshot's picture as the second content item, blender_look's views and shadings,
blender_render (Cycles with progress and cancellation, Eevee), and the bound on picture bytes per reply.

Every picture is decoded here (PNG with the standard library; a JPEG's frame header here and its
pixels by Blender), its size compared with what the envelope says, and checked not to be one flat
colour.
"""
from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import pytest

from ..png_check import decode_png, distinct_colours, jpeg_size
from ..sse_call import StreamedCall

EVERY_BLENDER_VERSION = True  # conftest.py: once per Blender version
RENDER_WAIT = 120.0


def pictures_of(result: dict) -> tuple[dict, dict, list[tuple[dict, bytes]]]:
    """(envelope, decoded result, [(image content item, its bytes)]) of a tool result, after checking that
    the base64 is only in the image items."""
    assert result["content"][0]["type"] == "text"
    envelope = json.loads(result["content"][0]["text"])
    assert envelope["status"] == "completed", envelope
    decoded = json.loads(envelope["result"])
    items = result["content"][1:]
    for item in items:
        assert item["type"] == "image" and item["mimeType"] in ("image/png", "image/jpeg"), item.keys()
        assert item["data"] not in result["content"][0]["text"]
        assert item["data"] not in json.dumps(result.get("structuredContent", {}))
    return envelope, decoded, [(item, base64.b64decode(item["data"], validate=True)) for item in items]


def check_png(data: bytes, width: int, height: int) -> list[bytes]:
    """Decodes a PNG, checks its size and that it is not one flat colour; returns its rows."""
    decoded_width, decoded_height, rows = decode_png(data)
    assert (decoded_width, decoded_height) == (width, height)
    assert distinct_colours(decoded_width, rows) > 10
    return rows


def blender_colours(raw, data: bytes, tmp_path: Path) -> int:
    """Distinct colours of an image as Blender decodes it (used for JPEGs)."""
    path = tmp_path / "decode.jpg"
    path.write_bytes(data)
    code = (f"import bpy\nimage = bpy.data.images.load({str(path)!r})\npx = image.pixels[:]\n"
            "print(len(set(zip(px[0::4], px[1::4], px[2::4]))))\nbpy.data.images.remove(image)")
    return int(raw.call("blender_execute_code", {"code": code})["result"])


def scene_state(raw) -> dict:
    code = ("import bpy, json; s = bpy.context.scene\n"
            "print(json.dumps({'engine': s.render.engine, 'camera': s.camera.name, 'objects': sorted(o.name for o in "
            "bpy.data.objects), 'cameras': len(bpy.data.cameras), 'modifiers': sum(len(o.modifiers) for o in "
            "bpy.data.objects), 'resolution': [s.render.resolution_x, s.render.resolution_y, "
            "s.render.resolution_percentage], 'filepath': s.render.filepath}))")
    return json.loads(raw.call("blender_execute_code", {"code": code})["result"])


# -- screenshot ----------------------------------------------------------------------------------
def test_the_screenshot_without_a_filepath_returns_its_picture_as_the_second_content_item(raw, worker):
    result = raw.call_result("blender_get_viewport_screenshot", {"max_size": 320})
    envelope, shot, pictures = pictures_of(result)
    assert (envelope["command"], shot["success"], shot["filepath"]) == ("get_viewport_screenshot", True, None)
    assert len(pictures) == 1 and len(result["content"]) == 2
    item, data = pictures[0]
    assert item["mimeType"] == "image/png" and max(shot["width"], shot["height"]) == 320
    check_png(data, shot["width"], shot["height"])
    assert shot["images"] == [{"index": 1, "label": "viewport", "width": shot["width"], "height": shot["height"],
                               "mimeType": "image/png", "bytes": len(data)}]


def test_a_jpeg_screenshot_is_written_where_asked_and_is_the_picture_returned(raw, worker, tmp_path):
    path = tmp_path / "shot.jpg"
    _, shot, [(item, data)] = pictures_of(raw.call_result("blender_get_viewport_screenshot", {
        "filepath": str(path), "format": "jpeg", "max_size": 256}))
    assert shot["filepath"] == str(path) and item["mimeType"] == "image/jpeg"
    assert path.read_bytes() == data
    assert jpeg_size(data) == (shot["width"], shot["height"])
    assert blender_colours(raw, data, tmp_path) > 10


# -- look ----------------------------------------------------------------------------------------
def test_look_from_top_and_front_at_an_off_centre_object_gives_two_different_pictures(raw, worker):
    before = scene_state(raw)
    added = raw.call("blender_execute_code", {"code": (
        "import bpy\nbpy.ops.mesh.primitive_uv_sphere_add(radius=0.6, location=(3.0, 1.5, 2.0))\n"
        "print(bpy.context.active_object.name)")})
    sphere = added["result"].strip()
    try:
        envelope, look, pictures = pictures_of(raw.call_result("blender_look", {
            "views": ["top", "front"], "max_size": 256}))
        assert envelope["command"] == "look"
        assert [entry["label"] for entry in look["images"]] == ["top", "front"]
        assert [entry["index"] for entry in look["images"]] == [1, 2]
        assert sorted(look["framed"]) == ["Cube", sphere] and look["shading"] == "solid"
        rows = []
        for entry, (item, data) in zip(look["images"], pictures):
            assert entry["bytes"] == len(data) and entry["mimeType"] == item["mimeType"] == "image/png"
            assert max(entry["width"], entry["height"]) == 256
            rows.append(check_png(data, entry["width"], entry["height"]))
        assert rows[0] != rows[1]
    finally:
        raw.call("blender_execute_code", {"code": f"import bpy\nbpy.data.objects.remove(bpy.data.objects[{sphere!r}])"})
    assert scene_state(raw) == before  # temporary camera, engine and render settings all put back


@pytest.mark.parametrize("shading", ["wireframe", "material", "rendered"])
def test_look_renders_every_shading_and_puts_the_scene_back(raw, worker, runtime, shading):
    if runtime.module:
        # Eevee from 4.2 on (the default engine of 5.0's scene too) renders on the CPU here (Mesa's
        # llvmpipe) at seconds per sample: one sample keeps these pictures to about 10 s.
        raw.call("blender_execute_code", {"code": "import bpy; bpy.context.scene.eevee.taa_render_samples = 1"})
    before = scene_state(raw)
    _, look, [(item, data)] = pictures_of(raw.call_result("blender_look", {
        "views": [{"eye": [5, -5, 4], "target": [0, 0, 0], "label": "close"}], "shading": shading, "max_size": 160,
        "_timeout": 120}, timeout=130))
    assert look["shading"] == shading and look["images"][0]["label"] == "close"
    check_png(data, look["images"][0]["width"], look["images"][0]["height"])
    assert scene_state(raw) == before


def test_look_names_what_is_wrong_and_renders_nothing(raw, worker):
    for arguments, error in [
        ({"views": ["side"]}, "views[0]: unknown view 'side'"),
        ({"views": ["top"], "objects": ["Nope"]}, "Object not found: Nope"),
        ({"views": ["top"], "shading": "toon"}, "Unsupported shading: toon"),
        ({"views": ["top"], "format": "gif"}, "Unsupported format: gif"),
        ({"views": ["top"], "max_size": 8}, "max_size must be an integer from 16 to 4096"),
    ]:
        result = raw.call_result("blender_look", arguments)
        envelope = json.loads(result["content"][0]["text"])
        assert envelope["status"] == "failed" and envelope["error"].startswith(error), (arguments, envelope)
        assert len(result["content"]) == 1


def test_pictures_over_the_bound_fail_the_call_with_a_clear_error_and_no_picture(raw, worker):
    raw.call("blender_execute_code", {"code": "import os; os.environ['BLENDER_MCP_MAX_IMAGE_BYTES'] = '2000'"})
    try:
        result = raw.call_result("blender_look", {"views": ["iso", "top"], "max_size": 256})
    finally:
        raw.call("blender_execute_code", {"code": "import os; os.environ.pop('BLENDER_MCP_MAX_IMAGE_BYTES', None)"})
    envelope = json.loads(result["content"][0]["text"])
    assert len(result["content"]) == 1
    assert envelope["status"] == "failed", envelope
    assert envelope["error"].startswith("The pictures are ") and envelope["error"].endswith(
        "more than the limit of 2000 bytes per reply (BLENDER_MCP_MAX_IMAGE_BYTES); ask for a smaller max_size, "
        "format jpeg or fewer views"), envelope["error"]


# -- render --------------------------------------------------------------------------------------
def test_render_reports_progress_writes_the_file_and_returns_it_scaled(raw, worker, tmp_path):
    path = tmp_path / "render.png"
    before = scene_state(raw)
    call = StreamedCall(raw, "blender_render", {"engine": "CYCLES", "samples": 16, "resolution_percentage": 25,
                                                "filepath": str(path), "max_size": 320})
    assert call.wait(RENDER_WAIT), "the render call did not end"
    envelope = call.envelope()
    assert envelope["status"] == "completed", envelope
    result = call.result
    _, rendered, [(item, data)] = pictures_of(result)
    assert (rendered["filepath"], rendered["width"], rendered["height"]) == (str(path), 480, 270)
    assert (rendered["engine"], rendered["samples"], rendered["frame"]) == ("CYCLES", 16, 1)
    file_width, file_height, _ = decode_png(path.read_bytes())
    assert (file_width, file_height) == (480, 270)
    assert (rendered["images"][0]["width"], rendered["images"][0]["height"]) == (320, 180)
    check_png(data, 320, 180)
    values = [params["progress"] for _, params in call.progress]
    print(f"\nblender_render CYCLES 16 samples at 25 %: {len(values)} progress notifications, "
          f"{call.finished_after:.2f} s in all, render {rendered['render_seconds']} s: "
          f"{[(round(t, 2), p['progress'], p.get('message')) for t, p in call.progress]}")
    assert len(values) >= 3 and values == sorted(values) and len(set(values)) == len(values)
    assert values[0] == 0 and values[-1] == 100
    assert all(params["total"] == 100 for _, params in call.progress)
    assert scene_state(raw) == before  # the render ran on a copy


EEVEE_IDENTIFIERS = {"3.4": "BLENDER_EEVEE", "4.2": "BLENDER_EEVEE_NEXT", "4.5": "BLENDER_EEVEE_NEXT",
                     "5.0": "BLENDER_EEVEE"}


def test_render_with_eevee_headless_maps_the_name_to_this_versions_identifier(raw, worker, runtime, tmp_path):
    # No GPU here: Eevee draws through OpenGL on Mesa's llvmpipe (3.4 falls back to a surfaceless
    # EGL context in -b), so the picture is small and has few samples.
    path = tmp_path / "eevee.png"
    before = scene_state(raw)
    result = raw.call_result("blender_render", {"engine": "eevee", "samples": 2, "resolution_percentage": 10,
                                                "filepath": str(path), "max_size": 160}, timeout=RENDER_WAIT)
    _, rendered, [(item, data)] = pictures_of(result)
    assert (rendered["engine"], rendered["samples"]) == (EEVEE_IDENTIFIERS[runtime.version], 2)
    assert (rendered["filepath"], rendered["width"], rendered["height"]) == (str(path), 192, 108)
    assert decode_png(path.read_bytes())[:2] == (192, 108)
    assert item["mimeType"] == "image/png"
    assert (rendered["images"][0]["width"], rendered["images"][0]["height"]) == (160, 90)
    check_png(data, 160, 90)
    assert scene_state(raw) == before


def render_processes() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                command = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if b"render_process.py" in command:
                found.append(int(entry))
    return found


def bus_stats(raw) -> dict:
    reply = raw._post({"method": "resources/read", "params": {"uri": "blender://bus/stats"}}, 10)
    return json.loads(reply.json()["result"]["contents"][0]["text"])


def test_cancelling_a_render_stops_its_process_and_frees_the_worker(raw, worker, tmp_path):
    path = tmp_path / "never.png"
    call = StreamedCall(raw, "blender_render", {"engine": "CYCLES", "samples": 100000, "resolution_percentage": 100,
                                                "filepath": str(path)})
    deadline = time.monotonic() + 60
    while not any(params["progress"] >= 2 for _, params in call.progress):  # rendering has begun
        assert time.monotonic() < deadline and not call.ended.is_set(), call.progress
        time.sleep(0.1)
    assert render_processes(), "no render process is running"
    assert call.cancel() == 202
    assert call.wait(30), "the cancelled call's stream did not end"
    assert call.result is None
    deadline = time.monotonic() + 30
    while render_processes() or bus_stats(raw)["pending_jobs_for_user"] != 0:  # the add-on answered `cancelled`
        assert time.monotonic() < deadline, (render_processes(), bus_stats(raw))
        time.sleep(0.2)
    started = time.monotonic()
    assert raw.call("blender_get_scene_info", {"_timeout": 10})["status"] == "completed"
    assert time.monotonic() - started < 5
    assert not path.exists()


def test_render_names_bad_arguments(raw, worker):
    for arguments, error in [({"engine": "LUXCORE"}, "Unsupported engine: LUXCORE"),
                             ({"resolution_percentage": 0}, "resolution_percentage must be an integer from 1 to 100"),
                             ({"samples": 0}, "samples must be an integer"),
                             ({"format": "tiff"}, "Unsupported format: tiff")]:
        envelope = raw.call("blender_render", arguments)
        assert envelope["status"] == "failed" and envelope["error"].startswith(error), (arguments, envelope)
