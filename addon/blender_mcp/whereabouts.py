"""What the addon reports about where it runs when it registers: Blender's version string and the
host name. The server shows them in its web console; a server that does not know these
registration arguments ignores them (docs/addon.md). Called on Blender's main thread."""
from __future__ import annotations

import socket

MAX_BLENDER_VERSION = 64  # the server refuses longer values (invalid_blender_version)
MAX_HOST = 255  # the server refuses longer values (invalid_host)


def _reportable(text: object, limit: int) -> str | None:
    """`text` when the server accepts it: 1..limit characters (UTF-8 bytes) without control
    characters; None otherwise, so that an odd value never costs the registration."""
    if not isinstance(text, str) or not text or len(text.encode("utf-8")) > limit:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return None
    return text


def blender_version() -> str | None:
    """bpy.app.version_string, or None outside Blender."""
    try:
        import bpy
    except ImportError:
        return None
    return _reportable(getattr(bpy.app, "version_string", None), MAX_BLENDER_VERSION)


def host_name() -> str | None:
    """socket.gethostname(), or None when it cannot be had."""
    try:
        return _reportable(socket.gethostname(), MAX_HOST)
    except OSError:
        return None
