"""The sidebar panel a person sees, in Blender 3.4's UI under xvfb-run against the real server.

One Blender goes through the states in order (the tests of this module depend on that order):
logged out, a refused login (the error in the panel), connected, jobs from an MCP client listed,
the server unreachable (reconnecting, then connected again), disconnected, logged out. The panel is
read back as the rows its last draw showed (panel.DRAWN); the test never redraws it itself, so a
panel that does not redraw on its own fails. A screenshot of each state is kept in
$BLENDER_MCP_TEST_ARTIFACTS/panel, else in tests/output/panel (the path is printed).
"""
from __future__ import annotations

import os
import re
import struct
import time
from pathlib import Path
from typing import Iterator

import pytest

from support.artifacts import artifacts_dir

from ..png_check import SIGNATURE, distinct_colours, read_png
from ..tcp_proxy import TcpProxy
from .ui_remote import UiRemote, start_remote_ui

SHOW = "panel.DRAWN['rows']"


def joined(rows: list[str], first: str, before: tuple[str, ...] = ("Jobs run", "Last error")) -> str:
    """The text of the rows from the one starting with `first` up to the next one starting with
    one of `before` (a long text wraps over several rows), joined with spaces."""
    start = next(i for i, row in enumerate(rows) if row.startswith(first))
    end = next((i for i in range(start + 1, len(rows)) if rows[i].startswith(before)), len(rows))
    return " ".join(rows[start:end])


def shows(*texts: str) -> str:
    """A condition (Blender-side expression): the panel's last draw showed every text as a row."""
    return " and ".join(f"{text!r} in {SHOW}" for text in texts) + f" and {SHOW}"


@pytest.fixture(scope="module")
def proxy(server) -> Iterator[TcpProxy]:
    host, port = server.base_url.rsplit("/", 1)[-1].split(":")
    gate = TcpProxy(host, int(port))
    yield gate
    gate.close()


@pytest.fixture(scope="module")
def ui() -> Iterator[UiRemote]:
    remote = start_remote_ui(duration=150)
    yield remote
    code = remote.close()
    print(f"\n--- Blender UI (exit {code}) ---\n{remote.worker.output()[-3000:]}")


@pytest.fixture(scope="module")
def artifacts() -> Path:
    path = artifacts_dir("panel")
    print(f"\npanel screenshots: {path}")
    return path


def png_size(path: Path) -> list[int]:
    head = path.read_bytes()[:24]
    assert head.startswith(SIGNATURE), f"{path} is not a PNG"
    return list(struct.unpack(">II", head[16:24]))


def screenshot(ui: UiRemote, artifacts: Path, name: str) -> None:
    """Saves the 3D view (with the sidebar) as <name>.png and checks that it is a picture of the
    area's size and not one flat colour (counted on a copy Blender scales down 8 times, which keeps
    the test fast: a flat picture stays flat when scaled)."""
    path = artifacts / f"{name}.png"
    small = artifacts / f".{name}-small.png"
    size = ui.run(f"""
import imbuf
with in_view3d():
    bpy.ops.screen.screenshot_area(filepath={str(path)!r}, check_existing=False)
picture = imbuf.load({str(path)!r})
result = list(picture.size)
picture.resize((max(1, result[0] // 8), max(1, result[1] // 8)), method="BILINEAR")
imbuf.write(picture, filepath={str(small)!r})
""")
    assert png_size(path) == size and size[0] > 400
    small_width, _, rows = read_png(small)
    small.unlink()
    assert distinct_colours(small_width, rows) > 10, f"{path} is (nearly) one flat colour"


def rows_fit(ui: UiRemote) -> bool:
    """Every row the panel drew fits the width it wrapped to (Blender's own font measure)."""
    return ui.run("""
measure, scale = panel._measure()
result = [row for row in panel.DRAWN['rows'] if measure(row) > panel.DRAWN['text_width']]
""") == []


def test_logged_out_shows_the_whole_client_uuid_and_copies_it(ui, artifacts):
    rows = ui.wait_for(shows("Not logged in", "Not connected", "Client uuid (target_uuid):"), what="logged out")
    facts = ui.run("""
import os
from blender_mcp import identity
with in_view3d():
    copied = bpy.ops.blendermcp.copy_client_uuid()
path = identity.sticky_file_path()
result = {"copied": sorted(copied), "clipboard": bpy.context.window_manager.clipboard, "path": path,
          "stored": open(path).read(), "config": os.environ["BLENDER_USER_CONFIG"],
          "width": panel.DRAWN["width"]}
""")
    uuid = facts["clipboard"]
    assert facts["copied"] == ["FINISHED"] and uuid == "blender-" + facts["stored"]
    assert facts["path"] == os.path.join(facts["config"], "blender_mcp_uuid.txt")
    shown = joined(rows, "Client uuid (target_uuid):")
    assert shown.startswith("Client uuid (target_uuid): blender-") and shown.count(" ") > 3  # wrapped ...
    assert shown.split(" ", 3)[3].replace(" ", "") == uuid  # ... and whole
    print(f"\ndefault sidebar width: {facts['width']} px")
    assert rows_fit(ui)
    screenshot(ui, artifacts, "logged-out")


