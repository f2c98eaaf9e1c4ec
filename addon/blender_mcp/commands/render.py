"""render: a full render of the scene camera (docs/images.md).

The render runs in a second Blender (`bpy.app.binary_path -b`; where Blender runs as a Python module,
the `bpy` wheel, which has no executable, the same Python interpreter importing bpy), started on a
copy of the current state saved to a temporary directory, with commands/render_process.py applying the options to that
copy. So the user's scene is never changed, the render can be stopped at any moment (the process
group is killed when the job is cancelled), and its output lines give progress, which goes to the
caller through the job's report_progress (MCP notifications/progress for a dispatch caller with a
progress token). The second Blender loads the same preferences as this one (or factory settings
when this one was started with --factory-startup), so GPU and add-on settings carry over.

The file is written on this machine: `filepath`, else the scene's output path for that frame
(PNG when the scene's output is a movie format). The reply's picture is the render scaled to
`max_size` in `format`.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import bpy

from .. import images, job_context
from . import engines, look_views, still_render
from .render_progress import RenderProgress

MOVIE_FORMATS = {"FFMPEG", "AVI_JPEG", "AVI_RAW"}
FILE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".exr": "OPEN_EXR", ".tif": "TIFF",
                ".tiff": "TIFF", ".bmp": "BMP", ".tga": "TARGA", ".webp": "WEBP"}
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_process.py")
POLL_SECONDS = 0.1
ESTIMATE_EVERY = 1.0
STOP_WAIT = 5.0
LABEL = "render"
SECRET_VARIABLES = ("BLENDER_MCP_PASSWORD", "BLENDER_MCP_TOKEN")


def render(engine: str | None = None, samples: int | None = None, resolution_percentage: int | None = None,
           frame: int | None = None, filepath: str | None = None, max_size: int = 1000,
           format: str = "png") -> images.WithImages:
    scene = bpy.context.scene
    options = _options(scene, engine, samples, resolution_percentage, frame, filepath, max_size, format)
    report = job_context.current_reporter() or (lambda percent, message="": None)
    cancel = job_context.cancel_event()
    work_dir = tempfile.mkdtemp(prefix="blender_mcp_render_")
    try:
        report(0, "Starting a render process")
        copy = os.path.join(work_dir, "scene.blend")
        bpy.ops.wm.save_as_mainfile(filepath=copy, copy=True, check_existing=False)
        _, mime_type, extension = images.image_format(format)
        options.update(work_dir=work_dir, preview_path=os.path.join(work_dir, "preview" + extension),
                       parent_pid=os.getpid())
        progress = _run(copy, options, report, cancel)
        outcome = progress.result
        picture = still_render.read_picture(options["preview_path"], LABEL, mime_type, outcome["preview_width"],
                                            outcome["preview_height"])
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    report(100, "Rendered")
    result = {"success": True, **{key: outcome[key] for key in ("filepath", "width", "height", "engine", "samples",
                                                                 "frame", "render_seconds", "notes")},
              "images": images.describe([picture])}
    return images.WithImages(result, [picture])


# -- arguments -----------------------------------------------------------------------------------
def _whole(value, name: str, low: int, high: int | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ValueError(f"{name} must be an integer {bounds}, not {value!r}")
    return value


def _engine(scene, engine: str | None) -> str | None:
    """The engine's identifier in this Blender (commands/engines.py: Eevee's changed between
    versions), checked by setting it on the scene for a moment (and putting the scene's back)."""
    if engine is None:
        return None
    tried = engines.candidates(engine, bpy.app.version)
    for candidate in tried:
        try:
            with still_render.overridden() as overrides:
                overrides.set(scene.render, "engine", candidate)
            return candidate
        except TypeError:
            continue
    raise ValueError(f"This Blender ({bpy.app.version_string}) has no render engine {' or '.join(tried)}")


def _output(scene, filepath: str | None, frame: int) -> tuple[str, str | None]:
    """(absolute path of the file to write, file format to use instead of the scene's, or None)."""
    current = scene.render.image_settings.file_format
    if filepath:
        path = bpy.path.abspath(filepath) if filepath.startswith("//") else os.path.abspath(filepath)
        wanted = FILE_FORMATS.get(os.path.splitext(path)[1].lower())
        if wanted is None and current in MOVIE_FORMATS:
            wanted = "PNG"
        return path, wanted if wanted != current else None
    with still_render.overridden() as overrides:
        if current in MOVIE_FORMATS:
            overrides.set(scene.render.image_settings, "file_format", "PNG")
        path = scene.render.frame_path(frame=frame)
    return os.path.abspath(bpy.path.abspath(path)), "PNG" if current in MOVIE_FORMATS else None


def _options(scene, engine, samples, resolution_percentage, frame, filepath, max_size, format) -> dict:
    if scene.camera is None:
        raise ValueError("The scene has no camera to render from; add one (or use blender_look)")
    images.image_format(format)
    if filepath is not None and not isinstance(filepath, str):
        raise ValueError("filepath must be a string or null")
    chosen_frame = _whole(frame, "frame", -1_048_574, 1_048_574)
    output_path, output_format = _output(scene, filepath, scene.frame_current if chosen_frame is None else chosen_frame)
    return {"scene": scene.name, "engine": _engine(scene, engine), "samples": _whole(samples, "samples", 1, 1 << 24),
            "resolution_percentage": _whole(resolution_percentage, "resolution_percentage", 1, 100),
            "frame": chosen_frame, "output_path": output_path, "output_format": output_format,
            "max_size": look_views.check_size(max_size), "preview_format": images.image_format(format)[0]}


# -- the render process --------------------------------------------------------------------------
def _module_interpreter() -> str | None:
    """The Python interpreter running this Blender when Blender is a Python module (bpy.app.binary_path
    is empty there, or names that interpreter); None inside the Blender executable."""
    binary = bpy.app.binary_path
    python = sys.executable
    if binary and os.path.basename(binary).lower().startswith("blender"):
        return None
    if python and os.access(python, os.X_OK) and (not binary or os.path.realpath(binary) == os.path.realpath(python)):
        return python
    return None


def _command(copy: str, options: dict) -> list[str]:
    python = _module_interpreter()
    if python is not None:
        # No command line of Blender's here: the process loads the copy itself before the script.
        loader = (f"import bpy, runpy; bpy.ops.wm.open_mainfile(filepath={copy!r}, load_ui=False); "
                  f"runpy.run_path({SCRIPT!r}, run_name='__main__')")
        return [python, "-c", loader, "--", json.dumps(options)]
    binary = bpy.app.binary_path
    if not binary or not os.access(binary, os.X_OK):
        raise RuntimeError("This Blender cannot start a render process (bpy.app.binary_path is "
                           f"'{binary}'); run blender_render in a Blender started from its executable")
    command = [binary, "-b"]
    if getattr(bpy.app, "factory_startup", False):
        command.append("--factory-startup")
    return command + [copy, "--python-exit-code", "1", "--python", SCRIPT, "--", json.dumps(options)]


def _read_lines(stream, lines: "queue.Queue[tuple[str | None, float]]") -> None:
    for line in stream:
        lines.put((line, time.monotonic()))
    lines.put((None, time.monotonic()))


def _run(copy: str, options: dict, report, cancel: threading.Event) -> RenderProgress:
    # The render process runs the scene's own scripts, if any; it gets no server credentials.
    environment = {name: value for name, value in os.environ.items() if name not in SECRET_VARIABLES}
    process = subprocess.Popen(_command(copy, options), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env=environment, text=True, errors="replace",
                               start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
    progress = RenderProgress()
    last_estimate = time.monotonic()
    finished = False
    try:
        while not finished:
            if cancel.wait(POLL_SECONDS):
                raise job_context.JobCancelled("cancelled while rendering; the render process was stopped")
            while True:
                try:
                    line, arrived = lines.get_nowait()
                except queue.Empty:
                    break
                if line is None:
                    finished = True
                    break
                update = progress.line(line, arrived)
                if update is not None:
                    report(update.percent, update.message)
            now = time.monotonic()
            if not finished and now - last_estimate >= ESTIMATE_EVERY:
                last_estimate = now
                update = progress.estimate(now)
                if update is not None:
                    report(update.percent, update.message)
        process.wait(STOP_WAIT)
    finally:
        _stop(process)
    if process.returncode != 0 or progress.result is None:
        raise RuntimeError(f"The render failed: {progress.failure(process.returncode)}")
    return progress


def _stop(process: subprocess.Popen) -> None:
    """Ends the render process and everything it started (its own process group where there are
    process groups), politely first."""
    for polite in (True, False):
        if process.poll() is not None:
            return
        try:
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGTERM if polite else signal.SIGKILL)
            elif polite:
                process.terminate()
            else:
                process.kill()
        except ProcessLookupError:
            return
        try:
            process.wait(STOP_WAIT)
        except subprocess.TimeoutExpired:
            continue
