"""The client uuid (contract 9.3): environment, then preference, then the sticky file."""
from __future__ import annotations

import uuid

from .. import paths  # noqa: F401
from blender_mcp import identity


def test_the_environment_variable_wins_over_the_preference_and_the_file(tmp_path):
    path = tmp_path / "config" / "blender_mcp_uuid.txt"
    chosen = identity.client_uuid("blender-pref", {"BLENDER_MCP_CLIENT_UUID": "blender-demo01"}, str(path))
    assert chosen == "blender-demo01" and not path.exists()


def test_the_preference_wins_over_the_file(tmp_path):
    assert identity.client_uuid("blender-pref", {}, str(tmp_path / "id.txt")) == "blender-pref"


def test_the_sticky_file_is_created_once_and_reused(tmp_path):
    path = tmp_path / "config" / "blender_mcp_uuid.txt"
    first = identity.client_uuid("", {}, str(path))
    assert first.startswith("blender-") and str(uuid.UUID(first[len("blender-"):])) == first[len("blender-"):]
    assert identity.client_uuid("", {}, str(path)) == first
    assert path.read_text() == first[len("blender-"):]


def test_a_malformed_sticky_file_is_replaced_by_a_new_uuid(tmp_path):
    path = tmp_path / "id.txt"
    path.write_text("not-a-uuid")
    chosen = identity.client_uuid("", {}, str(path))
    assert len(path.read_text()) == 36 and chosen == "blender-" + path.read_text()
