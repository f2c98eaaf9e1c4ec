"""execute_code (contract 9.12, "Code"): runs Python with fresh globals and returns its stdout.

The globals hold bpy, bmesh and mathutils; inside a job they also hold that job's
report_progress(percent, message="", frame=None) (see job_context).
"""
from __future__ import annotations

import contextlib
import io

import bmesh
import bpy
import mathutils

from .. import console_log, job_context


class CodeError(Exception):
    """A failure of the executed code; the message carries the traceback, `output` the stdout so far."""

    def __init__(self, message: str, output: str) -> None:
        super().__init__(message)
        self.output = output


def execute_code(code: str) -> dict:
    import traceback

    output = io.StringIO()
    code_globals = {"bpy": bpy, "bmesh": bmesh, "mathutils": mathutils, "__name__": "__blender_mcp_code__"}
    reporter = job_context.current_reporter()
    if reporter is not None:
        code_globals["report_progress"] = reporter
    try:
        with contextlib.redirect_stdout(output):
            exec(compile(code, "<execute_code>", "exec"), code_globals)
    except BaseException as error:  # SystemExit must never end Blender
        console_log.add_output(output.getvalue())
        # The stdout printed before the error reaches the reply through the runner's capture.
        print(output.getvalue(), end="")
        raise CodeError(f"{error}\n{traceback.format_exc()}", output.getvalue()) from None
    console_log.add_output(output.getvalue())
    return {"executed": True, "result": output.getvalue()}
