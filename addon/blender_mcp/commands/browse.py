"""browse_data (contract 9.12, "Scene"): the ID collections of bpy.data, paged lists, one item."""
from __future__ import annotations

import math

import bpy

DETAIL_LEVELS = ("summary", "detailed", "full")
MAX_PAGE_SIZE = 500


def _collections() -> dict[str, object]:
    """Every bpy.data attribute that is an ID collection, by name."""
    found = {}
    for name in dir(bpy.data):
        if name.startswith("_") or name in ("bl_rna", "rna_type", "window_managers", "workspaces", "screens"):
            continue
        value = getattr(bpy.data, name, None)
        if isinstance(value, bpy.types.bpy_prop_collection):
            found[name] = value
    return found


def _item_type(collection: str) -> str:
    """The RNA type of a bpy.data collection's items ("Object" for objects)."""
    prop = bpy.data.bl_rna.properties.get(collection)
    fixed = getattr(prop, "fixed_type", None) if prop is not None else None
    return fixed.identifier if fixed is not None else "ID"


def _vector(value) -> list[float]:
    return [round(float(v), 4) for v in value]


def _item(collection: str, item, detail_level: str) -> dict:
    info = {"name": item.name, "type": type(item).__name__, "collection": collection}
    if hasattr(item, "users"):
        info["users"] = item.users
    if hasattr(item, "use_fake_user"):
        info["use_fake_user"] = item.use_fake_user
    if hasattr(item, "library"):
        info["library"] = item.library.filepath if item.library is not None else None
    if isinstance(item, bpy.types.Object):
        info["type_specific"] = item.type
    if detail_level == "summary":
        return info
    if isinstance(item, bpy.types.Object):
        info.update(location=_vector(item.location), rotation=_vector(item.rotation_euler),
                    scale=_vector(item.scale), parent=item.parent.name if item.parent else None,
                    data=item.data.name if item.data else None,
                    collections=[c.name for c in item.users_collection])
    elif isinstance(item, bpy.types.Mesh):
        info.update(vertices=len(item.vertices), edges=len(item.edges), polygons=len(item.polygons),
                    materials=[m.name for m in item.materials if m is not None])
    elif isinstance(item, bpy.types.Material):
        info.update(use_nodes=item.use_nodes,
                    node_count=len(item.node_tree.nodes) if item.node_tree is not None else 0)
    elif isinstance(item, bpy.types.Image):
        info.update(size=list(item.size), filepath=item.filepath, packed=item.packed_file is not None)
    elif isinstance(item, bpy.types.Light):
        info.update(light_type=item.type, energy=item.energy, color=_vector(item.color))
    elif isinstance(item, bpy.types.Camera):
        info.update(camera_type=item.type, lens=item.lens, clip_start=item.clip_start, clip_end=item.clip_end)
    elif isinstance(item, bpy.types.Collection):
        info.update(objects=[o.name for o in item.objects], children=[c.name for c in item.children])
    elif isinstance(item, bpy.types.Scene):
        info.update(frame_start=item.frame_start, frame_end=item.frame_end, frame_current=item.frame_current,
                    render_engine=item.render.engine, camera=item.camera.name if item.camera else None,
                    object_count=len(item.objects))
    elif isinstance(item, bpy.types.World):
        info.update(use_nodes=item.use_nodes,
                    node_count=len(item.node_tree.nodes) if item.node_tree is not None else 0)
    elif isinstance(item, bpy.types.NodeTree):
        info.update(node_count=len(item.nodes), tree_type=item.bl_idname)
    if detail_level == "full":
        info["properties"] = _plain_properties(item)
    return info


def _plain_properties(item) -> dict:
    """Every readable int/float/bool/string/enum RNA property (arrays of numbers included)."""
    values = {}
    for prop in item.bl_rna.properties:
        if prop.identifier in ("rna_type",) or prop.type not in ("BOOLEAN", "INT", "FLOAT", "STRING", "ENUM"):
            continue
        try:
            value = getattr(item, prop.identifier)
        except Exception:
            continue
        if prop.type in ("BOOLEAN", "INT", "FLOAT") and getattr(prop, "is_array", False):
            try:
                value = [v for v in value]
            except TypeError:
                continue
        if isinstance(value, set):
            value = sorted(value)
        values[prop.identifier] = value
    return values


def browse_data(collection: str | None = None, item_name: str | None = None, page: int = 1,
                page_size: int = 50, detail_level: str = "summary") -> dict:
    if detail_level not in DETAIL_LEVELS:
        return {"error": f"Invalid detail_level: {detail_level}. Use summary, detailed or full"}
    collections = _collections()
    if not collection:
        listed = [{"name": name, "count": len(value), "type": _item_type(name)}
                  for name, value in sorted(collections.items())]
        return {"success": True, "collections": listed, "total": len(listed)}
    if collection not in collections:
        return {"error": f"Unknown collection: {collection}", "available": sorted(collections)}
    items = collections[collection]
    if item_name:
        item = items.get(item_name)
        if item is None:
            return {"error": f"Item '{item_name}' not found in {collection}", "available_count": len(items)}
        return {"success": True, "item": _item(collection, item, detail_level), "collection": collection}
    page = max(1, int(page))
    page_size = min(MAX_PAGE_SIZE, max(1, int(page_size)))
    total_items = len(items)
    start = (page - 1) * page_size
    chosen = list(items)[start:start + page_size]
    return {"success": True, "collection": collection,
            "items": [_item(collection, item, detail_level) for item in chosen],
            "page": page, "page_size": page_size, "total_pages": max(1, math.ceil(total_items / page_size)),
            "total_items": total_items}
