"""Part 5: blender_execute_code round trips to a real headless Blender running the addon
(contract §9.8 background entry point)."""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time

from . import processes
from .context import Context
from .mcp_probe import McpProbe, login

UUID = "blender-bench"
CODE = "import bpy\nprint(len(bpy.data.objects))"
REGISTER_TIMEOUT = 60.0


def not_measured(reason: str) -> dict:
    return {"measured": False, "reason": reason.replace("|", "/")}


def blender_environment(ctx: Context) -> dict[str, str]:
    """The environment for Blender: private config and scripts directories (nothing written to
    ~/.config), and PATH without the bin directory of the Python running this harness. pyenv puts
    that directory first, and Blender's embedded Python would then load that interpreter's
    extension modules (built for another libpython) instead of the system ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLENDER_MCP_")}
    own_bin = str(os.path.dirname(sys.executable))
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != own_bin)
    for name in ("BLENDER_USER_CONFIG", "BLENDER_USER_SCRIPTS"):
        directory = ctx.work / f"blender-{name.lower()}"
        directory.mkdir(exist_ok=True)
        env[name] = str(directory)
    return env


def wait_until_online(mcp_url: str, token: str, blender, deadline: float, uuid: str = UUID) -> None:
    probe = McpProbe(mcp_url, token)
    try:
        while time.monotonic() < deadline:
            listing = probe.call_tool("blender_list_available_clients", {})
            for client in listing.get("persistent", []) + listing.get("ephemeral", []):
                if client.get("uuid") == uuid and client.get("online"):
                    return
            if blender.poll() is not None:
                raise RuntimeError(f"Blender exited with status {blender.returncode} before registering")
            time.sleep(0.25)
        raise RuntimeError(f"the addon did not register {uuid} within {REGISTER_TIMEOUT:.0f} s")
    finally:
        probe.close()


def run(ctx: Context) -> dict:
    blender_path = shutil.which("blender")
    if blender_path is None:
        return not_measured("blender is not installed (scripts/setup --test-deps installs it)")
    addon = ctx.root / "addon"
    if not (addon / "blender_mcp" / "__init__.py").is_file():
        return not_measured("the addon package addon/blender_mcp does not exist yet")
    ours = processes.start_blender_mcp(ctx.binary, ctx.data_dir, ctx.log("p5-blender-mcp"), ctx.server_cpus,
                                       ctx.server_threads, ctx.admin_password)
    blender = None
    try:
        token = login(ours.base_url, ctx.user(0), ctx.user_password)
        expr = (f"import sys; sys.path.insert(0, {str(addon)!r}); import blender_mcp; "
                "sys.exit(blender_mcp.run_background())")
        cmd = [blender_path, "-b", "--factory-startup", "--python-exit-code", "1", "--python-expr", expr, "--",
               "--server", ours.base_url, "--token", token, "--uuid", UUID]
        blender, _ = processes.start_logged("blender", processes.pinned(cmd, ctx.load_cpus), ctx.log("p5-blender"),
                                            re.compile(r"."), env=blender_environment(ctx),
                                            timeout=REGISTER_TIMEOUT)
        try:
            wait_until_online(ours.mcp_url, token, blender, time.monotonic() + REGISTER_TIMEOUT)
        except Exception as error:  # noqa: BLE001 - reported in the table, with the log's tail
            tail = ctx.log("p5-blender").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            return not_measured(f"{error}; Blender log ends: {' | '.join(tail)}")
        arguments = '{"code":' + json.dumps(CODE) + ',"target_uuid":"' + UUID + '"}'
        cmd = [ctx.program("bench_load"), "--url", ours.mcp_url, "--token", token, "--clients", "1",
               "--tool", "blender_execute_code", "--arguments", arguments, "--expect", '"status":"completed"',
               "--requests", "2000", "--duration", str(ctx.seconds(15)), "--warmup", "1"]
        result = processes.run_json(cmd, ctx.load_cpus, timeout=120, allow_failure=True)
        if result["measured"] == 0:
            return not_measured(f"no successful round trip: {result.get('first_error', '')[:300]}")
        result["measured_ok"] = True
        return result
    finally:
        if blender is not None:
            processes.stop(blender)
        ours.stop()

