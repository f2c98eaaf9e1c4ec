"""get_scene_info and get_object_info (contract 9.12, "Scene")."""
from __future__ import annotations

import bpy
import mathutils

LISTED_OBJECTS = 10


def _rounded(values, digits: int = 2) -> list[float]:
    return [round(float(v), digits) for v in values]


def get_scene_info() -> dict:
    scene = bpy.context.scene
    objects = list(scene.objects)
    return {
        "name": scene.name,
        "object_count": len(objects),
        "objects": [{"name": obj.name, "type": obj.type, "location": _rounded(obj.location)}
                    for obj in objects[:LISTED_OBJECTS]],
        "materials_count": len(bpy.data.materials),
    }


def get_object_info(name: str) -> dict:
    obj = bpy.data.objects.get(name)
    if obj is None:
        raise ValueError(f"Object not found: {name}")
    info = {
        "name": obj.name,
        "type": obj.type,
        "location": list(obj.location),
        "rotation": list(obj.rotation_euler),
        "scale": list(obj.scale),
        "visible": obj.visible_get(),
        "materials": [slot.material.name for slot in obj.material_slots if slot.material is not None],
    }
    if obj.type == "MESH":
        corners = [obj.matrix_world @ mathutils.Vector(corner) for corner in obj.bound_box]
        info["world_bounding_box"] = [[min(c[i] for c in corners) for i in range(3)],
                                      [max(c[i] for c in corners) for i in range(3)]]
        mesh = obj.data
        info["mesh"] = {"vertices": len(mesh.vertices), "edges": len(mesh.edges), "polygons": len(mesh.polygons)}
    return info
