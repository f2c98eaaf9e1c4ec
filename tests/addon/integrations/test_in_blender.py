"""The integration commands inside real Blender (`blender -b --factory-startup`), through the
addon's full executor, against the local service server: checks what they do to the scene.

One Blender run (blender_scenarios.py) executes every scenario and prints the facts; each test
below asserts on one part of them. glTF imports need numpy in Blender's Python (Debian:
python3-numpy).
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pytest

from ..e2e.blender_worker import hard_limited
from .conftest import ADDON_DIR
from .service_routes import FAL_KEY, HYPER3D_KEY, SKETCHFAB_KEY, SKETCHFAB_USER

SCRIPT = pathlib.Path(__file__).with_name("blender_scenarios.py")
BLENDER_TIMEOUT_SECONDS = 120
MARKER = "BLENDER_MCP_SCENARIOS "


@pytest.fixture(scope="module")
def blender_run(service_server, tmp_path_factory):
    blender = shutil.which("blender")
    assert blender, "blender is not installed (scripts/setup --test-deps installs it)"
    service_server.clear()
    temp_dir = tmp_path_factory.mktemp("blender_tmp")
    env = dict(os.environ, TMPDIR=str(temp_dir), **service_server.environment())
    keys = json.dumps({"hyper3d": HYPER3D_KEY, "fal": FAL_KEY, "sketchfab": SKETCHFAB_KEY})
    completed = subprocess.run(
        hard_limited([blender, "-b", "--factory-startup", "--python-exit-code", "1", "--python", str(SCRIPT),
                      "--", str(ADDON_DIR), keys], BLENDER_TIMEOUT_SECONDS),
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=BLENDER_TIMEOUT_SECONDS)
    lines = [line for line in completed.stdout.splitlines() if line.startswith(MARKER)]
    assert completed.returncode == 0 and len(lines) == 1, (
        f"Blender exited with {completed.returncode}\nstdout:\n{completed.stdout[-4000:]}\n"
        f"stderr:\n{completed.stderr[-4000:]}")
    return {"facts": json.loads(lines[0][len(MARKER):]), "temp_dir": temp_dir,
            "requests": list(service_server.requests)}


@pytest.fixture(scope="module")
def facts(blender_run):
    return blender_run["facts"]


def test_hdri_download_makes_the_world_an_environment_texture_of_that_image(facts):
    hdri = facts["hdri"]
    assert hdri["reply"]["success"] is True and hdri["reply"]["image_name"] == "test_sky_1k.hdr"
    assert hdri["world_links"] == [
        "ShaderNodeBackground.Background->ShaderNodeOutputWorld.Surface",
        "ShaderNodeMapping.Vector->ShaderNodeTexEnvironment.Vector",
        "ShaderNodeTexCoord.Generated->ShaderNodeMapping.Vector",
        "ShaderNodeTexEnvironment.Color->ShaderNodeBackground.Color"]
    (image,) = hdri["environment_images"]
    assert image["name"] == "test_sky_1k.hdr" and image["size"] == [16, 8] and image["packed"]
    assert image["colorspace"] == "Linear"
    assert image["max_value"] > 3.9  # Blender decoded real high-dynamic-range values (up to 4.0)


def test_texture_download_builds_a_material_from_packed_maps(facts):
    texture = facts["texture"]
    assert texture["download"] == {"success": True, "message": "Texture test_bricks (1k) imported as a material",
                                   "material": "test_bricks", "maps": ["Diffuse", "nor_gl", "arm", "Displacement"]}
    assert texture["download_material_images"] == ["test_bricks_Diffuse.png", "test_bricks_Displacement.png",
                                                   "test_bricks_arm.png", "test_bricks_nor_gl.png"]


def test_set_texture_replaces_the_cube_material_with_one_wired_from_the_maps(facts):
    texture = facts["texture"]
    assert texture["set_texture"]["success"] is True
    assert texture["set_texture"]["material"] == "test_bricks_material_Cube"
    assert sorted(texture["set_texture"]["maps"]) == ["Diffuse", "Displacement", "arm", "nor_gl"]
    assert texture["cube_materials"] == ["test_bricks_material_Cube"]
    links = texture["cube_material_links"]
    for expected in [
            "ShaderNodeMixRGB.Color->ShaderNodeBsdfPrincipled.Base Color",       # colour x AO
            "ShaderNodeSeparateColor.Red->ShaderNodeMixRGB.Color2",              # ARM red = AO
            "ShaderNodeSeparateColor.Green->ShaderNodeBsdfPrincipled.Roughness",
            "ShaderNodeSeparateColor.Blue->ShaderNodeBsdfPrincipled.Metallic",
            "ShaderNodeNormalMap.Normal->ShaderNodeBsdfPrincipled.Normal",
            "ShaderNodeDisplacement.Displacement->ShaderNodeOutputMaterial.Displacement",
            "ShaderNodeBsdfPrincipled.BSDF->ShaderNodeOutputMaterial.Surface"]:
        assert expected in links
    images = texture["cube_material_images"]
    assert {name: image["colorspace"] for name, image in images.items()} == {
        "Diffuse": "sRGB", "nor_gl": "Non-Color", "arm": "Non-Color", "Displacement": "Non-Color"}
    assert all(image["packed"] and image["size"] == [4, 4] and image["distinct_values"] > 1
               for image in images.values())


def test_set_texture_names_a_missing_object_or_texture(facts):
    assert facts["texture"]["unknown_object"] == {"error": "Object not found: Nope"}
    assert facts["texture"]["unknown_texture"] == {
        "error": "No texture maps found for never_downloaded; download it first"}


def test_set_texture_refuses_objects_without_materials(facts):
    assert facts["texture"]["camera"] == {"error": "Object Camera (CAMERA) cannot hold materials"}


def test_a_texture_download_that_fails_halfway_leaves_no_maps_behind(facts):
    texture = facts["texture"]
    assert texture["broken_download"]["error"].startswith("Download failed with status code 404: ")
    assert texture["after_broken_download"] == {
        "error": "No texture maps found for test_broken_bricks; download it first"}


def test_polyhaven_model_import_adds_the_mesh_with_its_texture_packed(facts):
    model = facts["polyhaven_model"]
    assert model["reply"] == {"success": True, "message": "Model test_chair (1k) imported",
                              "imported_objects": ["Triangle"]}
    assert model["imported"] == [{"name": "Triangle", "type": "MESH", "vertices": 3}]
    assert any(image["packed"] and image["size"] == [4, 4] for image in model["skin_images"])
    assert model["evil"] == {"error": "Refused file path '../evil.bin': '..' is not allowed"}


def test_rodin_main_site_generates_polls_and_imports_one_joined_mesh(facts):
    main = facts["rodin"]["main_site"]
    assert main["create"]["uuid"] == "task-0001"
    assert main["create"]["jobs"]["subscription_key"] == "sub-0001"
    assert main["poll"] == {"status_list": ["Done", "Generating"]}
    imported = main["import"]
    assert imported["succeed"] is True and imported["name"] == "RodinChair" and imported["type"] == "MESH"
    assert set(imported) == {"succeed", "name", "type", "location", "rotation", "scale", "world_bounding_box"}
    # two triangles, the second moved 2 units along +X: the join kept both placements
    assert imported["world_bounding_box"] == [[0.0, 0.0, 0.0], [3.0, 0.0, 1.0]]
    assert main["mesh"] == {"vertices": 6, "polygons": 2, "data_name": "RodinChair", "parent": None}
    assert main["new_objects"] == ["RodinChair"]  # the empty root node is gone


def test_rodin_fal_ai_generates_polls_and_imports(facts):
    fal = facts["rodin"]["fal_ai"]
    assert fal["create"] == {"request_id": "req-0001", "status": "IN_QUEUE"}
    assert fal["poll"] == {"status": "COMPLETED", "request_id": "req-0001"}
    assert fal["import"]["succeed"] is True and fal["import"]["name"] == "FalLamp"
    assert fal["mesh"] == {"vertices": 3, "polygons": 1}


def test_sketchfab_checks_the_key_searches_and_imports_into_the_scene(facts):
    sketchfab = facts["sketchfab"]
    assert sketchfab["status"]["enabled"] is True
    assert sketchfab["status"]["message"].endswith(f"Logged in as: {SKETCHFAB_USER}")
    assert sketchfab["search"]["results"][0]["uid"] == "model0001"
    assert sketchfab["download"]["success"] is True
    assert sketchfab["imported"] and all(o["in_scene"] for o in sketchfab["imported"])
    assert [o["type"] for o in sketchfab["imported"]] == ["MESH"]


def test_a_sketchfab_archive_blender_cannot_import_is_reported(facts):
    assert facts["sketchfab"]["broken"]["error"].startswith("Failed to import model broken01: ")


def test_a_hostile_sketchfab_archive_is_refused_and_nothing_escapes(facts, blender_run):
    assert facts["sketchfab"]["evil"] == {"error": "Security issue: Zip contains files with path traversal attempt"}
    leftovers = sorted(p.name for p in blender_run["temp_dir"].iterdir())
    assert "evil.txt" not in leftovers
    assert not [name for name in leftovers if name.startswith("blender_mcp_")]  # work dirs removed


def test_gates_close_the_integrations_at_dispatch_time(facts):
    gates = facts["gates"]
    for name in ("download_polyhaven_asset", "import_generated_asset", "download_sketchfab_model"):
        assert gates[name] == {"dispatch_error": f"Unknown command type: {name}"}
    assert gates["get_polyhaven_status"]["enabled"] is False


def test_blender_sent_the_user_agent_and_the_keys(blender_run):
    requests = blender_run["requests"]
    assert requests and all(r.headers.get("user-agent") == "blender-mcp" for r in requests)
    by_path = {r.path: r for r in requests}
    assert by_path["/hyper3d/api/v2/download"].headers["authorization"] == f"Bearer {HYPER3D_KEY}"
    assert by_path["/fal/fal-ai/hyper3d/requests/req-0001"].headers["authorization"] == f"Key {FAL_KEY}"
    assert by_path["/sketchfab/v3/models/model0001/download"].headers["authorization"] == f"Token {SKETCHFAB_KEY}"
    assert "/dl/rodin_main.glb" in by_path and "/dl/model0001.zip" in by_path
