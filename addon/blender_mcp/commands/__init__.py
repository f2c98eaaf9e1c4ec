"""The core commands: the 12 of contract 9.12 (scene, viewport, code, console, msgbus) and the
picture commands look and render (docs/images.md). Integration commands (PolyHaven, Hyper3D,
Sketchfab) are registered by blender_mcp.integrations."""
from __future__ import annotations


def register_core_commands(executor) -> None:
    from . import browse, code, console, look, msgbus, render, scene, screenshot

    for handler in (scene.get_scene_info, scene.get_object_info, browse.browse_data,
                    screenshot.get_viewport_screenshot, code.execute_code, console.console_operations,
                    console.get_console_output, msgbus.msgbus_clear_by_owner, msgbus.msgbus_publish_rna,
                    msgbus.msgbus_subscribe_rna, msgbus.msgbus_get_notifications, msgbus.msgbus_list_subscriptions,
                    look.look, render.render):
        executor.register(handler.__name__, handler)
