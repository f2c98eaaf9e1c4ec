"""The five msgbus_* commands (contract 9.12): Blender's RNA message bus (bpy.msgbus), which is
unrelated to the BlenderMCP bus. Subscriptions are grouped by owner_id; each callback stores a
notification, at most the last 100 per subscription. In background mode Blender may never call
the callbacks."""
from __future__ import annotations

import collections
import time

import bpy

NOTIFICATIONS_PER_SUBSCRIPTION = 100
FIXED_KEYS = {
    "frame_current": lambda: (bpy.types.Scene, "frame_current"),
    "active_object": lambda: (bpy.types.LayerObjects, "active"),
    "selected_objects": lambda: (bpy.types.LayerObjects, "selected"),
    "active_material": lambda: (bpy.types.Object, "active_material"),
}
PUBLISHABLE = ("frame_current", "active_object", "selected_objects")

_owners: dict[str, object] = {}
_subscriptions: dict[str, dict] = {}  # subscription_id -> record
_notifications: dict[str, collections.deque] = {}  # subscription_id -> deque


class _Owner:
    """bpy.msgbus owners must be Python objects; one per owner_id."""

    def __init__(self, owner_id: str) -> None:
        self.owner_id = owner_id


def _key_for(data_path: str):
    if data_path in FIXED_KEYS:
        return FIXED_KEYS[data_path]()
    for prefix, rna_type in (("scene.", bpy.types.Scene), ("object.", bpy.types.Object)):
        if data_path.startswith(prefix):
            prop = data_path[len(prefix):]
            if prop and prop in rna_type.bl_rna.properties:
                return (rna_type, prop)
    return None


def _context_summary() -> dict:
    context = bpy.context
    active = getattr(context, "active_object", None)
    scene = getattr(context, "scene", None)
    return {"scene": scene.name if scene else None, "frame_current": scene.frame_current if scene else None,
            "active_object": active.name if active else None}


def msgbus_subscribe_rna(data_path: str, owner_id: str = "default", notify_type: str = "UPDATE",
                         persistent: bool = True) -> dict:
    key = _key_for(data_path)
    if key is None:
        return {"error": f"Unsupported data path: {data_path}. Use frame_current, active_object, selected_objects, "
                         "active_material, scene.<prop> or object.<prop>"}
    owner = _owners.setdefault(owner_id, _Owner(owner_id))
    subscription_id = f"{owner_id}_{data_path}"
    buffer = _notifications.setdefault(subscription_id, collections.deque(maxlen=NOTIFICATIONS_PER_SUBSCRIPTION))

    def notify(*_args) -> None:
        buffer.append({"timestamp": time.time(), "data_path": data_path, "owner_id": owner_id,
                       "context": _context_summary()})

    options = {"PERSISTENT"} if persistent else set()
    bpy.msgbus.subscribe_rna(key=key, owner=owner, args=(), notify=notify, options=options)
    _subscriptions[subscription_id] = {"owner_id": owner_id, "data_path": data_path, "key": str(key),
                                       "persistent": bool(persistent), "notify_type": notify_type, "active": True}
    return {"success": True, "message": f"Subscribed to {data_path} for owner {owner_id}",
            "subscription_id": subscription_id, "key": str(key)}


def msgbus_get_notifications(owner_id: str | None = None, clear: bool = False) -> dict:
    chosen = [sid for sid, record in _subscriptions.items() if owner_id is None or record["owner_id"] == owner_id]
    chosen += [sid for sid in _notifications if sid not in _subscriptions and
               (owner_id is None or sid.startswith(owner_id + "_"))]
    notifications = sorted((n for sid in chosen for n in _notifications.get(sid, ())), key=lambda n: n["timestamp"])
    if clear:
        for sid in chosen:
            _notifications.get(sid, collections.deque()).clear()
    return {"success": True, "notifications": notifications, "count": len(notifications)}


def msgbus_list_subscriptions(owner_id: str | None = None) -> dict:
    listed = [dict(record) for record in _subscriptions.values() if owner_id is None or record["owner_id"] == owner_id]
    return {"success": True, "subscriptions": listed, "count": len(listed),
            "owners": sorted({record["owner_id"] for record in listed})}


def msgbus_clear_by_owner(owner_id: str = "default") -> dict:
    owner = _owners.pop(owner_id, None)
    if owner is not None:
        bpy.msgbus.clear_by_owner(owner)
    for sid in [sid for sid, record in _subscriptions.items() if record["owner_id"] == owner_id]:
        del _subscriptions[sid]
        _notifications.pop(sid, None)
    return {"success": True, "message": f"Cleared all message bus subscriptions for owner: {owner_id}"}


def msgbus_publish_rna(data_path: str | None = None) -> dict:
    if data_path is None:
        for name in PUBLISHABLE:
            bpy.msgbus.publish_rna(key=FIXED_KEYS[name]())
        return {"success": True, "message": "Published " + ", ".join(PUBLISHABLE)}
    if data_path not in PUBLISHABLE:
        return {"error": f"Cannot publish {data_path}. Use frame_current, active_object or selected_objects"}
    bpy.msgbus.publish_rna(key=FIXED_KEYS[data_path]())
    return {"success": True, "message": f"Published {data_path}"}


def clear_all() -> None:
    """Drops every subscription (on addon unregister)."""
    for owner in _owners.values():
        bpy.msgbus.clear_by_owner(owner)
    _owners.clear()
    _subscriptions.clear()
    _notifications.clear()
