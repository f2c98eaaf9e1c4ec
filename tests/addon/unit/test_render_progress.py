"""Progress and outcome read from the render process's output (no bpy)."""
from __future__ import annotations

from .. import paths  # noqa: F401
from blender_mcp.commands.render_progress import RenderProgress, Update, seconds

CYCLES_FIRST = ("Fra:1 Mem:14.67M (Peak 14.67M) | Time:00:02.00 | Remaining:00:08.00 | Mem:5.21M, Peak:5.21M "
                "| Scene, ViewLayer | Sample 1/16")
CYCLES_LAST = "Fra:1 Mem:16.65M (Peak 20.60M) | Time:00:10.00 | Mem:5.21M, Peak:5.21M | Scene, ViewLayer | Sample 16/16"


def test_timecodes_are_seconds():
    assert seconds("00:02.50") == 2.5
    assert seconds("01:02:03.00") == 3723.0
    assert seconds("soon") is None


def test_the_start_line_then_samples_give_growing_progress():
    progress = RenderProgress()
    assert progress.line("Blender 3.4.1 (hash)", 0.0) is None
    assert progress.line('BLENDER_MCP_RENDER_START {"engine": "CYCLES", "samples": 16, "frame": 3}', 0.1) == \
        Update(2.0, "Rendering frame 3 with CYCLES")
    assert progress.line(CYCLES_FIRST, 2.0) == Update(7.9, "Sample 1/16")
    assert progress.line(CYCLES_LAST, 10.0) == Update(97.0, "Sample 16/16")
    assert progress.line("Fra:1 Mem:1M | Time:00:10.00 | Scene, ViewLayer | Sample 8/16", 10.5) is None  # never back


def test_between_lines_cycles_remaining_time_gives_an_estimate_below_the_end():
    progress = RenderProgress()
    progress.line(CYCLES_FIRST, 100.0)  # 2 s rendered, 8 s left: 10 s in all
    assert progress.estimate(103.0) == Update(49.5, "Sample 1/16, about 5 s left (estimated)")
    assert progress.estimate(103.0) is None  # no growth, no update
    assert progress.estimate(200.0).percent == 97.0


def test_eevee_sample_lines_count_too():
    progress = RenderProgress()
    assert progress.line("Fra:1 Mem:13.03M (Peak 14.14M) | Time:00:01.62 | Rendering 8 / 16 samples", 1.0) == \
        Update(49.5, "Sample 8/16")
    assert progress.estimate(5.0) is None  # Eevee gives no remaining time


def test_the_result_and_error_lines_are_read_and_the_tail_kept_for_failures():
    progress = RenderProgress()
    progress.line("Error: Build without OpenImageDenoiser", 1.0)
    progress.line("BLENDER_MCP_RENDER_ERROR Error: Build without OpenImageDenoiser", 1.1)
    assert progress.error == "Error: Build without OpenImageDenoiser"
    assert progress.tail == ["Error: Build without OpenImageDenoiser"]
    progress.line('BLENDER_MCP_RENDER_RESULT {"filepath": "/tmp/x.png", "width": 480}', 2.0)
    assert progress.result == {"filepath": "/tmp/x.png", "width": 480}


def test_blender_5_stats_lines_of_the_render_process_count_with_the_time_since_the_start():
    progress = RenderProgress()
    progress.line('BLENDER_MCP_RENDER_START {"engine": "CYCLES", "samples": 16, "frame": 1}', 10.0)
    assert progress.line("BLENDER_MCP_RENDER_STATS Mem: 2M | Sample 0/16", 10.5) is None
    assert progress.line("BLENDER_MCP_RENDER_STATS Remaining: 00:08.00 | Mem: 6M | Sample 1/16", 12.0) == \
        Update(7.9, "Sample 1/16")
    # 2 s rendered (since the start line), 8 s left: 10 s in all
    assert progress.estimate(15.0) == Update(49.5, "Sample 1/16, about 5 s left (estimated)")
    assert progress.line("BLENDER_MCP_RENDER_STATS Mem: 6M | Sample 16/16", 20.0) == Update(97.0, "Sample 16/16")


# What Blender 3.4 printed rendering with Eevee in -b with no display and Mesa's drivers out of
# reach (LIBGL_DRIVERS_PATH=/nonexistent), before it aborted.
NO_OPENGL_OUTPUT = [
    'BLENDER_MCP_RENDER_START {"engine": "BLENDER_EEVEE", "samples": 2, "frame": 1}',
    "EGL Error (0x3001): EGL_NOT_INITIALIZED: EGL is not initialized, or could not be initialized, for the "
    "specified EGL display connection.",
    "libEGL warning: MESA-LOADER: failed to open swrast: /nonexistent/swrast_dri.so: cannot open shared object file",
    "Warning: No OpenGL vendor detected.",
    "blender: ../src/dispatch_common.c:872: epoxy_get_proc_address: Assertion `0 && \"Couldn't find current GLX or "
    "EGL context.\\n\"' failed.",
]


def test_a_render_without_opengl_fails_naming_the_reason_and_the_way_out():
    progress = RenderProgress()
    for number, text in enumerate(NO_OPENGL_OUTPUT):
        progress.line(text + "\n", float(number))
    reason = progress.failure(-6)
    assert reason.startswith("Blender found no OpenGL context to render with (no GPU, no display and no usable "
                             "EGL here); Eevee and Workbench draw through OpenGL even in background mode. Render "
                             "with CYCLES, which needs none")
    assert reason.endswith("Blender said: Warning: No OpenGL vendor detected.")


def test_the_process_own_error_comes_first_then_the_signal_then_its_last_lines():
    progress = RenderProgress()
    progress.line("Warning: No OpenGL vendor detected.", 0.0)
    progress.line("BLENDER_MCP_RENDER_ERROR Blender did not write /tmp/x.png", 1.0)
    assert progress.failure(1) == "Blender did not write /tmp/x.png"
    progress = RenderProgress()
    for number, text in enumerate(["one", "two", "", "three", "four"]):
        progress.line(text, float(number))
    assert progress.failure(-9) == "the render process was ended by signal SIGKILL: two | three | four"
    assert progress.failure(2) == "two | three | four"
    assert RenderProgress().failure(-11) == "the render process was ended by signal SIGSEGV"
    assert RenderProgress().failure(3) == "exit status 3"
