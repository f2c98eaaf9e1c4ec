"""The View3D sidebar tab "BlenderMCP" (contract 9.4)."""
from __future__ import annotations

import bpy

from .. import runtime, settings
from . import operators


class BLENDERMCP_PT_panel(bpy.types.Panel):
    bl_label = "BlenderMCP"
    bl_idname = "BLENDERMCP_PT_panel"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "BlenderMCP"

    def draw(self, context):
        layout = self.layout
        prefs = settings.addon_preferences()
        if prefs is None:
            layout.label(text="Enable the BlenderMCP addon in the preferences")
            return
        scene = context.scene
        layout.prop(prefs, "server_url")
        layout.prop(prefs, "username")
        if prefs.jwt_token:
            layout.operator("blendermcp.logout")
        else:
            layout.prop(scene, "blendermcp_password_tmp")
            layout.operator("blendermcp.login")
        client = runtime.active()
        row = layout.row()
        if client is None:
            row.operator("blendermcp.start_server")
        else:
            row.operator("blendermcp.stop_server")
        row.operator("blendermcp.test_connection")

        box = layout.box()
        if client is None:
            box.label(text="Not connected")
        else:
            box.label(text=("Connected" if client.connected else "Not connected") + f": {client.status}")
            box.label(text=f"Client: {client.client_uuid}")
            box.label(text=f"Queued jobs: {len(client.queue)}")
        error = operators.last_error()
        if error:
            box.label(text=f"Last error: {error}", icon="ERROR")

        box = layout.box()
        box.prop(prefs, "use_polyhaven")
        box.prop(prefs, "use_hyper3d")
        if prefs.use_hyper3d:
            box.prop(prefs, "hyper3d_mode")
            box.prop(prefs, "hyper3d_api_key")
            box.operator("blendermcp.set_hyper3d_free_trial_api_key")
        box.prop(prefs, "use_sketchfab")
        if prefs.use_sketchfab:
            box.prop(prefs, "sketchfab_api_key")


CLASSES = (BLENDERMCP_PT_panel,)
