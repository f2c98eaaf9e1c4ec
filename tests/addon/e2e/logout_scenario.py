"""Run by test_logout.py inside `blender -b --factory-startup`:
blender ... --python logout_scenario.py -- <addon dir> <server url> <client uuid>

Enables the addon, logs in and connects through the operators, then presses Logout; next logs in
again and presses Logout with the server unreachable; last presses Logout with nothing stored.
Prints one line `BLENDER_MCP_LOGOUT <json facts>`.
"""
import json
import sys
import time

addon_dir, server_url, client_uuid = sys.argv[sys.argv.index("--") + 1:][:3]
sys.path.insert(0, addon_dir)

import addon_utils  # noqa: E402
import bpy  # noqa: E402

addon_utils.enable("blender_mcp", default_set=True)
from blender_mcp import runtime  # noqa: E402
from blender_mcp.ui import timer_pump  # noqa: E402

prefs = bpy.context.preferences.addons["blender_mcp"].preferences
scene = bpy.context.scene
prefs.server_url = server_url + "/mcp"
prefs.username = "demo"
prefs.client_uuid = client_uuid


def stored() -> dict:
    return {"jwt_token": prefs.jwt_token, "refresh_token": prefs.refresh_token,
            "jwt_expires_at": prefs.jwt_expires_at}


def panel_state() -> dict:
    return {"running": scene.blendermcp_server_running, "client_id": scene.blendermcp_client_id}


facts = {}
scene.blendermcp_password_tmp = "demo"
facts["login"] = sorted(bpy.ops.blendermcp.login())
facts["password_after_login"] = scene.blendermcp_password_tmp
facts["refresh_token_before"] = prefs.refresh_token
facts["connect"] = sorted(bpy.ops.blendermcp.start_server())
client = runtime.active()
deadline = time.monotonic() + 30
while not client.connected and time.monotonic() < deadline:
    time.sleep(0.05)
timer_pump.tick()  # what the UI timer does: shows the connection in the panel
facts["connected"] = client.connected
facts["panel_while_connected"] = panel_state()

facts["logout"] = sorted(bpy.ops.blendermcp.logout())
facts["active_after_logout"] = runtime.active() is not None
facts["connection_finished"] = client.connection.finished.is_set()
facts["stored_after_logout"] = stored()
facts["panel_after_logout"] = panel_state()
try:  # an operator that reports an error raises it when called from a script
    facts["connect_without_token"] = sorted(bpy.ops.blendermcp.start_server())
except RuntimeError as refused:
    facts["connect_without_token"] = str(refused).strip()

scene.blendermcp_password_tmp = "demo"
facts["second_login"] = sorted(bpy.ops.blendermcp.login())
facts["second_refresh_token"] = prefs.refresh_token
prefs.server_url = "http://127.0.0.1:9/mcp"  # nothing listens there
started = time.monotonic()
facts["logout_unreachable"] = sorted(bpy.ops.blendermcp.logout())
facts["logout_unreachable_seconds"] = time.monotonic() - started
facts["stored_after_unreachable_logout"] = stored()
facts["logout_with_nothing_stored"] = sorted(bpy.ops.blendermcp.logout())

print("BLENDER_MCP_LOGOUT " + json.dumps(facts))
