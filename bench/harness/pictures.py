"""Part 6: pictures from real headless Blender with the addon (docs/images.md), on Debian's Blender 3.4
and on Blender 5.0 as a Python module (the `bpy` wheel in .venv-bpy-5.0, scripts/setup --test-deps).

Bytes and time per call, from sending the request to the last byte of the answer at the client:
`blender_get_viewport_screenshot` and `blender_look` with 1, 4 and 8 views, at 512 and 1000 px, PNG
and JPEG; and `blender_render` of the default scene at 25 % with Cycles and 16 samples, with the
progress notifications it sends. The scene for the screenshot and look is the default scene plus a
subdivided Suzanne and a UV sphere; the render runs first, on the untouched default scene.
"""
from __future__ import annotations

import base64
import http.client
import json
import re
import shutil
import statistics
import time
import urllib.parse

from . import processes
from .blender_end_to_end import blender_environment, not_measured, wait_until_online
from .context import Context
from .mcp_probe import McpProbe, login

UUID = "blender-bench-pictures"
REGISTER_TIMEOUT = 60.0
CALL_TIMEOUT = 300.0
VIEWS = {1: ["iso"], 4: ["front", "top", "right", "iso"],
         8: ["front", "back", "left", "right", "top", "bottom", "iso", "camera"]}
SCENE = ("import bpy\n"
         "bpy.ops.mesh.primitive_monkey_add(location=(2.5, 0, 1))\n"
         "bpy.context.active_object.modifiers.new('s', 'SUBSURF').levels = 2\n"
         "bpy.ops.mesh.primitive_uv_sphere_add(radius=0.7, location=(-2, 1.5, 0.7))\n"
         "print(len(bpy.data.objects))")


class Caller:
    """tools/call over one keep-alive HTTP connection; times each call to the last byte read."""

    def __init__(self, mcp_url: str, token: str) -> None:
        url = urllib.parse.urlsplit(mcp_url)
        self.path = url.path
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=CALL_TIMEOUT)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.next_id = 0
        self._post({"method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench-pictures", "version": "1"}}},
            "application/json")
        self._post({"method": "notifications/initialized"}, "application/json", notification=True)

    def _post(self, body: dict, accept: str, notification: bool = False) -> tuple[bytes, dict]:
        message = {"jsonrpc": "2.0", **body}
        if not notification:
            self.next_id += 1
            message["id"] = self.next_id
        self.connection.request("POST", self.path, json.dumps(message), {**self.headers, "Accept": accept})
        response = self.connection.getresponse()
        if "Mcp-Session-Id" not in self.headers and response.getheader("Mcp-Session-Id"):
            self.headers["Mcp-Session-Id"] = response.getheader("Mcp-Session-Id")
        return response.read(), dict(response.getheaders())

    def call(self, tool: str, arguments: dict) -> dict:
        """One JSON-answered call: seconds to the last byte, bytes on the wire, the envelope and the pictures."""
        started = time.perf_counter()
        body, _ = self._post({"method": "tools/call", "params": {"name": tool, "arguments": arguments}},
                             "application/json")
        seconds = time.perf_counter() - started
        result = json.loads(body)["result"]
        envelope = json.loads(result["content"][0]["text"])
        pictures = [base64.b64decode(item["data"]) for item in result["content"][1:]]
        return {"seconds": seconds, "wire_bytes": len(body), "envelope": envelope, "pictures": pictures}

    def call_with_progress(self, tool: str, arguments: dict) -> dict:
        """One SSE-answered call with a progress token: its progress notifications and its time."""
        started = time.perf_counter()
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": self.next_id, "method": "tools/call",
                   "params": {"name": tool, "arguments": arguments, "_meta": {"progressToken": "bench"}}}
        self.connection.request("POST", self.path, json.dumps(message),
                                {**self.headers, "Accept": "application/json, text/event-stream"})
        response = self.connection.getresponse()
        progress, result, data = [], None, []
        while result is None:
            line = response.readline()
            if not line:
                break
            line = line.decode().rstrip("\r\n")
            if line.startswith("data:"):
                data.append(line[5:].lstrip())
            elif not line and data:
                event = json.loads("\n".join(data))
                data = []
                if event.get("method") == "notifications/progress":
                    progress.append((round(time.perf_counter() - started, 2), event["params"]["progress"],
                                     event["params"].get("message", "")))
                elif event.get("id") == self.next_id:
                    result = event["result"]
        response.read()
        seconds = time.perf_counter() - started
        envelope = json.loads(result["content"][0]["text"]) if result else {"status": "no answer"}
        return {"seconds": seconds, "progress": progress, "envelope": envelope}

    def close(self) -> None:
        self.connection.close()


