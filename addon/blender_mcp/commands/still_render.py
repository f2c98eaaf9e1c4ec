"""Still renders of the current scene for the picture commands (look, the background screenshot).

Everything a picture needs is changed through `Overrides`, which puts every changed property back
in reverse order when the command ends, whatever happened, so the user's scene, render settings
and camera are as they were. Temporary cameras are removed again. Main thread only.
"""
from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator

import bpy

from ..images import JPEG_QUALITY, Picture
from . import engines

WORKBENCH, EEVEE, CYCLES = engines.WORKBENCH, engines.EEVEE, engines.CYCLES
_MISSING = object()


class Overrides:
    """Sets properties and remembers their old values; `restore()` puts them back, newest first."""

    def __init__(self) -> None:
        self._saved: list[tuple[Any, str, Any]] = []

    def set(self, owner: Any, name: str, value: Any) -> None:
        self._saved.append((owner, name, getattr(owner, name, _MISSING)))
        setattr(owner, name, value)

    def restore(self) -> None:
        failures = []
        while self._saved:
            owner, name, value = self._saved.pop()
            if value is _MISSING:
                continue
            try:
                setattr(owner, name, value)
            except Exception as error:  # keep restoring the rest; report once at the end
                failures.append(f"{name}: {error}")
        if failures:
            print(f"blender-mcp: could not restore {', '.join(failures)}")


@contextlib.contextmanager
def overridden() -> Iterator[Overrides]:
    overrides = Overrides()
    try:
        yield overrides
    finally:
        overrides.restore()


@contextlib.contextmanager
def temporary_camera(scene: "bpy.types.Scene", name: str = "blender_mcp_look_camera") -> Iterator[Any]:
    """A camera object linked to the scene for the duration; the scene camera is put back after."""
    data = bpy.data.cameras.new(name)
    camera = bpy.data.objects.new(name, data)
    scene.collection.objects.link(camera)
    previous = scene.camera
    try:
        yield camera
    finally:
        scene.camera = previous
        bpy.data.objects.remove(camera)
        bpy.data.cameras.remove(data)


def denoiser_available() -> bool:
    """Whether this Blender's Cycles has a denoiser (Debian's 3.4 is built without one)."""
    try:
        settings = bpy.types.CyclesRenderSettings.bl_rna.properties["denoiser"]
    except (AttributeError, KeyError):
        return False
    return len(settings.enum_items) > 0


def prepare_output(overrides: Overrides, scene: "bpy.types.Scene", path: str, width: int, height: int,
                   file_format: str) -> None:
    """Render settings for one picture at exactly width x height written to `path`: no border crop,
    stamp, compositing or sequencer; 8-bit RGB (RGBA for a transparent film in PNG)."""
    render = scene.render
    overrides.set(render, "resolution_x", width)
    overrides.set(render, "resolution_y", height)
    overrides.set(render, "resolution_percentage", 100)
    overrides.set(render, "use_border", False)
    overrides.set(render, "use_stamp", False)
    overrides.set(render, "use_compositing", False)
    overrides.set(render, "use_sequencer", False)
    overrides.set(render, "filepath", path)
    overrides.set(render, "use_file_extension", False)
    settings = render.image_settings
    overrides.set(settings, "file_format", file_format)
    overrides.set(settings, "color_mode", "RGBA" if file_format == "PNG" and render.film_transparent else "RGB")
    overrides.set(settings, "color_depth", "8")
    if file_format == "JPEG":
        overrides.set(settings, "quality", JPEG_QUALITY)


def use_engine(overrides: Overrides, scene: "bpy.types.Scene", engine: str) -> str:
    """Sets the render engine, Eevee under this Blender's identifier for it (commands/engines.py);
    an engine of an add-on (the scene's own, for `rendered`) as it is. Returns the one set."""
    try:
        tried = engines.candidates(engine, bpy.app.version)
    except ValueError:
        tried = [engine]
    for candidate in tried[:-1]:
        try:
            overrides.set(scene.render, "engine", candidate)
            return candidate
        except TypeError:
            continue
    overrides.set(scene.render, "engine", tried[-1])
    return tried[-1]


def save_image(image: "bpy.types.Image") -> None:
    """Image.save with the JPEG quality where this Blender takes one."""
    try:
        image.save(quality=JPEG_QUALITY)
    except TypeError:
        image.save()


def limit_samples(overrides: Overrides, scene: "bpy.types.Scene", engine: str, most: int) -> None:
    """Caps the samples of Cycles or Eevee at `most` (and turns Cycles denoising off when this build
    has no denoiser, which would otherwise fail the render)."""
    if engine == CYCLES and hasattr(scene, "cycles"):
        overrides.set(scene.cycles, "samples", min(scene.cycles.samples, most))
        if scene.cycles.use_denoising and not denoiser_available():
            overrides.set(scene.cycles, "use_denoising", False)
    elif engine.startswith(EEVEE):
        overrides.set(scene.eevee, "taa_render_samples", min(scene.eevee.taa_render_samples, most))


def render_still() -> None:
    """Renders the scene camera and writes the file the render settings name (the view layer is
    evaluated first, so everything changed since is where the picture shows it)."""
    bpy.context.view_layer.update()
    bpy.ops.render.render(write_still=True)


def read_picture(path: str, label: str, mime_type: str, width: int, height: int) -> Picture:
    with open(path, "rb") as stream:
        data = stream.read()
    return Picture(label=label, mime_type=mime_type, data=data, width=width, height=height)


def remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
