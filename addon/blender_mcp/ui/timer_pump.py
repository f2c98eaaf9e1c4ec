"""UI mode of the pump (contract 9.7): a persistent bpy.app.timers callback that runs one job per
call, returns 0.0 while more jobs are queued and IDLE_INTERVAL when the queue is empty, and
unregisters itself (returns None) once the client is gone. Each tick also lets the panel redraw
when its text changed (the connection's state, the login, the jobs), so it is never stale: the
network threads never touch bpy, this main-thread callback does it for them."""
from __future__ import annotations

import bpy

from .. import runtime
from ..net.link_state import CONNECTED
from . import panel

IDLE_INTERVAL = 0.005  # contract 9.7: at most 0.02; the UI loop itself sleeps about 5 ms when idle


def _sync_scene(client) -> None:
    scene = bpy.context.scene
    if scene is None or not hasattr(scene, "blendermcp_server_running"):
        return
    running = client is not None and client.connection.link().phase == CONNECTED
    if scene.blendermcp_server_running != running:
        scene.blendermcp_server_running = running
    client_id = client.client_uuid if client is not None else ""
    if scene.blendermcp_client_id != client_id:
        scene.blendermcp_client_id = client_id


def tick():
    client = runtime.active()
    if client is None:
        _sync_scene(None)
        panel.refresh(force=True)
        return None
    more = client.pump_once()
    _sync_scene(client)
    panel.refresh()
    return 0.0 if more else IDLE_INTERVAL


def start() -> None:
    if not bpy.app.timers.is_registered(tick):
        bpy.app.timers.register(tick, first_interval=0.0, persistent=True)


def stop() -> None:
    if bpy.app.timers.is_registered(tick):
        bpy.app.timers.unregister(tick)
