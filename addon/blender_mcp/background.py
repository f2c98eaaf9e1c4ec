"""run_background(): the headless worker entry point (contract 9.8).

    blender -b [file.blend] --python-expr "import blender_mcp; blender_mcp.run_background()" -- \
        [--server URL] [--username U] [--password P | --token JWT] [--uuid UUID] [--duration SECONDS]

Each setting comes from, in order: a keyword override, the argument after `--`, the environment
(BLENDER_MCP_SERVER_URL, _USERNAME, _PASSWORD, _TOKEN, _CLIENT_UUID), then the preferences.
Keyword overrides named like a preference (for example use_polyhaven=True) set that preference
for this run. Returns 0 on a clean stop (SIGINT, SIGTERM, --duration elapsed), 1 on an authentication failure or
when no first connection succeeds within 60 s, 2 when called from the UI or with bad arguments.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from typing import Any

from . import identity, runtime, settings
from .net import auth, http, urls

FIRST_CONNECTION_TIMEOUT = 60.0
ENVIRONMENT = {"server": "BLENDER_MCP_SERVER_URL", "username": "BLENDER_MCP_USERNAME",
               "password": "BLENDER_MCP_PASSWORD", "token": "BLENDER_MCP_TOKEN", "uuid": "BLENDER_MCP_CLIENT_UUID"}


def _log(text: str) -> None:
    print(text, flush=True)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="blender -b --python-expr 'import blender_mcp; "
                                          "blender_mcp.run_background()' --", add_help=False)
    parser.add_argument("--server")
    parser.add_argument("--username")
    credentials = parser.add_mutually_exclusive_group()
    credentials.add_argument("--password")
    credentials.add_argument("--token")
    parser.add_argument("--uuid")
    parser.add_argument("--duration", type=float)
    after = argv[argv.index("--") + 1:] if "--" in argv else []
    return parser.parse_args(after)


def _resolve(overrides: dict[str, Any], args: argparse.Namespace, prefs: settings.Settings) -> dict[str, Any]:
    environ = os.environ
    from_prefs = {"server": prefs.server_url, "username": prefs.username, "password": "",
                  "token": prefs.jwt_token, "uuid": prefs.client_uuid}
    resolved: dict[str, Any] = {}
    for name in ("server", "username", "password", "token", "uuid"):
        for candidate in (overrides.get(name), getattr(args, name), environ.get(ENVIRONMENT[name]),
                          from_prefs[name]):
            if candidate:
                resolved[name] = str(candidate)
                break
        else:
            resolved[name] = ""
    duration = overrides.get("duration", args.duration)
    resolved["duration"] = float(duration) if duration is not None else None
    return resolved


def _ensure_enabled() -> settings.Settings:
    """Enables the addon (so its preferences exist) and returns a plain copy of those preferences."""
    import addon_utils

    if settings.addon_preferences() is None:
        addon_utils.enable(settings.ADDON_PACKAGE, default_set=True)
    prefs = settings.addon_preferences()
    return settings.snapshot(prefs) if prefs is not None else settings.Settings()


def _first_tokens(base: str, resolved: dict[str, Any], prefs: settings.Settings, give_up_at: float) -> auth.Tokens:
    if resolved["password"] and not resolved["token"]:
        while True:
            try:
                return auth.login(base, resolved["username"], resolved["password"])
            except http.TransportError as error:
                if time.monotonic() > give_up_at:
                    raise
                _log(f"blender-mcp: login failed ({error}); retrying")
                time.sleep(1.0)
    token = resolved["token"]
    if token == prefs.jwt_token:
        expires_at = auth.parse_iso_utc(prefs.jwt_expires_at) or auth.jwt_expiry(token)
        return auth.Tokens(token, prefs.refresh_token, expires_at)
    return auth.Tokens(token, "", auth.jwt_expiry(token))


def run_background(**overrides: Any) -> int:
    import bpy

    if not bpy.app.background:
        _log("blender-mcp: run_background() only runs in `blender -b`; use the Connect button in the UI")
        return 2
    try:
        args = _arguments(sys.argv)
    except SystemExit:
        return 2
    prefs = _ensure_enabled()
    resolved = _resolve(overrides, args, prefs)
    if not resolved["token"] and not resolved["password"]:
        _log("blender-mcp: no credentials: pass --password or --token (or BLENDER_MCP_PASSWORD/BLENDER_MCP_TOKEN)")
        return 1
    try:
        base = urls.base_url(resolved["server"])
    except ValueError as error:
        _log(f"blender-mcp: {error}")
        return 2
    started = time.monotonic()
    give_up_at = started + FIRST_CONNECTION_TIMEOUT
    try:
        tokens = _first_tokens(base, resolved, prefs, give_up_at)
    except auth.AuthError as error:
        _log(f"blender-mcp: login refused: {error}")
        return 1
    except http.TransportError as error:
        _log(f"blender-mcp: cannot reach {base}: {error}")
        return 1

    fields = {name: value for name, value in overrides.items() if name in settings.FIELD_NAMES}
    active_settings = settings.Settings(**{**vars(prefs), **fields, "server_url": resolved["server"],
                                           "username": resolved["username"], "client_uuid": resolved["uuid"]})
    _store_tokens(active_settings, tokens)
    settings.use(active_settings)
    client_uuid = identity.client_uuid(resolved["uuid"])
    client = runtime.AddonClient(base, tokens, client_uuid=client_uuid, group_id=active_settings.group_id,
                                 username=resolved["username"], password=resolved["password"],
                                 on_tokens=lambda new: _store_tokens(active_settings, new), log=_log)
    stop = {"signal": None}
    previous = {sig: signal.signal(sig, lambda number, frame: stop.__setitem__("signal", number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    deadline = started + resolved["duration"] if resolved["duration"] is not None else None
    runtime.set_active(client)
    _log(f"blender-mcp: background worker {client_uuid} connecting to {base}")
    client.start()

    def should_stop() -> bool:
        if stop["signal"] is not None or client.connection.fatal_error is not None:
            return True
        if deadline is not None and time.monotonic() >= deadline:
            return True
        return not client.connection.ever_registered.is_set() and time.monotonic() > give_up_at

    try:
        client.run_loop(should_stop)
    finally:
        runtime.stop_active()
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
    if client.connection.fatal_error is not None:
        _log(f"blender-mcp: {client.connection.fatal_error}")
        return 1
    if not client.connection.ever_registered.is_set():
        _log(f"blender-mcp: no connection within {FIRST_CONNECTION_TIMEOUT:g} s: {client.connection.last_error}")
        return 1
    _log("blender-mcp: background worker stopped")
    return 0


def _store_tokens(target: settings.Settings, tokens: auth.Tokens) -> None:
    target.jwt_token = tokens.access_token
    target.refresh_token = tokens.refresh_token
    target.jwt_expires_at = auth.iso_utc(tokens.expires_at) if tokens.expires_at else ""
