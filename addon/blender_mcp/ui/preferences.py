"""AddonPreferences (contract 9.2; stored in userpref.blend, never in .blend files) and the
transient Scene properties."""
from __future__ import annotations

import bpy
from bpy.props import BoolProperty, EnumProperty, StringProperty

from ..settings import ADDON_PACKAGE


class BlenderMcpPreferences(bpy.types.AddonPreferences):
    bl_idname = ADDON_PACKAGE

    server_url: StringProperty(name="Server URL", default="http://localhost:8000/mcp")
    username: StringProperty(name="Username", default="")
    jwt_token: StringProperty(name="Access token", default="", subtype="PASSWORD")
    jwt_expires_at: StringProperty(name="Access token expiry (UTC)", default="")
    refresh_token: StringProperty(name="Refresh token", default="", subtype="PASSWORD")
    client_uuid: StringProperty(name="Client UUID override", default="")
    group_id: StringProperty(name="Group", default="")
    auto_connect: BoolProperty(name="Connect on start-up", default=False)
    use_polyhaven: BoolProperty(name="Use PolyHaven", default=False)
    use_hyper3d: BoolProperty(name="Use Hyper3D Rodin", default=False)
    hyper3d_mode: EnumProperty(name="Rodin mode", default="MAIN_SITE",
                               items=[("MAIN_SITE", "hyper3d.ai", "Rodin through hyperhuman.deemos.com"),
                                      ("FAL_AI", "fal.ai", "Rodin through fal.ai")])
    hyper3d_api_key: StringProperty(name="Hyper3D API key", default="", subtype="PASSWORD")
    use_sketchfab: BoolProperty(name="Use Sketchfab", default=False)
    sketchfab_api_key: StringProperty(name="Sketchfab API key", default="", subtype="PASSWORD")
    polyhaven_api_url: StringProperty(name="PolyHaven API URL", default="")
    sketchfab_api_url: StringProperty(name="Sketchfab API URL", default="")
    hyper3d_api_url: StringProperty(name="Hyper3D API URL", default="")
    fal_api_url: StringProperty(name="fal.ai API URL", default="")

    def draw(self, context):
        layout = self.layout
        for name in ("server_url", "username", "client_uuid", "group_id", "auto_connect"):
            layout.prop(self, name)
        box = layout.box()
        box.label(text="Service base URLs (empty = default)")
        for name in ("polyhaven_api_url", "sketchfab_api_url", "hyper3d_api_url", "fal_api_url"):
            box.prop(self, name)


SCENE_PROPERTIES = {
    "blendermcp_password_tmp": lambda: StringProperty(name="Password", default="", subtype="PASSWORD",
                                                      options={"SKIP_SAVE"}),
    "blendermcp_server_running": lambda: BoolProperty(name="Connected", default=False, options={"SKIP_SAVE"}),
    "blendermcp_client_id": lambda: StringProperty(name="Client id", default="", options={"SKIP_SAVE"}),
}


def register() -> None:
    bpy.utils.register_class(BlenderMcpPreferences)
    for name, make in SCENE_PROPERTIES.items():
        setattr(bpy.types.Scene, name, make())


def unregister() -> None:
    for name in SCENE_PROPERTIES:
        if hasattr(bpy.types.Scene, name):
            delattr(bpy.types.Scene, name)
    bpy.utils.unregister_class(BlenderMcpPreferences)
