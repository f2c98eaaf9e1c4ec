"""Sketchfab commands (contract 9.12): status (checks the key), search, download with safe unzip.

Problems are reported as {"error": "..."} with a normal return.
"""
from __future__ import annotations

import os
import re
import urllib.parse
import zipfile
from typing import Any

from . import http_fetch, safe_zip, service_config
from .http_fetch import ServiceError

STATUS_TIMEOUT_SECONDS = 10.0  # answers within the 15 s status probe of the dispatch tools
_UID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

_DISABLED_MESSAGE = (
    "Sketchfab integration is disabled. To enable it, open the BlenderMCP tab in the 3D "
    "Viewport sidebar (press N), tick 'Use Sketchfab', fill in your Sketchfab API token, and run "
    "the command again.")
_NO_KEY_MESSAGE = (
    "Sketchfab integration is enabled but no API key is set. Fill in your Sketchfab API token "
    "(sketchfab.com > Settings > Password & API) in the BlenderMCP sidebar tab.")


def get_sketchfab_status() -> dict:
    if not service_config.setting("use_sketchfab", False):
        return {"enabled": False, "message": _DISABLED_MESSAGE}
    key = service_config.text_setting("sketchfab_api_key")
    if not key:
        return {"enabled": False, "message": _NO_KEY_MESSAGE}
    try:
        reply = http_fetch.get_json(_api_url("/v3/me"), headers=_auth(key),
                                    timeout=STATUS_TIMEOUT_SECONDS)
    except ServiceError as error:
        return {"enabled": False, "message": f"Sketchfab key check failed: {error}"}
    if reply.status == 401:
        return {"enabled": False,
                "message": ("Sketchfab rejected the API key (HTTP 401); check the key in the "
                            "BlenderMCP sidebar tab.")}
    if not reply.ok:
        return {"enabled": False,
                "message": f"Sketchfab key check failed: HTTP {reply.status} from {reply.url}"}
    try:
        me = reply.json()
    except ServiceError as error:
        return {"enabled": False, "message": f"Sketchfab key check failed: {error}"}
    username = me.get("username") if isinstance(me, dict) else None
    if not isinstance(username, str) or not username:
        return {"enabled": False, "message": "Sketchfab key check failed: /v3/me did not name a user"}
    return {"enabled": True,
            "message": f"Sketchfab integration is enabled and ready to use. Logged in as: {username}"}


def search_sketchfab_models(query: str, categories: Any = None, count: int = 20,
                            downloadable: bool = True) -> Any:
    """The provider's search JSON unchanged. `categories` is a comma-separated string or a list."""
    if not isinstance(query, str) or not query.strip():
        return {"error": "query must be a non-empty string"}
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        return {"error": f"count must be a positive integer, got {count!r}"}
    params = [("type", "models"), ("q", query), ("count", str(count)),
              ("downloadable", "true" if downloadable else "false"), ("archives_flavours", "false")]
    if categories:
        if isinstance(categories, (list, tuple)) and all(isinstance(c, str) for c in categories):
            categories = ",".join(categories)
        if not isinstance(categories, str):
            return {"error": "categories must be a comma-separated string or a list of strings"}
        params.append(("categories", categories))
    key = service_config.text_setting("sketchfab_api_key")
    try:
        reply = http_fetch.get_json(_api_url("/v3/search?" + urllib.parse.urlencode(params)),
                                    headers=_auth(key) if key else None)
        if not reply.ok:
            return http_fetch.status_error(reply)
        return reply.json()
    except ServiceError as error:
        return {"error": str(error)}


def download_sketchfab_model(uid: str) -> dict:
    """Downloads the model's glTF archive, extracts it safely and imports the .gltf/.glb."""
    if not isinstance(uid, str) or not _UID_PATTERN.match(uid):
        return {"error": f"Invalid Sketchfab model uid: {uid!r}"}
    key = service_config.text_setting("sketchfab_api_key")
    if not key:
        return {"error": "Sketchfab API key not set"}
    try:
        reply = http_fetch.get_json(_api_url(f"/v3/models/{uid}/download"), headers=_auth(key))
        if reply.status == 401:
            return {"error": "Sketchfab rejected the API key (HTTP 401)"}
        if reply.status == 404:
            return {"error": f"Model not found or not downloadable: {uid}"}
        if not reply.ok:
            return http_fetch.status_error(reply)
        links = reply.json()
        gltf = links.get("gltf") if isinstance(links, dict) else None
        if not isinstance(gltf, dict) or not isinstance(gltf.get("url"), str):
            return {"error": f"No glTF download is offered for model {uid}"}
        return _download_and_import(uid, gltf["url"])
    except safe_zip.UnsafeArchive as error:
        return {"error": str(error)}
    except zipfile.BadZipFile as error:
        return {"error": f"The download of model {uid} is not a valid zip archive: {error}"}
    except (ServiceError, ValueError) as error:
        return {"error": str(error)}
    except Exception as error:  # bpy reports failed imports as RuntimeError and friends
        return {"error": f"Failed to import model {uid}: {error}"}


def _download_and_import(uid: str, archive_url: str) -> dict:
    from . import workdir

    with workdir.temporary_directory("sketchfab") as directory:
        archive_path = os.path.join(directory, "model.zip")
        http_fetch.download(archive_url, archive_path, http_fetch.Deadline())
        extracted_dir = os.path.join(directory, "files")
        os.mkdir(extracted_dir)
        files = safe_zip.extract(archive_path, extracted_dir)
        model_path = _main_model_file(files, extracted_dir)
        if model_path is None:
            return {"error": f"The archive of model {uid} holds no .gltf or .glb file"}
        from . import scene_import  # needs bpy; everything above runs without Blender
        imported = scene_import.import_model(model_path)
        scene_import.pack_images_under(extracted_dir)
    return {"success": True, "message": f"Sketchfab model {uid} imported",
            "imported_objects": [obj.name for obj in imported]}


def _main_model_file(files: list[str], root: str) -> str | None:
    """The shallowest .gltf, else the shallowest .glb (ties: alphabetical)."""
    def depth_then_name(path: str) -> tuple[int, str]:
        relative = os.path.relpath(path, root)
        return relative.count(os.sep), relative
    for suffix in (".gltf", ".glb"):
        candidates = sorted((f for f in files if f.lower().endswith(suffix)), key=depth_then_name)
        if candidates:
            return candidates[0]
    return None


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Token {key}"}


def _api_url(path: str) -> str:
    return service_config.base_url(service_config.SKETCHFAB) + path
