"""The addon's client uuid (contract 9.3).

Precedence: the environment variable BLENDER_MCP_CLIENT_UUID, then the preference client_uuid, then
"blender-" + the uuid4 kept in the sticky file blender_mcp_uuid.txt in Blender's configuration folder
(bpy.utils.user_resource("CONFIG"), which follows BLENDER_USER_CONFIG), created, or rewritten when
its content is not a 36-character uuid.

Earlier versions kept the file in <USER resource path>/config, ignoring BLENDER_USER_CONFIG; when
the configured folder has no file yet, a valid uuid found there is copied over, so a client keeps
its uuid (and the target_uuid people use for it) across the upgrade.
"""
from __future__ import annotations

import os
import uuid

ENV_VARIABLE = "BLENDER_MCP_CLIENT_UUID"
FILE_NAME = "blender_mcp_uuid.txt"


def sticky_file_path() -> str:
    import bpy

    return os.path.join(bpy.utils.user_resource("CONFIG"), FILE_NAME)


def legacy_file_path() -> str:
    """Where versions before the configured folder was honoured kept the file."""
    import bpy

    return os.path.join(bpy.utils.resource_path("USER"), "config", FILE_NAME)


def _read_uuid(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            stored = handle.read().strip()
    except OSError:
        return None
    return stored if len(stored) == 36 else None


def sticky_uuid(path: str, legacy_path: str | None = None) -> str:
    """The uuid4 stored in `path`; else the one in `legacy_path` (copied to `path`); else a fresh one
    written to `path` (also when the file is malformed)."""
    stored = _read_uuid(path)
    if stored is not None:
        return stored
    inherited = _read_uuid(legacy_path) if legacy_path and legacy_path != path else None
    fresh = inherited or str(uuid.uuid4())
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(fresh)
    return fresh


def client_uuid(preference: str = "", environ: dict | None = None, path: str | None = None,
                legacy_path: str | None = None) -> str:
    """`path`/`legacy_path` default to Blender's (sticky_file_path, legacy_file_path)."""
    environ = os.environ if environ is None else environ
    override = (environ.get(ENV_VARIABLE) or "").strip()
    if override:
        return override
    if preference and preference.strip():
        return preference.strip()
    if path is None:
        path, legacy_path = sticky_file_path(), legacy_file_path()
    return "blender-" + sticky_uuid(path, legacy_path)
