"""Where each external service lives and which settings the integration commands read.

Base URL precedence (contract 9.13): the environment variable when set and non-empty, else the
preference when non-empty, else the public default. Settings are read at call time through
blender_mcp.settings.current(), so a changed preference applies to the next command.
"""
from __future__ import annotations

import os
from typing import Any, NamedTuple


class Service(NamedTuple):
    label: str
    env_var: str
    preference: str
    default_url: str


POLYHAVEN = Service("PolyHaven", "BLENDER_MCP_POLYHAVEN_API", "polyhaven_api_url",
                    "https://api.polyhaven.com")
SKETCHFAB = Service("Sketchfab", "BLENDER_MCP_SKETCHFAB_API", "sketchfab_api_url",
                    "https://api.sketchfab.com")
HYPER3D_MAIN_SITE = Service("Hyper3D", "BLENDER_MCP_HYPER3D_API", "hyper3d_api_url",
                            "https://hyperhuman.deemos.com")
HYPER3D_FAL_AI = Service("fal.ai", "BLENDER_MCP_FAL_API", "fal_api_url", "https://queue.fal.run")


def current_settings() -> Any:
    # Imported here so this module loads before the addon's settings module exists at start-up.
    from .. import settings
    return settings.current()


def setting(name: str, default: Any = None) -> Any:
    return getattr(current_settings(), name, default)


def text_setting(name: str) -> str:
    value = setting(name, "")
    return value.strip() if isinstance(value, str) else ""


def base_url(service: Service) -> str:
    """The effective base URL of `service`, without a trailing slash."""
    from_env = os.environ.get(service.env_var, "").strip()
    chosen = from_env or text_setting(service.preference) or service.default_url
    return chosen.rstrip("/")
