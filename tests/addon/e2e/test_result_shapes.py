"""The core commands give results of the same shape on every Blender version: the same keys, the
same JSON types and, for lists of objects, the same item shape. One headless worker per installed
version (conftest.versions_to_test(); a missing one fails under CI=true) runs the same calls on the
default scene, and each version's shapes are compared with Debian's Blender 3.4."""
from __future__ import annotations

import json
from typing import Any

import pytest

from .blender_worker import RUNTIMES, start_background, wait_until_online
from .conftest import in_ci, versions_to_test

# (tool, arguments): every core command except blender_render (tests/addon/e2e/test_images.py runs
# it on each version; it takes seconds).
CALLS = [
    ("blender_get_scene_info", {}),
    ("blender_get_object_info", {"name": "Cube"}),
    ("blender_get_object_info", {"name": "Light"}),
    ("blender_browse_data", {}),
    ("blender_browse_data", {"collection": "objects", "page": 1, "page_size": 2}),
    ("blender_browse_data", {"collection": "materials"}),
    ("blender_execute_code", {"code": "print(1 + 2)"}),
    ("blender_console_operations", {"operation": "clear"}),
    ("blender_get_console_output", {"level": "all"}),
    ("blender_msgbus_subscribe_rna", {"data_path": "frame_current", "owner_id": "shapes"}),
    ("blender_msgbus_list_subscriptions", {"owner_id": "shapes"}),
    ("blender_msgbus_publish_rna", {"data_path": "frame_current"}),
    ("blender_msgbus_get_notifications", {"owner_id": "shapes"}),
    ("blender_msgbus_clear_by_owner", {"owner_id": "shapes"}),
    ("blender_get_viewport_screenshot", {"max_size": 64}),
    ("blender_look", {"views": ["top", "iso"], "max_size": 64}),
]


def shape(value: Any) -> Any:
    """Keys and JSON types of a value; a list's shape is the sorted set of its items' shapes."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return ["list", sorted({json.dumps(shape(item), sort_keys=True) for item in value})]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"  # JSON has one number type; 1.0 and 1 are both fine
    return type(value).__name__


def envelope_shape(envelope: dict) -> dict:
    result = envelope["result"]
    try:
        decoded = json.loads(result)
    except (TypeError, ValueError):
        decoded = result
    return {"status": envelope["status"], "error": envelope["error"] != "", "result": shape(decoded)}


def shapes_on(version: str, server, token: str, raw_session) -> dict[str, Any]:
    runtime = RUNTIMES[version]
    uuid = f"blender-shapes-{version.replace('.', '')}"
    blender = start_background(server.base_url, uuid=uuid, duration=120, runtime=runtime)
    try:
        wait_until_online(blender, server.base_url, token, uuid)
        shapes = {}
        for number, (tool, arguments) in enumerate(CALLS):
            envelope = raw_session.call(tool, {**arguments, "target_uuid": uuid}, timeout=90)
            assert envelope["status"] == "completed", (version, tool, envelope)
            shapes[f"{number:02d} {tool} {json.dumps(arguments, sort_keys=True)}"] = envelope_shape(envelope)
        return shapes
    finally:
        code = blender.stop()
        print(f"\n--- {runtime.label} (exit {code}) ---\n{blender.output()[-2000:]}")


def test_every_core_command_gives_the_same_result_shape_on_every_blender_version(server, token, raw):
    versions = versions_to_test()
    missing = [version for version in versions if not RUNTIMES[version].available()]
    if missing and in_ci():
        pytest.fail(f"Blender {', '.join(missing)} not installed; run scripts/setup --test-deps")
    installed = [version for version in versions if version not in missing]
    if len(installed) < 2:
        pytest.skip(f"only {installed} installed; nothing to compare")
    reference_version, *others = installed
    reference = shapes_on(reference_version, server, token, raw)
    assert reference["00 blender_get_scene_info {}"]["result"]["objects"][0] == "list"
    for version in others:
        found = shapes_on(version, server, token, raw)
        differences = {call: {reference_version: reference[call], version: found[call]}
                       for call in reference if reference[call] != found[call]}
        assert not differences, json.dumps(differences, indent=1)