def measure(caller: Caller, tool: str, arguments: dict, runs: int) -> dict:
    caller.call(tool, arguments)  # warm-up: the first render of a kind initializes EGL and shaders
    samples = [caller.call(tool, arguments) for _ in range(runs)]
    last = samples[-1]
    if last["envelope"]["status"] != "completed":
        return {"refused": last["envelope"].get("error", last["envelope"]["status"])[:200]}
    return {"seconds": statistics.median(s["seconds"] for s in samples),
            "picture_bytes": sum(len(p) for p in last["pictures"]), "pictures": len(last["pictures"]),
            "wire_bytes": last["wire_bytes"]}


def runtimes(ctx: Context) -> list[tuple[str, list[str] | None]]:
    """(label, command prefix that runs a Python expression in background mode, or None when missing)."""
    blender_path = shutil.which("blender")
    module_python = ctx.root / ".venv-bpy-5.0" / "bin" / "python"
    return [("Blender 3.4 (Debian, executable)",
             [blender_path, "-b", "--factory-startup", "--python-exit-code", "1", "--python-expr"]
             if blender_path else None),
            ("Blender 5.0.1 (bpy module)", [str(module_python), "-c"] if module_python.exists() else None)]


def run(ctx: Context) -> dict:
    results = []
    for label, prefix in runtimes(ctx):
        if prefix is None:
            measured = not_measured(f"{label} is not installed (scripts/setup --test-deps installs it)")
        else:
            measured = run_one(ctx, prefix)
        results.append({"label": label, **measured})
    return {"versions": results}


def run_one(ctx: Context, prefix: list[str]) -> dict:
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p6-blender-mcp"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password)
    blender = None
    caller = None
    try:
        token = login(ours.base_url, ctx.user(0), ctx.user_password)
        expr = (f"import bpy, sys; sys.path.insert(0, {str(ctx.root / 'addon')!r}); import blender_mcp; "
                "sys.exit(blender_mcp.run_background())")
        cmd = [*prefix, expr, "--", "--server", ours.base_url, "--token", token, "--uuid", UUID]
        blender, _ = processes.start_logged("blender", processes.pinned(cmd, ctx.load_cpus), ctx.log("p6-blender"),
                                            re.compile(r"."), env=blender_environment(ctx), timeout=REGISTER_TIMEOUT)
        try:
            wait_until_online(ours.mcp_url, token, blender, time.monotonic() + REGISTER_TIMEOUT, uuid=UUID)
        except Exception as error:  # noqa: BLE001 - reported in the table
            return not_measured(str(error))
        caller = Caller(ours.mcp_url, token)
        runs = 1 if ctx.quick else 3
        render = caller.call_with_progress("blender_render", {
            "engine": "CYCLES", "samples": 16, "resolution_percentage": 25,
            "filepath": str(ctx.work / "p6-render.png"), "target_uuid": UUID, "_timeout": CALL_TIMEOUT})
        probe = McpProbe(ours.mcp_url, token)
        try:
            probe.call_tool("blender_execute_code", {"code": SCENE, "target_uuid": UUID})
        finally:
            probe.close()
        rows = []
        for size in (512, 1000):
            for fmt in ("png", "jpeg"):
                rows.append({"tool": "screenshot", "views": 1, "size": size, "format": fmt, **measure(
                    caller, "blender_get_viewport_screenshot",
                    {"max_size": size, "format": fmt, "target_uuid": UUID, "_timeout": CALL_TIMEOUT}, runs)})
                for count, views in VIEWS.items():
                    rows.append({"tool": "look", "views": count, "size": size, "format": fmt, **measure(
                        caller, "blender_look", {"views": views, "max_size": size, "format": fmt,
                                                 "target_uuid": UUID, "_timeout": CALL_TIMEOUT}, runs)})
        return {"measured_ok": True, "runs": runs, "rows": rows, "render": render}
    finally:
        if caller is not None:
            caller.close()
        if blender is not None:
            processes.stop(blender)
        ours.stop()
