"""The View3D sidebar tab "BlenderMCP" (contract 9.4; the states it shows: docs/addon.md).

The text comes from panel_rows (pure, unit-tested); this module gathers the state, lays the rows
out wrapped to the sidebar's width, and keeps the panel current: refresh() (main thread: the timer
pump and the operators call it) tags the sidebars for redraw whenever the panel's text changed.
Each draw records what it showed in DRAWN, so tests can read the panel back from inside Blender.
"""
from __future__ import annotations

import time

import bpy

from .. import identity, runtime, settings
from ..net import auth
from . import operators, panel_rows
from .history import HISTORY

LABEL_POINTS = 11.0
# Pixels at UI scale 1, measured in Blender 3.4's default sidebar (229 px wide; a label in a box shows
# about 154 px of text before it is cut): the category tabs, the panel's, the box's and the label's
# margins, and a little to spare; an icon.
SIDE_ROOM = 72.0
ICON_ROOM = 20.0
REFRESH_INTERVAL = 0.1

DRAWN: dict = {"count": 0, "rows": [], "width": 0}
_last = {"signature": None, "checked": 0.0}
_uuid_cache: dict[str, str] = {}


def display_uuid(prefs, client) -> str:
    """The uuid the client registers (or will register) as: the live client's, else identity's."""
    if client is not None:
        return client.client_uuid
    key = prefs.client_uuid
    if key not in _uuid_cache:
        try:
            _uuid_cache.clear()
            _uuid_cache[key] = identity.client_uuid(prefs.client_uuid)
        except OSError as error:
            return f"(cannot read the client uuid file: {error})"
    return _uuid_cache[key]


def gather(prefs) -> panel_rows.PanelState:
    client = runtime.active()
    token = prefs.jwt_token
    expires_at = auth.parse_iso_utc(prefs.jwt_expires_at) or (auth.jwt_expiry(token) if token else None)
    state = panel_rows.PanelState(
        logged_in=bool(token), username=auth.jwt_subject(token) or prefs.username, token_expires_at=expires_at,
        link=client.connection.link() if client is not None else None, client_uuid=display_uuid(prefs, client),
        error=operators.status["last_error"], now=time.monotonic(), wall_now=time.time(),
        queued=len(client.queue) if client is not None else 0, jobs_run=HISTORY.count,
        jobs=HISTORY.latest())
    return state


def tag_sidebars() -> None:
    """Main thread only: asks Blender to redraw every 3D view's sidebar."""
    window_manager = bpy.context.window_manager
    if window_manager is None:
        return
    for window in window_manager.windows:
        for area in window.screen.areas:
            if area.type == "VIEW_3D":
                for region in area.regions:
                    if region.type == "UI":
                        region.tag_redraw()


def refresh(force: bool = False) -> None:
    """Main thread only: tags the sidebars for redraw when the panel's text changed since the last
    check (checked at most every REFRESH_INTERVAL s unless `force`)."""
    now = time.monotonic()
    if not force and now - _last["checked"] < REFRESH_INTERVAL:
        return
    _last["checked"] = now
    prefs = settings.addon_preferences()
    signature = panel_rows.signature(panel_rows.status_rows(gather(prefs))) if prefs is not None else None
    if force or signature != _last["signature"]:
        _last["signature"] = signature
        tag_sidebars()


def _measure():
    """(measure(text) -> pixels, UI scale) with Blender's UI font; an estimate when blf is unusable."""
    scale = bpy.context.preferences.system.ui_scale or 1.0
    try:
        import blf

        blf.size(0, LABEL_POINTS * scale)
        return (lambda text: blf.dimensions(0, text)[0]), scale
    except (ImportError, TypeError, ValueError):
        return (lambda text: panel_rows.estimated_width(text) * scale), scale


class BLENDERMCP_PT_panel(bpy.types.Panel):
    bl_label = "BlenderMCP"
    bl_idname = "BLENDERMCP_PT_panel"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "BlenderMCP"

    def draw(self, context):
        layout = self.layout
        prefs = settings.addon_preferences()
        if prefs is None:
            layout.label(text="Enable the BlenderMCP addon in the preferences")
            return
        measure, scale = _measure()
        width = (context.region.width if context.region is not None else 0) - SIDE_ROOM * scale
        drawn: list[str] = []

        def rows(target, section_rows):
            for row in panel_rows.wrapped(section_rows, width, measure, ICON_ROOM * scale):
                target.label(text=row.text, icon=row.icon)
                drawn.append(row.text)

        def field(target, name, label):
            target.label(text=label)
            target.prop(prefs, name, text="")
            drawn.append(label)

        state = gather(prefs)
        sections = panel_rows.status_rows(state)
        field(layout, "server_url", "Server URL:")
        field(layout, "username", "Username:")

        box = layout.box()
        rows(box, sections["account"])
        if state.logged_in:
            box.operator("blendermcp.logout")
        else:
            box.label(text="Password:")
            box.prop(context.scene, "blendermcp_password_tmp", text="")
            box.operator("blendermcp.login")
            drawn.append("Password:")

        box = layout.box()
        rows(box, sections["connection"])
        link = state.link
        if link is None or link.phase == "not_connected":
            row = box.row()
            row.enabled = state.logged_in  # Connect needs a token: Login first
            row.operator("blendermcp.start_server", text="Connect")
        else:
            box.operator("blendermcp.stop_server", text="Disconnect")
        box.operator("blendermcp.test_connection")
        rows(box, sections["client"])
        box.operator("blendermcp.copy_client_uuid", icon="COPYDOWN")
        rows(box, sections["error"])

        box = layout.box()
        rows(box, sections["jobs"])

        box = layout.box()
        box.prop(prefs, "use_polyhaven")
        box.prop(prefs, "use_hyper3d")
        if prefs.use_hyper3d:
            box.prop(prefs, "hyper3d_mode")
            box.prop(prefs, "hyper3d_api_key")
            box.operator("blendermcp.set_hyper3d_free_trial_api_key")
        box.prop(prefs, "use_sketchfab")
        if prefs.use_sketchfab:
            box.prop(prefs, "sketchfab_api_key")
        DRAWN.update(count=DRAWN["count"] + 1, rows=drawn, width=context.region.width if context.region else 0,
                     text_width=width)


CLASSES = (BLENDERMCP_PT_panel,)
