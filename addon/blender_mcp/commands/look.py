"""look: pictures of the scene from several views in one call (docs/images.md).

Each view is a still render from a temporary camera (the scene camera for `camera`), so it works
the same in the UI and in `blender -b`, where there is no viewport to capture:

* solid: Workbench with the scene's own Workbench settings;
* wireframe: Workbench, flat and single-coloured, with a temporary Wireframe modifier on every
  mesh (lines about 1.5 pixels wide); curves and other non-mesh objects stay solid;
* material: Eevee with the scene's lights and world, at most 16 samples;
* rendered: the scene's render engine, at most 16 samples (blender_render gives the full one).

Named views are orthographic and framed on the objects (look_views.DIRECTIONS); an explicit view is
a 50 mm perspective camera at `eye` looking at `target` (default: the framed centre). Pictures have
the scene's width/height ratio and the longest edge `max_size`. Everything changed for the pictures
is put back afterwards (still_render.Overrides).
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile

import bpy
from mathutils import Matrix, Vector

from .. import images
from . import look_views, still_render
from .look_views import ViewSpec

GEOMETRY_TYPES = {"MESH", "CURVE", "SURFACE", "META", "FONT", "VOLUME", "GPENCIL", "POINTCLOUD", "CURVES"}
LOOK_SAMPLES = 16
LENS_MM, SENSOR_MM = 50.0, 36.0
WIRE_PIXELS = 1.5
ENGINES = {"solid": still_render.WORKBENCH, "wireframe": still_render.WORKBENCH, "material": still_render.EEVEE}


def look(views: list | None = None, objects: list | None = None, shading: str = "solid", max_size: int = 512,
         format: str = "png") -> images.WithImages:
    specs = look_views.parse_views(["iso"] if views is None else views)
    names = look_views.parse_objects(objects)
    shading = look_views.check_shading(shading)
    max_size = look_views.check_size(max_size)
    file_format, mime_type, extension = images.image_format(format)
    scene = bpy.context.scene
    # Objects moved since the last evaluation (by an earlier job, say) still have their old
    # matrix_world until the view layer is evaluated; the framing needs the new one.
    bpy.context.view_layer.update()
    if any(spec.name == "camera" for spec in specs) and scene.camera is None:
        raise ValueError("The scene has no camera for the view 'camera'; use another view or add a camera")
    framed = _framed_objects(scene, bpy.context.view_layer, names)
    low, high = _bounds(framed)
    aspect = scene.render.resolution_x / scene.render.resolution_y if scene.render.resolution_y else 16 / 9
    width, height = look_views.picture_size(aspect, max_size)
    engine = ENGINES.get(shading, scene.render.engine)

    directory = tempfile.mkdtemp(prefix="blender_mcp_look_")
    pictures = []
    try:
        with still_render.overridden() as overrides, still_render.temporary_camera(scene) as camera:
            engine = still_render.use_engine(overrides, scene, engine)
            still_render.limit_samples(overrides, scene, engine, LOOK_SAMPLES)
            wires: list = []
            try:
                if shading == "wireframe":
                    _wireframe(overrides, scene, wires)
                for number, spec in enumerate(specs, start=1):
                    path = os.path.join(directory, f"view-{number}{extension}")
                    with still_render.overridden() as per_view:
                        world_per_pixel = _aim(per_view, scene, camera, spec, low, high, aspect, max_size)
                        for modifier, scale in wires:
                            modifier.thickness = WIRE_PIXELS * world_per_pixel / scale
                        still_render.prepare_output(per_view, scene, path, width, height, file_format)
                        still_render.render_still()
                    pictures.append(still_render.read_picture(path, spec.label, mime_type, width, height))
            finally:
                for modifier, _ in wires:
                    modifier.id_data.modifiers.remove(modifier)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    result = {"success": True, "shading": shading, "framed": [obj.name for obj in framed],
              "images": images.describe(pictures)}
    return images.WithImages(result, pictures)


# -- framing -------------------------------------------------------------------------------------
def _framed_objects(scene, view_layer, names: list[str] | None) -> list:
    if names is None:
        return [obj for obj in view_layer.objects if obj.type in GEOMETRY_TYPES and not obj.hide_render]
    found = []
    for name in names:
        obj = scene.objects.get(name)
        if obj is None:
            raise ValueError(f"Object not found: {name}")
        found.append(obj)
    return found


def _bounds(objects: list) -> tuple[Vector, Vector]:
    """World-space box around the objects' bounding boxes (an object without one counts as its
    origin); at least 0.1 across in every direction, and the unit box when nothing is framed."""
    points = []
    for obj in objects:
        corners = [obj.matrix_world @ Vector(corner) for corner in obj.bound_box]
        points.extend(corners if corners else [obj.matrix_world.translation.copy()])
    if not points:
        return Vector((-1.0, -1.0, -1.0)), Vector((1.0, 1.0, 1.0))
    low = Vector(tuple(min(p[i] for p in points) for i in range(3)))
    high = Vector(tuple(max(p[i] for p in points) for i in range(3)))
    for i in range(3):
        if high[i] - low[i] < 0.1:
            middle = (high[i] + low[i]) / 2
            low[i], high[i] = middle - 0.05, middle + 0.05
    return low, high


def _rotation(forward_to_eye: Vector, up: Vector) -> Matrix:
    """Camera rotation looking along -forward_to_eye with `up` up in the picture."""
    z_axis = forward_to_eye.normalized()
    x_axis = up.cross(z_axis)
    if x_axis.length < 1e-6:
        x_axis = Vector((0.0, 1.0, 0.0)).cross(z_axis)
    x_axis.normalize()
    y_axis = z_axis.cross(x_axis)
    return Matrix((x_axis, y_axis, z_axis)).transposed()


def _aim(overrides, scene, camera, spec: ViewSpec, low: Vector, high: Vector, aspect: float,
         max_size: int) -> float:
    """Points the view's camera and makes it the scene camera; returns world units per pixel at
    the framed centre (for wire thickness)."""
    centre = (low + high) / 2
    radius = max((high - low).length / 2, 0.05)
    if spec.name == "camera":
        overrides.set(scene, "camera", scene.camera)
        cam = scene.camera
        distance = (cam.matrix_world.translation - centre).length
        return _world_per_pixel(cam.data, distance, max_size)
    data = camera.data
    overrides.set(scene, "camera", camera)
    if spec.name is not None:
        direction, up = (Vector(v) for v in look_views.DIRECTIONS[spec.name])
        rotation = _rotation(direction, up)
        corners = [Vector((x, y, z)) for x in (low.x, high.x) for y in (low.y, high.y) for z in (low.z, high.z)]
        x_axis, y_axis = rotation.col[0].to_3d(), rotation.col[1].to_3d()
        half_width = max(abs((c - centre).dot(x_axis)) for c in corners)
        half_height = max(abs((c - centre).dot(y_axis)) for c in corners)
        distance = radius * 2 + 1
        data.type = "ORTHO"
        data.ortho_scale = look_views.ortho_scale(half_width, half_height, aspect)
        data.clip_start, data.clip_end = 0.001, distance + radius * 2 + 1
        camera.matrix_world = Matrix.Translation(centre + direction.normalized() * distance) @ rotation.to_4x4()
        return data.ortho_scale / max_size
    eye = Vector(spec.eye)
    target = Vector(spec.target) if spec.target is not None else centre
    distance = (eye - target).length
    data.type = "PERSP"
    data.lens, data.sensor_width, data.sensor_fit = LENS_MM, SENSOR_MM, "AUTO"
    data.clip_start = min(0.1, max(distance * 0.001, 1e-4))
    data.clip_end = distance + (eye - centre).length + radius * 4 + 100
    camera.matrix_world = Matrix.Translation(eye) @ _rotation(eye - target, Vector((0.0, 0.0, 1.0))).to_4x4()
    return _world_per_pixel(data, distance, max_size)


def _world_per_pixel(data, distance: float, max_size: int) -> float:
    if data.type == "ORTHO":
        return data.ortho_scale / max_size
    field_of_view = 2 * math.atan(data.sensor_width / (2 * data.lens))
    return 2 * distance * math.tan(field_of_view / 2) / max_size


# -- wireframe -----------------------------------------------------------------------------------
def _wireframe(overrides, scene, wires: list) -> None:
    """Flat single-colour Workbench shading in a colour that stands out from the world colour, and
    a Wireframe modifier on every mesh that renders, each added to `wires` as (modifier, object
    scale) as soon as it exists, so the caller removes every one it got."""
    shading = scene.display.shading
    background = scene.world.color if scene.world is not None else (0.05, 0.05, 0.05)
    light_background = 0.2126 * background[0] + 0.7152 * background[1] + 0.0722 * background[2] > 0.5
    overrides.set(shading, "light", "FLAT")
    overrides.set(shading, "color_type", "SINGLE")
    overrides.set(shading, "single_color", (0.02, 0.02, 0.02) if light_background else (0.9, 0.9, 0.9))
    for obj in bpy.context.view_layer.objects:
        if obj.type != "MESH" or obj.hide_render:
            continue
        modifier = obj.modifiers.new("blender_mcp_wireframe", "WIREFRAME")
        wires.append((modifier, max(max(abs(s) for s in obj.matrix_world.to_scale()), 1e-6)))
        modifier.use_replace = True
        modifier.use_even_offset = False
