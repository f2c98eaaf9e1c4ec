"""The six operators of contract 9.4, and Copy Client UUID.

Failures the panel shows (status["last_error"]) are reported as warnings, not errors: Blender opens
an error report as a popup under the mouse, which sits over the password field and takes the next
keystrokes. Every operator asks the panel to redraw, so it never shows the state before the click.
"""
from __future__ import annotations

import ssl
import time

import bpy

from .. import runtime, settings
from ..net import auth, http, urls
from . import connect

HEALTH_TIMEOUT = 3.0
status = {"last_error": ""}


def _prefs():
    return settings.addon_preferences()


def _show(error: str | None = None) -> None:
    """Sets (or with "" clears) the panel's last error, then redraws the panel."""
    from . import panel  # panel imports this module

    if error is not None:
        status["last_error"] = error
    panel.refresh(force=True)


class BLENDERMCP_OT_login(bpy.types.Operator):
    bl_idname = "blendermcp.login"
    bl_label = "Login"
    bl_description = "Log in to the BlenderMCP server; the password is not stored"

    def execute(self, context):
        prefs = _prefs()
        scene = context.scene
        password = scene.blendermcp_password_tmp
        try:
            tokens = auth.login(urls.base_url(prefs.server_url), prefs.username, password)
        except (auth.AuthError, http.TransportError, ValueError) as error:
            _show(f"Login failed: {error}")
            self.report({"WARNING"}, status["last_error"])
            return {"CANCELLED"}
        finally:
            scene.blendermcp_password_tmp = ""
        connect.store_tokens(prefs, tokens)
        _show("")
        self.report({"INFO"}, f"Logged in as {prefs.username}")
        return {"FINISHED"}


class BLENDERMCP_OT_logout(bpy.types.Operator):
    bl_idname = "blendermcp.logout"
    bl_label = "Logout"
    bl_description = "Disconnect, revoke the refresh tokens on the server and forget the stored tokens"

    def execute(self, context):
        prefs = _prefs()
        connect.disconnect()
        connect.show_disconnected(context.scene)
        if prefs.jwt_token:
            try:
                auth.logout(urls.base_url(prefs.server_url), prefs.jwt_token)
            except ValueError:
                pass
        prefs.jwt_token = prefs.refresh_token = prefs.jwt_expires_at = ""
        _show()
        self.report({"INFO"}, "Logged out")
        return {"FINISHED"}


class BLENDERMCP_OT_start_server(bpy.types.Operator):
    bl_idname = "blendermcp.start_server"
    bl_label = "Connect to BlenderMCP Server"
    bl_description = "Join your bus on the BlenderMCP server and run the jobs it sends"

    def execute(self, context):
        try:
            client = connect.connect()
        except ValueError as error:
            _show(str(error))
            self.report({"ERROR"}, str(error))
            return {"CANCELLED"}
        _show("")
        self.report({"INFO"}, f"Connecting as {client.client_uuid}")
        return {"FINISHED"}


class BLENDERMCP_OT_stop_server(bpy.types.Operator):
    bl_idname = "blendermcp.stop_server"
    bl_label = "Disconnect"
    bl_description = "Leave the bus and close the connection"

    def execute(self, context):
        connect.disconnect()
        connect.show_disconnected(context.scene)
        _show()
        return {"FINISHED"}


def health_report(server_url: str) -> str:
    """One of the exact Test Connection messages of contract 9.4."""
    if not (server_url or "").strip():
        return "Server URL is empty"
    try:
        url = urls.base_url(server_url) + "/health"
    except ValueError as error:
        return f"Cannot reach {server_url}: {error}"
    started = time.monotonic()
    try:
        answer = http.request("GET", url, timeout=HEALTH_TIMEOUT)
    except http.TransportError as error:
        cause = error.__cause__
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {cause}"
        if isinstance(cause, TimeoutError) or time.monotonic() - started >= HEALTH_TIMEOUT:
            return f"Timeout (>3s) hitting {url}"
        return f"Cannot reach {url}: {cause or error}"
    if answer.status != 200:
        return f"FAILED: HTTP {answer.status} from {url}"
    try:
        buses = answer.json().get("buses", 0)
    except (ValueError, AttributeError):
        return f"FAILED: HTTP {answer.status} from {url}"
    return f"OK, server healthy, {buses} bus(es) active"


class BLENDERMCP_OT_test_connection(bpy.types.Operator):
    bl_idname = "blendermcp.test_connection"
    bl_label = "Test Connection"
    bl_description = "GET /health on the server (3 s timeout)"

    def execute(self, context):
        message = health_report(_prefs().server_url)
        self.report({"INFO"} if message.startswith("OK") else {"WARNING"}, message)
        _show("" if message.startswith("OK") else message)
        return {"FINISHED"}


class BLENDERMCP_OT_copy_client_uuid(bpy.types.Operator):
    bl_idname = "blendermcp.copy_client_uuid"
    bl_label = "Copy Client UUID"
    bl_description = "Copy this Blender's client uuid (the target_uuid MCP clients send jobs to) to the clipboard"

    def execute(self, context):
        from . import panel

        uuid = panel.display_uuid(_prefs(), runtime.active())
        context.window_manager.clipboard = uuid
        self.report({"INFO"}, f"Copied {uuid}")
        return {"FINISHED"}


class BLENDERMCP_OT_set_hyper3d_free_trial_api_key(bpy.types.Operator):
    bl_idname = "blendermcp.set_hyper3d_free_trial_api_key"
    bl_label = "Set Free Trial API Key"
    bl_description = "Use the public Hyper3D Rodin free-trial key (MAIN_SITE mode)"

    def execute(self, context):
        from ..integrations import RODIN_FREE_TRIAL_KEY

        prefs = _prefs()
        prefs.hyper3d_api_key = RODIN_FREE_TRIAL_KEY
        prefs.hyper3d_mode = "MAIN_SITE"
        self.report({"INFO"}, "Hyper3D free trial key set")
        return {"FINISHED"}


CLASSES = (BLENDERMCP_OT_login, BLENDERMCP_OT_logout, BLENDERMCP_OT_start_server, BLENDERMCP_OT_stop_server,
           BLENDERMCP_OT_test_connection, BLENDERMCP_OT_set_hyper3d_free_trial_api_key,
           BLENDERMCP_OT_copy_client_uuid)
