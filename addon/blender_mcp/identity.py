"""The addon's client uuid (contract 9.3).

Precedence: the environment variable BLENDER_MCP_CLIENT_UUID, then the preference client_uuid, then
"blender-" + the uuid4 kept in the sticky file <USER resource path>/config/blender_mcp_uuid.txt
(created, or rewritten when its content is not a 36-character uuid).
"""
from __future__ import annotations

import os
import uuid

ENV_VARIABLE = "BLENDER_MCP_CLIENT_UUID"
FILE_NAME = "blender_mcp_uuid.txt"


def sticky_file_path() -> str:
    import bpy

    return os.path.join(bpy.utils.resource_path("USER"), "config", FILE_NAME)


def sticky_uuid(path: str) -> str:
    """The uuid4 stored in `path`; a fresh one is written when the file is missing or malformed."""
    try:
        with open(path, encoding="utf-8") as handle:
            stored = handle.read().strip()
        if len(stored) == 36:
            return stored
    except OSError:
        pass
    fresh = str(uuid.uuid4())
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(fresh)
    return fresh


def client_uuid(preference: str = "", environ: dict | None = None, path: str | None = None) -> str:
    environ = os.environ if environ is None else environ
    override = (environ.get(ENV_VARIABLE) or "").strip()
    if override:
        return override
    if preference and preference.strip():
        return preference.strip()
    return "blender-" + sticky_uuid(path if path is not None else sticky_file_path())
