"""Reading PolyHaven's `/files/<id>` answer (pure Python, no bpy).

Shapes, as served by api.polyhaven.com:
  HDRI:    {"hdri": {"<res>": {"<fmt>": {"url": ...}}}, ...}
  Texture: {"<map>": {"<res>": {"<fmt>": {"url": ...}}}, ...} plus non-map entries such as
           "blend", "gltf" and "mtlx" whose inner format keys differ from the map layout
  Model:   {"<fmt>": {"<res>": {"<fmt>": {"url": ..., "include": {"<rel path>": {"url": ...}}}}}}
"""
from __future__ import annotations

import posixpath
from typing import Any, NamedTuple

ASSET_TYPES = ("hdris", "textures", "models")
CATEGORY_TYPES = ASSET_TYPES + ("all",)
FORMATS = {"hdris": ("hdr", "exr"), "textures": ("jpg", "png", "exr"), "models": ("gltf", "fbx", "blend")}
DEFAULT_FORMAT = {"hdris": "hdr", "textures": "jpg", "models": "gltf"}
NOT_AVAILABLE = "Requested resolution or format not available for this asset"

# Entries of a texture's file list that are whole-material packages, not single maps.
_NON_MAP_ENTRIES = frozenset({"blend", "gltf", "mtlx", "usd", "fbx"})


class ModelFiles(NamedTuple):
    url: str
    file_name: str
    includes: dict[str, str]  # relative path -> url


def file_url(entry: Any, resolution: str, file_format: str) -> str | None:
    """entry[resolution][file_format]["url"] when present and a string."""
    if not isinstance(entry, dict):
        return None
    by_format = entry.get(resolution)
    if not isinstance(by_format, dict):
        return None
    info = by_format.get(file_format)
    if not isinstance(info, dict) or not isinstance(info.get("url"), str):
        return None
    return info["url"]


def hdri_url(files: dict, resolution: str, file_format: str) -> str | None:
    return file_url(files.get("hdri"), resolution, file_format)


def texture_map_urls(files: dict, resolution: str, file_format: str) -> dict[str, str]:
    """map name -> url for every map offered at this resolution and format, in the API's order."""
    maps: dict[str, str] = {}
    for name, entry in files.items():
        if name.lower() in _NON_MAP_ENTRIES:
            continue
        url = file_url(entry, resolution, file_format)
        if url is not None:
            maps[name] = url
    return maps


def model_files(files: dict, resolution: str, file_format: str) -> ModelFiles | None:
    """The main file and its includes. Raises ValueError for an include path that is absolute or
    climbs out of the download directory."""
    entry = files.get(file_format)
    if not isinstance(entry, dict) or not isinstance(entry.get(resolution), dict):
        return None
    info = entry[resolution].get(file_format)
    if not isinstance(info, dict) or not isinstance(info.get("url"), str):
        return None
    includes: dict[str, str] = {}
    raw_includes = info.get("include") or {}
    if not isinstance(raw_includes, dict):
        raise ValueError("The asset's include list is not an object")
    for path, include in raw_includes.items():
        check_relative_path(path)
        if not isinstance(include, dict) or not isinstance(include.get("url"), str):
            raise ValueError(f"Include '{path}' has no url")
        includes[path] = include["url"]
    file_name = posixpath.basename(info["url"].split("?", 1)[0]) or f"model.{file_format}"
    check_relative_path(file_name)
    return ModelFiles(info["url"], file_name, includes)


def check_relative_path(path: Any) -> None:
    """Raises ValueError unless `path` is a plain relative path that stays inside its directory."""
    if not isinstance(path, str) or not path:
        raise ValueError(f"Refused file path {path!r}: not a non-empty string")
    normalized = path.replace("\\", "/")
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        raise ValueError(f"Refused file path '{path}': absolute paths are not allowed")
    if ".." in normalized.split("/"):
        raise ValueError(f"Refused file path '{path}': '..' is not allowed")
    if "\x00" in normalized:
        raise ValueError(f"Refused file path '{path}': NUL byte")


def top_assets(assets: dict, limit: int = 20) -> dict:
    """The `limit` most downloaded assets, most downloaded first (ties keep the API's order)."""
    def downloads(item: tuple[str, Any]) -> float:
        value = item[1].get("download_count", 0) if isinstance(item[1], dict) else 0
        return value if isinstance(value, (int, float)) else 0
    ranked = sorted(assets.items(), key=downloads, reverse=True)
    return dict(ranked[:limit])
