"""Importing downloaded model files into the current scene (bpy; main thread only).

Downloads live in temporary directories that are deleted afterwards, so images an importer loaded
from such a directory are packed into the .blend first (pack_images_under).
"""
from __future__ import annotations

import os
import warnings

import bpy
import mathutils

IMPORTABLE_SUFFIXES = (".gltf", ".glb", ".fbx", ".blend")


def import_model(path: str) -> list:
    """Imports (glTF/GLB, FBX) or appends (.blend objects) `path`; returns the new objects."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in IMPORTABLE_SUFFIXES:
        expected = ", ".join(IMPORTABLE_SUFFIXES)
        raise ValueError(f"Unsupported model file type '{suffix}': expected one of {expected}")
    before = set(bpy.data.objects)
    if suffix in (".gltf", ".glb"):
        _run_import(bpy.ops.import_scene.gltf, path, **_gltf_options())
    elif suffix == ".fbx":
        _run_import(bpy.ops.import_scene.fbx, path)
    else:
        _append_blend_objects(path)
    return [obj for obj in bpy.data.objects if obj not in before]


def pack_images_under(directory: str) -> int:
    """Packs every unpacked image whose file lies inside `directory`; returns how many."""
    root = os.path.realpath(directory)
    packed = 0
    for image in bpy.data.images:
        if image.packed_file is not None or image.source != "FILE" or not image.filepath:
            continue
        file_path = os.path.realpath(bpy.path.abspath(image.filepath))
        if os.path.commonpath([root, file_path]) == root and os.path.isfile(file_path):
            image.pack()
            packed += 1
    return packed


def flatten_to_single_mesh(objects: list, name: str):
    """Turns an imported hierarchy into one mesh object named `name`, keeping world placement:
    meshes are unparented (transform kept), joined into one, and the other imported objects
    (empties, armatures without geometry) are removed. Raises ValueError without meshes."""
    meshes = [obj for obj in objects if obj.type == "MESH"]
    if not meshes:
        raise ValueError("The imported model contains no mesh")
    for mesh in meshes:
        world_matrix = mesh.matrix_world.copy()
        mesh.parent = None
        mesh.matrix_world = world_matrix
    for obj in objects:
        if obj.type != "MESH":
            bpy.data.objects.remove(obj, do_unlink=True)
    target = meshes[0]
    if len(meshes) > 1:
        _join(target, meshes)
    target.name = name
    target.data.name = name
    return target


def object_summary(obj) -> dict:
    """name, type, location, rotation (Euler, radians), scale and, for meshes, the world AABB."""
    summary = {
        "name": obj.name,
        "type": obj.type,
        "location": list(obj.location),
        "rotation": list(obj.rotation_euler),
        "scale": list(obj.scale),
    }
    if obj.type == "MESH":
        summary["world_bounding_box"] = world_bounding_box(obj)
    return summary


def world_bounding_box(obj) -> list[list[float]]:
    corners = [obj.matrix_world @ mathutils.Vector(corner) for corner in obj.bound_box]
    return [[min(c[i] for c in corners) for i in range(3)],
            [max(c[i] for c in corners) for i in range(3)]]


def _gltf_options() -> dict:
    """Options that let Blender's own glTF importer run on this Blender.

    The importer needs numpy (bundled with blender.org builds; on Debian it is python3-numpy).
    Blender 3.4's importer guesses flat/smooth faces with `np.bool`, which numpy 1.24 to 1.26
    removed (Debian 12 ships 1.24), so there the "SMOOTH" shading mode is used instead: faces
    with normals are smooth and the file's normals are kept as custom normals.
    """
    try:
        import numpy
    except ImportError:
        raise ValueError("Blender's glTF importer needs numpy, which this Blender's Python lacks "
                         "(on Debian: apt-get install python3-numpy)") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy 1.24 warns when the removed alias is probed
        has_bool_alias = hasattr(numpy, "bool")
    properties = bpy.ops.import_scene.gltf.get_rna_type().properties.keys()
    if not has_bool_alias and "import_shading" in properties:
        return {"import_shading": "SMOOTH"}
    return {}


def _run_import(operator, path: str, **options) -> None:
    result = operator(filepath=path, **options)
    if "FINISHED" not in result:
        raise RuntimeError(f"Import of {os.path.basename(path)} did not finish: {sorted(result)}")


def _append_blend_objects(path: str) -> None:
    with bpy.data.libraries.load(path, link=False) as (data_from, data_to):
        data_to.objects = list(data_from.objects)
    collection = bpy.context.scene.collection
    for obj in data_to.objects:
        if obj is not None and obj.name not in collection.objects:
            collection.objects.link(obj)


def _join(target, meshes: list) -> None:
    view_layer = bpy.context.view_layer
    for obj in view_layer.objects:
        obj.select_set(False)
    for mesh in meshes:
        mesh.select_set(True)
    view_layer.objects.active = target
    override = {
        "active_object": target,
        "object": target,
        "selected_objects": meshes,
        "selected_editable_objects": meshes,
    }
    if hasattr(bpy.context, "temp_override"):
        with bpy.context.temp_override(**override):
            result = bpy.ops.object.join()
    else:  # Blender 3.0 and 3.1 take the override as a positional dict
        result = bpy.ops.object.join(override)
    if "FINISHED" not in result:
        raise RuntimeError(f"Joining the imported meshes did not finish: {sorted(result)}")
