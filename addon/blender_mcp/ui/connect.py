"""Connect and disconnect from the UI (contract 9.6), using the tokens stored in the preferences."""
from __future__ import annotations

from .. import identity, runtime, settings
from ..net import auth, urls
from . import timer_pump
from .history import HISTORY


def store_tokens(prefs, tokens: auth.Tokens) -> None:
    """Main thread only: writes new tokens into the preferences."""
    prefs.jwt_token = tokens.access_token
    prefs.refresh_token = tokens.refresh_token
    prefs.jwt_expires_at = auth.iso_utc(tokens.expires_at) if tokens.expires_at else ""


def connect(log=print) -> runtime.AddonClient:
    """Starts the client and the timer pump; raises ValueError when the preferences cannot connect."""
    prefs = settings.addon_preferences()
    if prefs is None:
        raise ValueError("the BlenderMCP addon is not enabled")
    if not prefs.jwt_token:
        raise ValueError("No token stored: Login first")
    base = urls.base_url(prefs.server_url)
    disconnect()
    expires_at = auth.parse_iso_utc(prefs.jwt_expires_at) or auth.jwt_expiry(prefs.jwt_token)
    tokens = auth.Tokens(prefs.jwt_token, prefs.refresh_token, expires_at)
    client = runtime.AddonClient(base, tokens, client_uuid=identity.client_uuid(prefs.client_uuid),
                                 group_id=prefs.group_id, username=prefs.username,
                                 on_tokens=lambda new: store_tokens(settings.addon_preferences() or prefs, new),
                                 log=log)
    client.runner.history = HISTORY
    runtime.set_active(client)
    client.start()
    timer_pump.start()
    return client


def disconnect() -> None:
    """Stops the active client (waiting at most 3 s), then runs the main-thread calls it left behind,
    so tokens refreshed just before the stop still reach the preferences."""
    client = runtime.active()
    runtime.stop_active()
    if client is not None:
        client.queue.run_calls()


def show_disconnected(scene) -> None:
    """Clears the panel's connection state at once (the timer pump would only do it on its next tick,
    and in `blender -b` it never ticks)."""
    if scene is not None and hasattr(scene, "blendermcp_server_running"):
        scene.blendermcp_server_running = False
        scene.blendermcp_client_id = ""
