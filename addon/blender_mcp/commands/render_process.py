"""The render process: a second Blender that renders a saved copy of the scene (run by
commands/render.py as `blender -b <copy.blend> --python render_process.py -- <options JSON>`).

It is a script, not part of the package: it imports nothing from blender_mcp. It applies the
options to its copy (the user's scene is never touched), renders one frame, writes the file, saves
a picture scaled to max_size for the reply, and prints its own lines next to Blender's stats
lines: `BLENDER_MCP_RENDER_START {...}` before rendering, then `BLENDER_MCP_RENDER_RESULT {...}`
or `BLENDER_MCP_RENDER_ERROR <message>`. It exits when the Blender that started it is gone.
Blender as a Python module (the `bpy` wheel) runs it the same way after opening the copy itself
(commands/render.py).
"""
import json
import os
import sys
import threading
import time
import traceback

import bpy

START, RESULT, ERROR = "BLENDER_MCP_RENDER_START ", "BLENDER_MCP_RENDER_RESULT ", "BLENDER_MCP_RENDER_ERROR "
STATS = "BLENDER_MCP_RENDER_STATS "
QUIET_STATS_FROM = (5, 0, 0)  # from this version on Blender prints no stats lines in background mode
JPEG_QUALITY = 90


def _watch_parent(parent_pid):
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(3)


def _denoiser_available():
    try:
        return len(bpy.types.CyclesRenderSettings.bl_rna.properties["denoiser"].enum_items) > 0
    except (AttributeError, KeyError):
        return False


def _apply(scene, options, notes):
    render = scene.render
    if options.get("engine"):
        render.engine = options["engine"]
    engine = render.engine
    samples = options.get("samples")
    if engine == "CYCLES":
        if samples is not None:
            scene.cycles.samples = samples
        samples = scene.cycles.samples
        if scene.cycles.use_denoising and not _denoiser_available():
            scene.cycles.use_denoising = False
            notes.append("denoising was turned off: this Blender has no denoiser")
    elif engine.startswith("BLENDER_EEVEE"):
        if samples is not None:
            scene.eevee.taa_render_samples = samples
        samples = scene.eevee.taa_render_samples
    else:
        if samples is not None:
            notes.append(f"samples do not apply to {engine}; its own settings were used")
        samples = None
    if options.get("resolution_percentage"):
        render.resolution_percentage = options["resolution_percentage"]
    frame = options.get("frame")
    if frame is not None:
        scene.frame_set(frame)
    if options.get("output_format"):
        render.image_settings.file_format = options["output_format"]
    render.filepath = options["output_path"]
    render.use_file_extension = False
    os.makedirs(os.path.dirname(options["output_path"]) or ".", exist_ok=True)
    return engine, samples, scene.frame_current


def _preview(scene, options):
    """Saves the render (as the scene's colour management shows it) scaled to max_size; returns
    the full size."""
    settings = scene.render.image_settings
    settings.file_format = "PNG"
    settings.color_mode = "RGBA" if scene.render.film_transparent else "RGB"
    settings.color_depth = "8"
    full = os.path.join(options["work_dir"], "full.png")
    bpy.data.images["Render Result"].save_render(full, scene=scene)
    image = bpy.data.images.load(full, check_existing=False)
    width, height = image.size
    longest = max(width, height)
    if longest > options["max_size"]:
        factor = options["max_size"] / longest
        image.scale(max(1, round(width * factor)), max(1, round(height * factor)))
    image.filepath_raw = options["preview_path"]
    image.file_format = options["preview_format"]
    try:
        image.save(quality=JPEG_QUALITY)
    except TypeError:  # a Blender whose Image.save takes no quality
        image.save()
    preview_width, preview_height = image.size
    return width, height, preview_width, preview_height


def _print_stats(text):
    print(STATS + str(text).replace("\n", " "), flush=True)


def main():
    options = json.loads(sys.argv[sys.argv.index("--") + 1])
    threading.Thread(target=_watch_parent, args=(options["parent_pid"],), daemon=True).start()
    scene = bpy.data.scenes[options["scene"]]
    notes = []
    engine, samples, frame = _apply(scene, options, notes)
    if bpy.app.version >= QUIET_STATS_FROM:
        bpy.app.handlers.render_stats.append(_print_stats)
    print(START + json.dumps({"engine": engine, "samples": samples, "frame": frame}), flush=True)
    began = time.monotonic()
    bpy.ops.render.render(write_still=True, scene=scene.name)
    render_seconds = round(time.monotonic() - began, 3)
    if not os.path.isfile(options["output_path"]):
        raise RuntimeError(f"Blender did not write {options['output_path']}")
    width, height, preview_width, preview_height = _preview(scene, options)
    print(RESULT + json.dumps({"filepath": options["output_path"], "width": width, "height": height,
                               "engine": engine, "samples": samples, "frame": frame,
                               "render_seconds": render_seconds, "notes": notes,
                               "preview_width": preview_width, "preview_height": preview_height}), flush=True)


try:
    main()
    # Nothing is left to do: leave without the interpreter's teardown, which crashes (SIGSEGV) after
    # a render in Blender 4.2 as a Python module and would turn a finished render into a failure.
    sys.stdout.flush()
    os._exit(0)
except BaseException as error:  # reported on one line for the parent, then a non-zero exit
    traceback.print_exc()
    print(ERROR + (str(error).splitlines() or [type(error).__name__])[0], flush=True)
    sys.stdout.flush()
    os._exit(1)
