"""PolyHaven commands (contract 9.12): status, categories, search, download, set_texture.

Problems are reported as {"error": "..."} with a normal return. Modules that need bpy are imported
inside the functions that touch the scene, so the request side loads and tests without Blender.
"""
from __future__ import annotations

import os
import urllib.parse
from typing import Any

from . import http_fetch, polyhaven_files, service_config
from .http_fetch import ServiceError
from .polyhaven_files import NOT_AVAILABLE

_DISABLED_MESSAGE = (
    "PolyHaven integration is disabled. To enable it, open the BlenderMCP tab in the 3D "
    "Viewport sidebar (press N), tick 'Use assets from PolyHaven', and run the command again.")
_INVALID_TYPE = "Invalid asset type. Must be one of: hdris, textures, models, all"


def get_polyhaven_status() -> dict:
    if service_config.setting("use_polyhaven", False):
        return {"enabled": True, "message": "PolyHaven integration is enabled and ready to use."}
    return {"enabled": False, "message": _DISABLED_MESSAGE}


def get_polyhaven_categories(asset_type: str) -> dict:
    if asset_type not in polyhaven_files.CATEGORY_TYPES:
        return {"error": _INVALID_TYPE}
    try:
        reply = http_fetch.get_json(_api_url(f"/categories/{asset_type}"))
        if not reply.ok:
            return http_fetch.status_error(reply)
        return {"categories": reply.json()}
    except ServiceError as error:
        return {"error": str(error)}


def search_polyhaven_assets(asset_type: str | None = None, categories: Any = None) -> dict:
    """At most 20 assets, the most downloaded first. `categories` is a comma-separated string or
    a list of names; an asset must be in all of them (PolyHaven's own semantics)."""
    query: dict[str, str] = {}
    if asset_type is not None and asset_type != "all":
        if asset_type not in polyhaven_files.ASSET_TYPES:
            return {"error": _INVALID_TYPE}
        query["type"] = asset_type
    if categories:
        if isinstance(categories, (list, tuple)) and all(isinstance(c, str) for c in categories):
            categories = ",".join(categories)
        if not isinstance(categories, str):
            return {"error": "categories must be a comma-separated string or a list of strings"}
        query["categories"] = categories
    path = "/assets" + ("?" + urllib.parse.urlencode(query) if query else "")
    try:
        reply = http_fetch.get_json(_api_url(path))
        if not reply.ok:
            return http_fetch.status_error(reply)
        assets = reply.json()
    except ServiceError as error:
        return {"error": str(error)}
    if not isinstance(assets, dict):
        return {"error": "Unexpected answer from PolyHaven /assets: expected an object, "
                         f"got {type(assets).__name__}"}
    top = polyhaven_files.top_assets(assets, 20)
    return {"assets": top, "total_count": len(assets), "returned_count": len(top)}


def download_polyhaven_asset(asset_id: str, asset_type: str, resolution: str = "1k",
                             file_format: str | None = None) -> dict:
    if asset_type not in polyhaven_files.ASSET_TYPES:
        return {"error": f"Unsupported asset type: {asset_type}"}
    if not isinstance(asset_id, str) or not asset_id.strip() or "/" in asset_id:
        return {"error": f"Invalid asset_id: {asset_id!r}"}
    file_format = (file_format or polyhaven_files.DEFAULT_FORMAT[asset_type]).lower()
    if file_format not in polyhaven_files.FORMATS[asset_type]:
        allowed = ", ".join(polyhaven_files.FORMATS[asset_type])
        return {"error": f"Unsupported file format '{file_format}' for {asset_type}: use one of {allowed}"}
    try:
        reply = http_fetch.get_json(_api_url(f"/files/{urllib.parse.quote(asset_id)}"))
        if reply.status == 404:
            return {"error": f"PolyHaven asset not found: {asset_id}"}
        if not reply.ok:
            return http_fetch.status_error(reply)
        files = reply.json()
        if not isinstance(files, dict):
            return {"error": f"Unexpected answer from PolyHaven /files/{asset_id}: expected an object"}
        deadline = http_fetch.Deadline()
        if asset_type == "hdris":
            return _download_hdri(asset_id, files, resolution, file_format, deadline)
        if asset_type == "textures":
            return _download_texture(asset_id, files, resolution, file_format, deadline)
        return _download_model(asset_id, files, resolution, file_format, deadline)
    except (ServiceError, ValueError) as error:
        return {"error": str(error)}
    except Exception as error:  # bpy reports failed loads and imports as RuntimeError/TypeError
        return {"error": f"Failed to import {asset_type[:-1]} {asset_id}: {error}"}


