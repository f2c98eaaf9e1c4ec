"""blender_render with Eevee where Blender finds no OpenGL at all (docs/images.md, "Eevee without a
GPU"): Blender in background mode (each version) with no display and Mesa's drivers out of reach.
The render process aborts (3.4 and the bpy modules alike, after `Warning: No OpenGL vendor
detected.`); the call fails at once with the reason and the way out, and the Blender that runs
the add-on goes on (a Cycles render, which needs no OpenGL, still works).

Eevee does render headless on this machine otherwise (test_images.py): Blender falls back to a
surfaceless EGL context on Mesa's llvmpipe. Here that fallback is taken away on purpose.
"""
from __future__ import annotations

import json
import time
from typing import Iterator

import pytest

from ..png_check import decode_png
from .blender_worker import BlenderWorker, start_background, wait_until_online

UUID = "blender-nogl01"
EVERY_BLENDER_VERSION = True  # conftest.py: once per Blender version
NO_OPENGL = {"DISPLAY": "", "LIBGL_DRIVERS_PATH": "/nonexistent", "MESA_LOADER_DRIVER_OVERRIDE": "nonexistent"}


@pytest.fixture(scope="module")
def worker_without_opengl(server, token, runtime) -> Iterator[BlenderWorker]:
    blender = start_background(server.base_url, uuid=UUID, duration=120, env=NO_OPENGL, runtime=runtime)
    try:
        wait_until_online(blender, server.base_url, token, UUID)
        yield blender
    finally:
        code = blender.stop()
        print(f"\n--- {runtime.label} without OpenGL (exit {code}) ---\n{blender.output()[-3000:]}")


def test_eevee_without_opengl_fails_with_the_reason_and_blender_goes_on(raw, worker_without_opengl, tmp_path):
    started = time.monotonic()
    envelope = raw.call("blender_render", {"engine": "eevee", "samples": 1, "resolution_percentage": 5,
                                           "filepath": str(tmp_path / "eevee.png"), "target_uuid": UUID}, timeout=90)
    assert time.monotonic() - started < 60, "the failed render was not reported promptly"
    assert envelope["status"] == "failed", envelope
    assert envelope["error"].startswith(
        "The render failed: Blender found no OpenGL context to render with (no GPU, no display and no usable EGL "
        "here); Eevee and Workbench draw through OpenGL even in background mode. Render with CYCLES, which needs "
        "none, or run Blender where OpenGL works"), envelope["error"]
    assert "Blender said: " in envelope["error"] and not (tmp_path / "eevee.png").exists()
    assert worker_without_opengl.process.poll() is None  # only the render process died
    path = tmp_path / "cycles.png"
    rendered = raw.call("blender_render", {"engine": "cycles", "samples": 1, "resolution_percentage": 5,
                                           "filepath": str(path), "max_size": 64, "target_uuid": UUID}, timeout=90)
    assert rendered["status"] == "completed", rendered
    assert json.loads(rendered["result"])["engine"] == "CYCLES" and decode_png(path.read_bytes())[:2] == (96, 54)
