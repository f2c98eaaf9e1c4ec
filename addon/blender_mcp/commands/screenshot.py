"""get_viewport_screenshot (contract 9.12, "Viewport").

UI: a real screenshot of the largest VIEW_3D area (screen.screenshot_area with a context override),
downscaled so that its longest edge is at most max_size. Background (`blender -b`, no drawing): a
Workbench render from a temporary camera placed at the stored 3D view; the scene camera is used
only when no 3D view is stored. The file is written on the Blender host; only its path and size
are returned.
"""
from __future__ import annotations

import os
import tempfile

import bpy

FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
VIEW_SENSOR_WIDTH = 72.0
DEFAULT_ASPECT = 16 / 9


def get_viewport_screenshot(max_size: int = 800, filepath: str | None = None, format: str = "png") -> dict:
    if not filepath:
        return {"error": "No filepath provided"}
    file_format = FORMATS.get(str(format).lower())
    if file_format is None:
        return {"error": f"Unsupported format: {format}. Use png or jpg"}
    max_size = max(1, int(max_size))
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    if bpy.app.background:
        return _render_stored_view(max_size, filepath, file_format)
    return _screenshot_area(max_size, filepath, file_format)


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
            image.save()
            width, height = image.size
        finally:
            bpy.data.images.remove(image)
    finally:
        if os.path.exists(raw_path):
            os.remove(raw_path)
    return {"success": True, "width": int(width), "height": int(height), "filepath": filepath}


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
    saved = {"engine": render.engine, "resolution_x": render.resolution_x, "resolution_y": render.resolution_y,
             "resolution_percentage": render.resolution_percentage, "filepath": render.filepath,
             "use_file_extension": render.use_file_extension}
    saved_format = render.image_settings.file_format
    saved_camera = scene.camera
    temporary = None
    try:
        if view is not None:
            area, space = view
            aspect = area.width / area.height if area.width > 0 and area.height > 0 else DEFAULT_ASPECT
            camera_data = bpy.data.cameras.new("blender_mcp_view_camera")
            temporary = bpy.data.objects.new("blender_mcp_view_camera", camera_data)
            scene.collection.objects.link(temporary)
            region_3d = space.region_3d
            temporary.matrix_world = region_3d.view_matrix.inverted()
            if region_3d.view_perspective == "ORTHO":
                camera_data.type = "ORTHO"
                camera_data.ortho_scale = region_3d.view_distance * VIEW_SENSOR_WIDTH / space.lens
            else:
                camera_data.lens = space.lens
                camera_data.sensor_width = VIEW_SENSOR_WIDTH
            camera_data.clip_start, camera_data.clip_end = space.clip_start, space.clip_end
            scene.camera = temporary
        else:
            aspect = render.resolution_x / render.resolution_y if render.resolution_y else DEFAULT_ASPECT
        width, height = _resolution(aspect, max_size)
        render.engine = "BLENDER_WORKBENCH"
        render.resolution_x, render.resolution_y, render.resolution_percentage = width, height, 100
        render.filepath = filepath
        render.use_file_extension = False
        render.image_settings.file_format = file_format
        bpy.ops.render.render(write_still=True)
    finally:
        for name, value in saved.items():
            setattr(render, name, value)
        render.image_settings.file_format = saved_format
        scene.camera = saved_camera
        if temporary is not None:
            camera_data = temporary.data
            bpy.data.objects.remove(temporary)
            bpy.data.cameras.remove(camera_data)
    return {"success": True, "width": width, "height": height, "filepath": filepath}
