"""console_operations and get_console_output (contract 9.12, "Console").

Operations run the matching bpy.ops.console operator with a context override on a Python console
area. In background mode there is no window area at all, so every operation except get_info
reports that no console is available. get_console_output merges the console's scrollback and
history (UI) with the ring buffer of job stdout (both modes).
"""
from __future__ import annotations

import math

import bpy

from .. import console_log

LEVELS = ("all", "info", "warning", "error", "output", "input")
NO_CONSOLE = "No console area available. Use operation='create' first."
SIMPLE_OPERATIONS = {
    "execute": None, "autocomplete": "autocomplete", "clear_line": "clear_line", "copy": "copy",
    "copy_as_script": "copy_as_script", "paste": "paste", "indent": "indent", "unindent": "unindent",
    "select_all": "select_all", "select_word": "select_word",
}
OPERATIONS = set(SIMPLE_OPERATIONS) | {"create", "clear", "history_cycle", "history_append", "insert",
                                       "scrollback_append", "get_info"}


def _console_area():
    """(window, area, region) of the first Python console, or None."""
    for window in bpy.context.window_manager.windows:
        screen = window.screen
        for area in (screen.areas if screen is not None else []):
            if area.type == "CONSOLE":
                region = next((r for r in area.regions if r.type == "WINDOW"), None)
                return window, area, region
    return None


def _create_console():
    if bpy.app.background:
        return None
    for window in bpy.context.window_manager.windows:
        areas = sorted((a for a in window.screen.areas if a.type not in ("VIEW_3D", "PROPERTIES", "TOPBAR",
                                                                          "STATUSBAR")),
                       key=lambda a: a.width * a.height)
        if areas:
            areas[0].type = "CONSOLE"
            return _console_area()
    return None


def console_operations(operation: str = "get_info", params: dict | None = None) -> dict:
    params = params or {}
    if operation not in OPERATIONS:
        return {"error": f"Unknown console operation: {operation}"}
    found = _console_area()
    if operation == "get_info":
        return {"success": True, "info": {"has_console": found is not None,
                                          "console_type": found[1].spaces.active.language if found else None,
                                          "background": bpy.app.background}}
    if operation == "create":
        if found is not None:
            return {"success": True, "message": "A Python console is already open"}
        found = _create_console()
        if found is None:
            return {"error": NO_CONSOLE}
        return {"success": True, "message": "Python console created"}
    if found is None:
        return {"error": NO_CONSOLE}
    window, area, region = found
    try:
        with bpy.context.temp_override(window=window, screen=window.screen, area=area, region=region):
            message = _run_operation(operation, params, area)
    except Exception as error:
        return {"error": f"Console operation failed: {error}"}
    return {"success": True, "message": message}


def _run_operation(operation: str, params: dict, area) -> str:
    console = bpy.ops.console
    if operation == "execute":
        code = params.get("code")
        if code is not None:
            console.clear_line()
            console.insert(text=str(code))
        console.execute(interactive=True)
        return "Executed the console line"
    if operation == "clear":
        console.clear(scrollback=bool(params.get("scrollback", True)), history=bool(params.get("history", False)))
        return "Console cleared"
    if operation == "history_cycle":
        direction = str(params.get("direction", "BACKWARD")).upper()
        if direction not in ("BACKWARD", "FORWARD"):
            raise ValueError(f"direction must be BACKWARD or FORWARD, not {direction}")
        console.history_cycle(reverse=direction == "FORWARD")
        return f"History cycled {direction.lower()}"
    if operation == "history_append":
        console.history_append(text=str(params.get("text", "")))
        return "Appended to history"
    if operation == "insert":
        console.insert(text=str(params.get("text", "")))
        return "Text inserted"
    if operation == "scrollback_append":
        line_type = str(params.get("type", "OUTPUT")).upper()
        console.scrollback_append(text=str(params.get("text", "")), type=line_type)
        return "Appended to scrollback"
    getattr(console, SIMPLE_OPERATIONS[operation])()
    return f"{operation} done"


_SCROLLBACK_TYPES = {"OUTPUT": "output", "INPUT": "input", "INFO": "info", "ERROR": "error"}


def _console_lines() -> list[dict]:
    found = _console_area()
    if found is None:
        return []
    space = found[1].spaces.active
    lines = [{"text": line.body, "type": _SCROLLBACK_TYPES.get(line.type, "output"), "source": "console"}
             for line in space.scrollback]
    lines.extend({"text": line.body, "type": "input", "source": "history"} for line in space.history
                 if line.body)
    return lines


def _line_type(text: str) -> str:
    lowered = text.lower()
    if "error" in lowered or "traceback" in lowered:
        return "error"
    if "warning" in lowered:
        return "warning"
    return "output"


def get_console_output(level: str = "all", page: int = 1, page_size: int = 50) -> dict:
    if level not in LEVELS:
        return {"error": f"Invalid level: {level}. Use all, info, warning, error, output or input"}
    lines = _console_lines()
    lines.extend({"text": text, "type": _line_type(text), "source": "job"} for text in console_log.lines())
    if level != "all":
        lines = [line for line in lines if line["type"] == level]
    page = max(1, int(page))
    page_size = min(500, max(1, int(page_size)))
    total = len(lines)
    chosen = lines[(page - 1) * page_size: page * page_size]
    return {"console_output": "\n".join(line["text"] for line in chosen), "lines": chosen, "page": page,
            "page_size": page_size, "total_pages": max(1, math.ceil(total / page_size)), "total_lines": total,
            "level": level, "has_console": _console_area() is not None}
