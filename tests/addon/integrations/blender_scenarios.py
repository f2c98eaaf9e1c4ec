"""Runs inside real Blender: drives the 12 integration commands through the addon's executor
against the local service server (base URLs come from the contract 9.13 environment variables)
and records what they did to the scene.

    blender -b --factory-startup --python-exit-code 1 --python blender_scenarios.py -- <addon dir>

Prints one line `BLENDER_MCP_SCENARIOS <json>` with the facts; the pytest side asserts on them.
Any exception escapes, so --python-exit-code makes Blender exit non-zero.
"""
from __future__ import annotations

import dataclasses
import json
import sys

import bpy

ADDON_DIR = sys.argv[sys.argv.index("--") + 1]
sys.path.insert(0, ADDON_DIR)

from blender_mcp import registry, settings  # noqa: E402

MARKER = "BLENDER_MCP_SCENARIOS"
KEYS = json.loads(sys.argv[sys.argv.index("--") + 2])


def use(**overrides):
    settings.use(dataclasses.replace(settings.Settings(), **overrides))


def run(executor, command, **params):
    reply = executor.execute_command({"type": command, "params": params})
    if reply.get("status") != "success":
        return {"dispatch_error": reply.get("message")}
    return reply["result"]


def links_of(tree):
    return sorted(f"{link.from_node.bl_idname}.{link.from_socket.identifier}->"
                  f"{link.to_node.bl_idname}.{link.to_socket.identifier}" for link in tree.links)


def image_facts(image):
    pixels = list(image.pixels[:])
    return {"name": image.name, "size": list(image.size), "packed": image.packed_file is not None,
            "colorspace": image.colorspace_settings.name, "max_value": max(pixels) if pixels else None,
            "distinct_values": len({round(v, 4) for v in pixels})}


def hdri_scenario(executor):
    reply = run(executor, "download_polyhaven_asset", asset_id="test_sky", asset_type="hdris")
    world = bpy.context.scene.world
    environment = [n for n in world.node_tree.nodes if n.bl_idname == "ShaderNodeTexEnvironment"]
    return {"reply": reply, "world_links": links_of(world.node_tree),
            "environment_images": [image_facts(n.image) for n in environment if n.image]}


def texture_scenario(executor):
    download = run(executor, "download_polyhaven_asset", asset_id="test_bricks", asset_type="textures",
                   file_format="png")
    material = bpy.data.materials.get(download.get("material", ""))
    applied = run(executor, "set_texture", object_name="Cube", texture_id="test_bricks")
    cube = bpy.data.objects["Cube"]
    cube_material = cube.data.materials[0] if cube.data.materials else None
    return {
        "download": download,
        "download_material_images": sorted(n.image.name for n in material.node_tree.nodes
                                           if n.bl_idname == "ShaderNodeTexImage") if material else None,
        "set_texture": applied,
        "cube_materials": [m.name for m in cube.data.materials],
        "cube_material_links": links_of(cube_material.node_tree) if cube_material else None,
        "cube_material_images": {n.label: image_facts(n.image) for n in cube_material.node_tree.nodes
                                 if n.bl_idname == "ShaderNodeTexImage"} if cube_material else None,
        "unknown_object": run(executor, "set_texture", object_name="Nope", texture_id="test_bricks"),
        "unknown_texture": run(executor, "set_texture", object_name="Cube", texture_id="never_downloaded"),
        "camera": run(executor, "set_texture", object_name="Camera", texture_id="test_bricks"),
        "broken_download": run(executor, "download_polyhaven_asset", asset_id="test_broken_bricks",
                               asset_type="textures", file_format="png"),
        "after_broken_download": run(executor, "set_texture", object_name="Cube", texture_id="test_broken_bricks"),
    }


def polyhaven_model_scenario(executor):
    reply = run(executor, "download_polyhaven_asset", asset_id="test_chair", asset_type="models")
    objects = [bpy.data.objects.get(name) for name in reply.get("imported_objects", [])]
    return {"reply": reply,
            "imported": [{"name": o.name, "type": o.type,
                          "vertices": len(o.data.vertices) if o.type == "MESH" else None}
                         for o in objects if o is not None],
            "skin_images": [image_facts(i) for i in bpy.data.images if i.name.startswith("skin_baseColor")],
            "evil": run(executor, "download_polyhaven_asset", asset_id="test_evil_model", asset_type="models")}


def rodin_scenario(executor):
    use(use_hyper3d=True, hyper3d_mode="MAIN_SITE", hyper3d_api_key=KEYS["hyper3d"])
    before = {o.name for o in bpy.data.objects}
    main = {
        "create": run(executor, "create_rodin_job", text_prompt="a wooden chair"),
        "poll": run(executor, "poll_rodin_job_status", subscription_key="sub-0001"),
        "import": run(executor, "import_generated_asset", name="RodinChair", task_uuid="task-0001"),
    }
    main["new_objects"] = sorted({o.name for o in bpy.data.objects} - before)
    chair = bpy.data.objects.get("RodinChair")
    main["mesh"] = {"vertices": len(chair.data.vertices), "polygons": len(chair.data.polygons),
                    "data_name": chair.data.name, "parent": chair.parent.name if chair.parent else None} if chair else None
    use(use_hyper3d=True, hyper3d_mode="FAL_AI", hyper3d_api_key=KEYS["fal"])
    fal = {
        "create": run(executor, "create_rodin_job", text_prompt="a lamp"),
        "poll": run(executor, "poll_rodin_job_status", request_id="req-0001"),
        "import": run(executor, "import_generated_asset", name="FalLamp", request_id="req-0001"),
    }
    lamp = bpy.data.objects.get("FalLamp")
    fal["mesh"] = {"vertices": len(lamp.data.vertices), "polygons": len(lamp.data.polygons)} if lamp else None
    return {"main_site": main, "fal_ai": fal}


def sketchfab_scenario(executor):
    use(use_sketchfab=True, sketchfab_api_key=KEYS["sketchfab"])
    reply = run(executor, "download_sketchfab_model", uid="model0001")
    objects = [bpy.data.objects.get(name) for name in reply.get("imported_objects", [])]
    return {"status": run(executor, "get_sketchfab_status"),
            "search": run(executor, "search_sketchfab_models", query="triangle"),
            "download": reply,
            "imported": [{"name": o.name, "type": o.type, "in_scene": o.name in bpy.context.scene.objects}
                         for o in objects if o is not None],
            "evil": run(executor, "download_sketchfab_model", uid="evil0001"),
            "broken": run(executor, "download_sketchfab_model", uid="broken01")}


def gate_scenario(executor):
    use()
    return {name: run(executor, name, **params) for name, params in (
        ("download_polyhaven_asset", {"asset_id": "test_sky", "asset_type": "hdris"}),
        ("import_generated_asset", {"name": "x", "task_uuid": "task-0001"}),
        ("download_sketchfab_model", {"uid": "model0001"}),
        ("get_polyhaven_status", {}))}


def main():
    executor = registry.build_executor()
    use(use_polyhaven=True)
    facts = {"objects_at_start": sorted(o.name for o in bpy.data.objects),
             "hdri": hdri_scenario(executor),
             "texture": texture_scenario(executor),
             "polyhaven_model": polyhaven_model_scenario(executor),
             "rodin": rodin_scenario(executor),
             "sketchfab": sketchfab_scenario(executor),
             "gates": gate_scenario(executor)}
    settings.use(None)
    print(MARKER, json.dumps(facts, default=str), flush=True)


main()