def set_texture(object_name: str, texture_id: str) -> dict:
    import bpy
    from . import texture_material

    obj = bpy.data.objects.get(object_name)
    if obj is None:
        return {"error": f"Object not found: {object_name}"}
    if obj.data is None or not hasattr(obj.data, "materials"):
        return {"error": f"Object {object_name} ({obj.type}) cannot hold materials"}
    images = texture_material.images_of_texture(texture_id)
    if not images:
        return {"error": f"No texture maps found for {texture_id}; download it first"}
    material_name = f"{texture_id}_material_{object_name}"
    previous = bpy.data.materials.get(material_name)
    if previous is not None:
        bpy.data.materials.remove(previous)
    material = texture_material.build_material(material_name, images)
    obj.data.materials.clear()
    obj.data.materials.append(material)
    return {"success": True,
            "message": f"Applied texture {texture_id} to {object_name} with a new material",
            "material": material.name, "maps": list(images)}


def _download_hdri(asset_id: str, files: dict, resolution: str, file_format: str,
                   deadline: http_fetch.Deadline) -> dict:
    url = polyhaven_files.hdri_url(files, resolution, file_format)
    if url is None:
        return {"error": NOT_AVAILABLE}
    from . import workdir, world_hdri
    with workdir.temporary_directory("hdri") as directory:
        path = os.path.join(directory, f"{asset_id}_{resolution}.{file_format}")
        http_fetch.download(url, path, deadline)
        image = world_hdri.use_as_world(path, f"{asset_id}_{resolution}.{file_format}")
    return {"success": True, "message": f"HDRI {asset_id} ({resolution}) set as the world background",
            "image_name": image.name}


def _download_texture(asset_id: str, files: dict, resolution: str, file_format: str,
                      deadline: http_fetch.Deadline) -> dict:
    map_urls = polyhaven_files.texture_map_urls(files, resolution, file_format)
    if not map_urls:
        return {"error": NOT_AVAILABLE}
    from . import texture_material, workdir
    images = {}
    try:
        with workdir.temporary_directory("texture") as directory:
            for map_name, url in map_urls.items():
                path = os.path.join(directory, f"{len(images)}.{file_format}")
                http_fetch.download(url, path, deadline)
                images[map_name] = texture_material.load_map_image(path, asset_id, map_name, file_format)
    except BaseException:
        # A half-downloaded texture must not be found by a later set_texture.
        texture_material.remove_images(images.values())
        raise
    material = texture_material.build_material(asset_id, images)
    return {"success": True, "message": f"Texture {asset_id} ({resolution}) imported as a material",
            "material": material.name, "maps": list(images)}


def _download_model(asset_id: str, files: dict, resolution: str, file_format: str,
                    deadline: http_fetch.Deadline) -> dict:
    model = polyhaven_files.model_files(files, resolution, file_format)
    if model is None:
        return {"error": NOT_AVAILABLE}
    from . import scene_import, workdir
    with workdir.temporary_directory("model") as directory:
        main_path = os.path.join(directory, model.file_name)
        http_fetch.download(model.url, main_path, deadline)
        for relative_path, url in model.includes.items():
            include_path = os.path.join(directory, *relative_path.replace("\\", "/").split("/"))
            os.makedirs(os.path.dirname(include_path), exist_ok=True)
            http_fetch.download(url, include_path, deadline)
        imported = scene_import.import_model(main_path)
        scene_import.pack_images_under(directory)
    return {"success": True, "message": f"Model {asset_id} ({resolution}) imported",
            "imported_objects": [obj.name for obj in imported]}


def _api_url(path: str) -> str:
    return service_config.base_url(service_config.POLYHAVEN) + path
