"""The addon's settings (contract 9.2) as one object with an attribute per preference.

current() returns, in order: the object installed with use(obj) (background mode installs its
resolved settings this way, and unit tests their own objects); else the live AddonPreferences of
the enabled addon; else a Settings() of defaults (outside Blender).
"""
from __future__ import annotations

import dataclasses
from typing import Any

ADDON_PACKAGE = __package__ or "blender_mcp"


@dataclasses.dataclass
class Settings:
    server_url: str = "http://localhost:8000/mcp"
    username: str = ""
    jwt_token: str = ""
    jwt_expires_at: str = ""
    refresh_token: str = ""
    client_uuid: str = ""
    group_id: str = ""
    auto_connect: bool = False
    use_polyhaven: bool = False
    use_hyper3d: bool = False
    hyper3d_mode: str = "MAIN_SITE"
    hyper3d_api_key: str = ""
    use_sketchfab: bool = False
    sketchfab_api_key: str = ""
    polyhaven_api_url: str = ""
    sketchfab_api_url: str = ""
    hyper3d_api_url: str = ""
    fal_api_url: str = ""


FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Settings))

_installed: Any = None


def use(obj: Any) -> None:
    """Replaces what current() returns; use(None) restores the default lookup."""
    global _installed
    _installed = obj


def current() -> Any:
    if _installed is not None:
        return _installed
    prefs = addon_preferences()
    return prefs if prefs is not None else Settings()


def addon_preferences() -> Any:
    """The AddonPreferences of the enabled addon, or None (outside Blender or not enabled)."""
    try:
        import bpy
    except ImportError:
        return None
    addon = bpy.context.preferences.addons.get(ADDON_PACKAGE)
    return addon.preferences if addon is not None else None


def snapshot(source: Any) -> Settings:
    """A plain copy of every 9.2 field of `source` (preferences or another settings object)."""
    defaults = Settings()
    return Settings(**{name: getattr(source, name, getattr(defaults, name)) for name in FIELD_NAMES})
