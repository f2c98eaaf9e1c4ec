"""Fixtures of the integration-command tests: the addon on sys.path, the local service server,
the contract 9.13 variables pointing at it, and a settings object installed through
blender_mcp.settings.use()."""
from __future__ import annotations

import dataclasses
import pathlib
import sys
from typing import Any, Iterator

import pytest

ADDON_DIR = pathlib.Path(__file__).resolve().parents[3] / "addon"
if str(ADDON_DIR) not in sys.path:
    sys.path.insert(0, str(ADDON_DIR))

from blender_mcp import settings as addon_settings  # noqa: E402

from .service_server import ServiceServer  # noqa: E402

SERVICE_ENV_VARS = ("BLENDER_MCP_POLYHAVEN_API", "BLENDER_MCP_HYPER3D_API", "BLENDER_MCP_FAL_API",
                    "BLENDER_MCP_SKETCHFAB_API")


@pytest.fixture(scope="session")
def service_server() -> Iterator[ServiceServer]:
    server = ServiceServer().start()
    yield server
    server.stop()


@pytest.fixture
def services(service_server: ServiceServer, monkeypatch: pytest.MonkeyPatch) -> ServiceServer:
    """The server with a clean request log, and every service base URL pointing at it."""
    service_server.clear()
    for name, value in service_server.environment().items():
        monkeypatch.setenv(name, value)
    return service_server


@pytest.fixture
def no_service_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SERVICE_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def use_settings() -> Iterator[Any]:
    """Call with keyword overrides of contract 9.2 preferences; restored after the test."""
    def install(**overrides: Any) -> addon_settings.Settings:
        chosen = dataclasses.replace(addon_settings.Settings(), **overrides)
        addon_settings.use(chosen)
        return chosen
    yield install
    addon_settings.use(None)