def test_a_refused_login_is_reported_in_the_panel_not_in_a_popup(ui, server, artifacts):
    answer = ui.run(f"""
prefs = bpy.context.preferences.addons['blender_mcp'].preferences
prefs.server_url = {server.base_url + '/mcp'!r}
prefs.username = 'demo'
bpy.context.scene.blendermcp_password_tmp = 'wrong-password'
with in_view3d():
    result = sorted(bpy.ops.blendermcp.login())  # an error report would raise here (and pop up in the UI)
""")
    assert answer == ["CANCELLED"]
    rows = ui.wait_for(f"any(row.startswith('Last error:') for row in {SHOW}) and {SHOW}", what="the login error")
    error = ui.run("from blender_mcp.ui import operators; result = operators.status['last_error']")
    assert error.startswith("Login failed: ") and len(error) > 20
    assert joined(rows, "Last error:") == f"Last error: {error}"  # whole, over several rows
    assert rows_fit(ui)
    screenshot(ui, artifacts, "error")


def test_login_and_connect_show_logged_in_and_connected_without_any_other_redraw(ui, proxy, artifacts):
    answer = ui.run(f"""
prefs = bpy.context.preferences.addons['blender_mcp'].preferences
prefs.server_url = {proxy.url + '/mcp'!r}
bpy.context.scene.blendermcp_password_tmp = 'demo'
with in_view3d():
    result = [sorted(bpy.ops.blendermcp.login()), sorted(bpy.ops.blendermcp.start_server())]
""")
    assert answer == [["FINISHED"], ["FINISHED"]]
    rows = ui.wait_for(shows("Logged in as demo", "Connected", "Jobs run: 0, queued: 0"), what="connected")
    # A login in the hour before midnight gets a token that expires on another day: the date is
    # shown and the row wraps after "until" in the narrow panel.
    token = joined(rows, "Token valid until", before=("Connected", "Not connected", "Client uuid"))
    assert re.fullmatch(r"Token valid until (\d\d:\d\d|\d{4}-\d\d-\d\d \d\d:\d\d)", token), rows
    assert not any(row.startswith("Last error") for row in rows)
    before = ui.run("result = panel.DRAWN['count']")
    time.sleep(1.0)  # nothing changes: the pump checks 10 times a second but does not redraw
    assert ui.run("result = panel.DRAWN['count']") - before <= 1
    screenshot(ui, artifacts, "connected")


def test_jobs_sent_by_an_mcp_client_are_listed(ui, raw, artifacts):
    uuid = ui.run("from blender_mcp import runtime; result = runtime.active().client_uuid")
    assert raw.call("blender_get_scene_info", {"target_uuid": uuid})["status"] == "completed"
    assert raw.call("blender_execute_code", {"code": "print(1)", "target_uuid": uuid})["status"] == "completed"
    rows = ui.wait_for(shows("Jobs run: 2, queued: 0", "execute_code", "get_scene_info"), what="the jobs")
    assert rows.index("execute_code") < rows.index("get_scene_info")  # newest first
    first, second = rows.index("execute_code"), rows.index("get_scene_info")
    for detail in (rows[first + 1:second], rows[second + 1:]):
        assert re.fullmatch(r"completed at \d\d:\d\d:\d\d, \d+\.\d\d s from demo \(dispatch tool\)",
                            " ".join(detail)), detail
    assert rows_fit(ui)
    screenshot(ui, artifacts, "jobs")


def test_the_server_out_of_reach_shows_reconnecting_then_connected_again(ui, proxy, artifacts):
    proxy.cut(block=True)
    try:
        rows = ui.wait_for(f"any(row.startswith('Reconnecting in ') for row in {SHOW}) and {SHOW}",
                           timeout=10, what="reconnecting")
        assert "Connected" not in rows
        scene = ui.run("result = bpy.context.scene.blendermcp_server_running")
        assert scene is False
        screenshot(ui, artifacts, "reconnecting")
    finally:
        proxy.unblock()
    ui.wait_for(shows("Connected"), timeout=40, what="connected again")


def test_disconnect_shows_not_connected_at_once_and_logout_shows_logged_out(ui, artifacts):
    ui.run("""
with in_view3d():
    bpy.ops.blendermcp.stop_server()
""")
    rows = ui.wait_for(shows("Not connected"), timeout=2, what="not connected")
    assert "Connected" not in rows and "Logged in as demo" in rows
    assert "Jobs run: 2, queued: 0" in rows and "get_scene_info" in rows  # the list outlives the connection
    screenshot(ui, artifacts, "disconnected")
    ui.run("""
with in_view3d():
    bpy.ops.blendermcp.logout()
""")
    ui.wait_for(shows("Not logged in", "Not connected"), timeout=2, what="logged out")
