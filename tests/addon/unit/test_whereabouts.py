"""What the addon reports about where it runs when it registers (addon/blender_mcp/whereabouts.py,
docs/addon.md): Blender's version and the host name, as optional registration arguments."""
from __future__ import annotations

import socket

from blender_mcp import whereabouts
from blender_mcp.net.connection import ConnectionConfig, registration_arguments

CONTRACT_ARGUMENTS = {"client_uuid", "client_type", "is_persistent", "capabilities", "group_id"}


def test_without_reports_the_registration_has_exactly_the_contracts_arguments() -> None:
    config = ConnectionConfig(base_url="http://127.0.0.1:8000", client_uuid="blender-1", client_version="1.0.0")
    assert set(registration_arguments(config)) == CONTRACT_ARGUMENTS


def test_reports_ride_along_as_optional_arguments() -> None:
    config = ConnectionConfig(base_url="http://127.0.0.1:8000", client_uuid="blender-1", client_version="1.0.0",
                              blender_version="4.2.3 LTS", host="studio-7")
    arguments = registration_arguments(config)
    assert set(arguments) == CONTRACT_ARGUMENTS | {"blender_version", "host"}
    assert (arguments["blender_version"], arguments["host"]) == ("4.2.3 LTS", "studio-7")


def test_the_host_name_is_the_machines() -> None:
    assert whereabouts.host_name() == socket.gethostname()


def test_values_the_server_would_refuse_are_left_out() -> None:
    for bad in ("", "a\nb", "tab\there", "x" * 65, None, 42):
        assert whereabouts._reportable(bad, whereabouts.MAX_BLENDER_VERSION) is None, bad
    assert whereabouts._reportable("5.0.1", whereabouts.MAX_BLENDER_VERSION) == "5.0.1"
    assert whereabouts._reportable("é" * 32, whereabouts.MAX_BLENDER_VERSION) == "é" * 32  # 64 bytes
    assert whereabouts._reportable("é" * 33, whereabouts.MAX_BLENDER_VERSION) is None
