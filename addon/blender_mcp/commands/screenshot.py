"""get_viewport_screenshot (contract 9.12, "Viewport"; pictures: docs/images.md).

UI: a real screenshot of the largest VIEW_3D area (screen.screenshot_area with a context override),
downscaled so that its longest edge is at most max_size. Background (`blender -b`, no drawing): a
Workbench render from a temporary camera placed at the stored 3D view; the scene camera is used
only when no 3D view is stored.

The picture is written to `filepath` on the Blender host (null: a temporary file, removed once
its bytes are read, and `filepath` is null in the result) and returned as the reply's picture, so
the caller sees it wherever Blender runs. The result keeps the seed's keys (success, width,
height, filepath) and adds `images`.
"""
from __future__ import annotations

import os
import shutil
import tempfile

import bpy

from .. import images, job_context
from . import still_render

VIEW_SENSOR_WIDTH = 72.0
DEFAULT_ASPECT = 16 / 9
LABEL = "viewport"


def get_viewport_screenshot(max_size: int = 800, filepath: str | None = None,
                            format: str = "png") -> dict | images.WithImages:
    try:
        file_format, mime_type, extension = images.image_format(format)
    except ValueError as error:
        return {"error": str(error)}
    max_size = max(1, int(max_size))
    temporary = None
    if filepath:
        path = os.path.abspath(filepath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
    else:
        temporary = tempfile.mkdtemp(prefix="blender_mcp_shot_")
        path = os.path.join(temporary, "viewport" + extension)
    try:
        if bpy.app.background:
            shot = _render_stored_view(max_size, path, file_format)
        else:
            shot = _screenshot_area(max_size, path, file_format)
        if "error" in shot:
            return shot
        picture = still_render.read_picture(path, LABEL, mime_type, shot["width"], shot["height"])
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    result = {"success": True, "width": shot["width"], "height": shot["height"],
              "filepath": filepath if filepath else None, "images": images.describe([picture])}
    return images.WithImages(result, [picture])


# -- UI ------------------------------------------------------------------------------------------
def _largest_view3d():
    best = None
    for window in bpy.context.window_manager.windows:
        for area in window.screen.areas:
            if area.type == "VIEW_3D" and (best is None or area.width * area.height > best[1].width * best[1].height):
                best = (window, area)
    return best


def _screenshot_area(max_size: int, filepath: str, file_format: str) -> dict:
    found = _largest_view3d()
    if found is None:
        return {"error": "No 3D viewport found"}
    window, area = found
    region = next((r for r in area.regions if r.type == "WINDOW"), None)
    handle, raw_path = tempfile.mkstemp(suffix=".png", prefix="blender_mcp_shot_")
    os.close(handle)
    try:
        job_context.quiet_network()
        with bpy.context.temp_override(window=window, screen=window.screen, area=area, region=region):
            bpy.ops.screen.screenshot_area(filepath=raw_path, check_existing=False)
        image = bpy.data.images.load(raw_path, check_existing=False)
        try:
            width, height = image.size
            if max(width, height) > max_size:
                scale = max_size / max(width, height)
                width, height = max(1, round(width * scale)), max(1, round(height * scale))
                image.scale(width, height)
            image.filepath_raw = filepath
            image.file_format = file_format
            still_render.save_image(image)
            width, height = image.size
        finally:
            bpy.data.images.remove(image)
    finally:
        still_render.remove_quietly(raw_path)
    return {"width": int(width), "height": int(height)}


# -- background ----------------------------------------------------------------------------------
def _stored_view3d():
    """(area, space) of the largest VIEW_3D of the current screen (else of any stored screen)."""
    screens = []
    window = bpy.context.window
    if window is not None and window.screen is not None:
        screens.append(window.screen)
    screens.extend(s for s in bpy.data.screens if s not in screens)
    for screen in screens:
        areas = [a for a in screen.areas if a.type == "VIEW_3D"]
        if areas:
            area = max(areas, key=lambda a: a.width * a.height)
            return area, area.spaces.active
    return None


def _resolution(aspect: float, max_size: int) -> tuple[int, int]:
    if aspect >= 1:
        return max_size, max(1, round(max_size / aspect))
    return max(1, round(max_size * aspect)), max_size


def _render_stored_view(max_size: int, filepath: str, file_format: str) -> dict:
    scene = bpy.context.scene
    view = _stored_view3d()
    if view is None and scene.camera is None:
        return {"error": "No 3D viewport found"}
    render = scene.render
    with still_render.overridden() as overrides, \
            still_render.temporary_camera(scene, "blender_mcp_view_camera") as camera:
        if view is not None:
            area, space = view
            aspect = area.width / area.height if area.width > 0 and area.height > 0 else DEFAULT_ASPECT
            region_3d = space.region_3d
            camera.matrix_world = region_3d.view_matrix.inverted()
            if region_3d.view_perspective == "ORTHO":
                camera.data.type = "ORTHO"
                camera.data.ortho_scale = region_3d.view_distance * VIEW_SENSOR_WIDTH / space.lens
            else:
                camera.data.lens = space.lens
                camera.data.sensor_width = VIEW_SENSOR_WIDTH
            camera.data.clip_start, camera.data.clip_end = space.clip_start, space.clip_end
            overrides.set(scene, "camera", camera)
        else:
            aspect = render.resolution_x / render.resolution_y if render.resolution_y else DEFAULT_ASPECT
        width, height = _resolution(aspect, max_size)
        overrides.set(render, "engine", still_render.WORKBENCH)
        still_render.prepare_output(overrides, scene, filepath, width, height, file_format)
        still_render.render_still()
    return {"width": width, "height": height}
