"""BlenderMCP addon: joins the user's bus on a blender-mcp server and runs the jobs sent to it.

Install the zip built by scripts/build-addon (Edit > Preferences > Add-ons > Install), log in and
connect from the sidebar tab "BlenderMCP". Headless workers use run_background() (see background.py).
This module imports bpy lazily, so the network and pump modules can be used outside Blender.
"""

bl_info = {
    "name": "BlenderMCP",
    "author": "blender-mcp",
    "version": (1, 0, 0),
    "blender": (3, 0, 0),
    "location": "View3D > Sidebar > BlenderMCP",
    "description": "Connects Blender to a blender-mcp server so MCP clients can run commands and scripts in it",
    "category": "Interface",
}


def register():
    import bpy

    from .ui import operators, panel, preferences, timer_pump

    preferences.register()
    for cls in operators.CLASSES + panel.CLASSES:
        bpy.utils.register_class(cls)
    prefs = bpy.context.preferences.addons[__name__].preferences
    if prefs.auto_connect and prefs.jwt_token and not bpy.app.background:
        bpy.app.timers.register(_auto_connect, first_interval=0.5)


def _auto_connect():
    from .ui import connect

    try:
        connect.connect()
    except ValueError as error:
        print(f"blender-mcp: auto-connect skipped: {error}")
    return None


def unregister():
    import bpy

    from . import runtime
    from .commands import msgbus
    from .ui import operators, panel, preferences, timer_pump

    runtime.stop_active()
    timer_pump.stop()
    msgbus.clear_all()
    for cls in reversed(operators.CLASSES + panel.CLASSES):
        bpy.utils.unregister_class(cls)
    preferences.unregister()


def run_background(**overrides):
    """Headless worker loop for `blender -b`; returns 0, 1 or 2 (contract 9.8)."""
    from .background import run_background as run

    return run(**overrides)
