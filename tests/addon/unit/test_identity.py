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


def test_a_uuid_kept_where_older_versions_put_it_is_carried_over_to_the_configured_folder(tmp_path):
    legacy = tmp_path / "user" / "config" / "blender_mcp_uuid.txt"
    legacy.parent.mkdir(parents=True)
    kept = str(uuid.uuid4())
    legacy.write_text(kept)
    configured = tmp_path / "configured" / "blender_mcp_uuid.txt"
    assert identity.client_uuid("", {}, str(configured), str(legacy)) == "blender-" + kept
    assert configured.read_text() == kept
    legacy.write_text(str(uuid.uuid4()))  # from now on the configured file wins
    assert identity.client_uuid("", {}, str(configured), str(legacy)) == "blender-" + kept


def test_a_malformed_legacy_file_is_not_carried_over(tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_text("garbage")
    configured = tmp_path / "configured.txt"
    chosen = identity.client_uuid("", {}, str(configured), str(legacy))
    assert chosen == "blender-" + configured.read_text() and legacy.read_text() == "garbage"
