"""Runs real Blender with the addon for end-to-end tests.

A BlenderRuntime is one Blender version the tests run on: Debian's `blender` executable (3.4), or
Blender as a Python module, the `bpy` wheel in its own virtualenv (.venv-bpy-4.2, .venv-bpy-5.0
and, on request, .venv-bpy-4.5; scripts/setup --test-deps), whose python runs the same code after
`import bpy`. Both run in background mode; only the executable has a UI (start_ui).

The addon is not installed in the user's add-on directory: `addon/` is put on sys.path by the
Python expression, then run_background() enables it (background) or a start-up script connects it
(UI under xvfb-run). Output goes to a log file that tests show when they fail.

Every Blender ends by itself after its `duration` (run_background's --duration, or the UI script's
quit timer), and runs under coreutils `timeout`, which kills it HARD_LIMIT_MARGIN seconds later,
so no Blender outlives a test run that was killed before its fixtures could stop it. Temporary
directories and logs are removed when the test process exits.
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from ..paths import ADDON_DIR, REPO

BLENDER = shutil.which("blender") or "/usr/bin/blender"
XVFB_RUN = shutil.which("xvfb-run") or "/usr/bin/xvfb-run"
TIMEOUT = shutil.which("timeout") or "/usr/bin/timeout"
REGISTER_TIMEOUT = 60.0
HARD_LIMIT_MARGIN = 60.0


def _temporary_directory(prefix: str) -> str:
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, True)
    return path


def _temporary_file(prefix: str, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix)
    os.close(handle)
    atexit.register(lambda: Path(name).unlink(missing_ok=True))
    return Path(name)


def hard_limited(args: list[str], duration: float) -> list[str]:
    """`args` under `timeout`: SIGTERM after duration + HARD_LIMIT_MARGIN s, SIGKILL 10 s later."""
    return [TIMEOUT, "-k", "10", str(int(duration + HARD_LIMIT_MARGIN)), *args]


@dataclass(frozen=True)
class BlenderRuntime:
    """One Blender version: `executable` is the blender binary, or a bpy virtualenv's python
    (`module`: Blender as a Python module)."""

    version: str
    executable: str
    module: bool

    @property
    def label(self) -> str:
        return f"blender-{self.version}" + ("-bpy" if self.module else "")

    def available(self) -> bool:
        return os.access(self.executable, os.X_OK)

    def expr_command(self, expr: str, args: list[str]) -> list[str]:
        """Runs the Python expression in background mode with sys.argv ending in `--`, *args."""
        if self.module:
            return [self.executable, "-c", f"import bpy; {expr}", "--", *args]
        return [self.executable, "-b", "--factory-startup", "--python-exit-code", "1", "--python-expr", expr,
                "--", *args]

    def script_command(self, script: str, args: list[str]) -> list[str]:
        """Runs the script file in background mode (as __main__, after `import bpy`); exit 1 on an
        uncaught exception."""
        return self.expr_command(f"import runpy; runpy.run_path({script!r}, run_name='__main__')", args)


def bpy_runtime(version: str) -> BlenderRuntime:
    return BlenderRuntime(version, str(REPO / f".venv-bpy-{version}" / "bin" / "python"), True)


DEBIAN_BLENDER = BlenderRuntime("3.4", BLENDER, False)
RUNTIMES = {"3.4": DEBIAN_BLENDER, **{version: bpy_runtime(version) for version in ("4.2", "4.5", "5.0")}}


def blender_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLENDER_MCP_")}
    # A private user resource directory: the sticky uuid file and preferences never touch ~/.config.
    env["BLENDER_USER_CONFIG"] = _temporary_directory("bmcp-blender-config-")
    env["BLENDER_USER_SCRIPTS"] = _temporary_directory("bmcp-blender-scripts-")
    env.update(extra or {})
    return env


class BlenderWorker:
    """One Blender process running the addon; stop() ends it (SIGTERM, then kill)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.log_path = _temporary_file("bmcp-blender-", ".log")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 15.0) -> int:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, 15)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(10)
        self._log.close()
        return self.process.returncode


def start_background(server_url: str, *, uuid: str, password: str = "demo", duration: float = 240.0,
                     extra_args: list[str] | None = None, env: dict[str, str] | None = None,
                     preferences: dict | None = None, runtime: BlenderRuntime = DEBIAN_BLENDER) -> BlenderWorker:
    """`preferences` are keyword overrides of run_background(), e.g. {"use_polyhaven": True}."""
    overrides = ", ".join(f"{name}={value!r}" for name, value in (preferences or {}).items())
    expr = (f"import sys; sys.path.insert(0, {str(ADDON_DIR)!r}); import blender_mcp; "
            f"sys.exit(blender_mcp.run_background({overrides}))")
    args = runtime.expr_command(expr, ["--server", server_url, "--username", "demo", "--password", password,
                                       "--uuid", uuid, "--duration", str(duration), *(extra_args or [])])
    return BlenderWorker(hard_limited(args, duration), blender_environment(env))


UI_SCRIPT = """
import sys
sys.path.insert(0, {addon!r})
import addon_utils, bpy
bpy.context.preferences.view.show_splash = False
addon_utils.enable("blender_mcp", default_set=True)
prefs = bpy.context.preferences.addons["blender_mcp"].preferences
prefs.server_url = {server!r}
prefs.username = "demo"
prefs.client_uuid = {uuid!r}
bpy.context.scene.blendermcp_password_tmp = {password!r}
assert bpy.ops.blendermcp.login() == {{"FINISHED"}}
assert bpy.ops.blendermcp.start_server() == {{"FINISHED"}}
import time
_deadline = time.monotonic() + {duration!r}
def _quit_later():
    if time.monotonic() < _deadline:
        return 1.0
    bpy.ops.blendermcp.stop_server()
    bpy.ops.wm.quit_blender()
bpy.app.timers.register(_quit_later, first_interval=1.0, persistent=True)
"""


def start_ui(server_url: str, *, uuid: str, password: str = "demo", duration: float = 120.0) -> BlenderWorker:
    script = _temporary_file("bmcp-ui-", ".py")
    script.write_text(UI_SCRIPT.format(addon=str(ADDON_DIR), server=server_url, uuid=uuid, password=password,
                                       duration=duration))
    args = [XVFB_RUN, "-a", "-s", "-screen 0 1280x800x24", BLENDER, "--factory-startup", "--python-exit-code", "1",
            "--python", str(script)]
    return BlenderWorker(hard_limited(args, duration), blender_environment())


def bus_clients(base_url: str, token: str) -> dict[str, Any]:
    """blender_list_available_clients through a short raw MCP session."""
    url = f"{base_url}/mcp"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"}
    init = requests.post(url, headers=headers, timeout=10, data=json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "probe", "version": "0"}}}))
    init.raise_for_status()
    session = {"Mcp-Session-Id": init.headers["Mcp-Session-Id"]}
    try:
        reply = requests.post(url, headers={**headers, **session}, timeout=10, data=json.dumps(
            {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
             "params": {"name": "blender_list_available_clients", "arguments": {}}}))
        reply.raise_for_status()
        return json.loads(reply.json()["result"]["content"][0]["text"])
    finally:
        requests.delete(url, headers={**headers, **session}, timeout=10)


def wait_until_online(worker: BlenderWorker, base_url: str, token: str, uuid: str,
                      timeout: float = REGISTER_TIMEOUT) -> dict:
    """Waits until `uuid` is an online client of demo's bus; fails with Blender's output otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise AssertionError(f"Blender exited with {worker.process.returncode}:\n{worker.output()}")
        listing = bus_clients(base_url, token)
        for client in listing["persistent"] + listing["ephemeral"]:
            if client["uuid"] == uuid and client["online"]:
                return client
        time.sleep(0.2)
    raise AssertionError(f"{uuid} did not come online within {timeout} s:\n{worker.output()}")
