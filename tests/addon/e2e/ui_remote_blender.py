"""Run by ui_remote.py inside Blender's UI (under xvfb-run, with --enable-event-simulate):
blender ... --python ui_remote_blender.py -- <addon dir> <port file>

Enables the addon, opens the 3D view's sidebar and switches it to the BlenderMCP tab the way a
person can (Ctrl+wheel over the sidebar, as simulated events), then serves a loopback socket: each
line received is Python code, run on Blender's main thread from a timer (never from the socket's
thread) in one shared namespace; the value it leaves in `result` goes back as one JSON line.
"""
import json
import queue
import socket
import sys
import threading
import traceback

addon_dir, port_file = sys.argv[sys.argv.index("--") + 1:][:2]
sys.path.insert(0, addon_dir)

import addon_utils  # noqa: E402
import bpy  # noqa: E402

bpy.context.preferences.view.show_splash = False
addon_utils.enable("blender_mcp", default_set=True)

from blender_mcp.ui import panel  # noqa: E402

requests = queue.Queue()
namespace = {"bpy": bpy, "panel": panel}


def view3d():
    """(window, area, UI region) of the largest 3D view."""
    best = None
    for window in bpy.context.window_manager.windows:
        for area in window.screen.areas:
            if area.type == "VIEW_3D" and (best is None or area.width * area.height > best[1].width * best[1].height):
                best = (window, area)
    window, area = best
    region = next(r for r in area.regions if r.type == "UI")
    return window, area, region


def in_view3d():
    window, area, region = view3d()
    return bpy.context.temp_override(window=window, screen=window.screen, area=area, region=region)


namespace.update(view3d=view3d, in_view3d=in_view3d)


def serve(listener):
    while True:
        connection, _ = listener.accept()
        with connection, connection.makefile("rw", encoding="utf-8") as stream:
            for line in stream:
                done = queue.Queue()
                requests.put((json.loads(line)["code"], done))
                stream.write(json.dumps(done.get()) + "\n")
                stream.flush()


def run_requests():
    while not requests.empty():
        code, done = requests.get()
        namespace["result"] = None
        try:
            exec(compile(code, "<ui-remote>", "exec"), namespace)
            done.put({"ok": True, "result": namespace.get("result")})
        except Exception:
            done.put({"ok": False, "error": traceback.format_exc()})
    return 0.02


state = {"wheel": 0}


def open_the_tab():
    """Shows the sidebar, then sends Ctrl+wheel over it until the BlenderMCP panel has drawn."""
    window, area, region = view3d()
    if not area.spaces.active.show_region_ui:
        area.spaces.active.show_region_ui = True
        return 0.2
    if panel.DRAWN["count"] > 0:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        threading.Thread(target=serve, args=(listener,), daemon=True).start()
        bpy.app.timers.register(run_requests, persistent=True)
        with open(port_file, "w") as handle:
            handle.write(str(listener.getsockname()[1]))
        return None
    if state["wheel"] > 40:  # the tabs cycle round: a missed one comes back
        print("ui_remote: the BlenderMCP tab never drew")
        bpy.ops.wm.quit_blender()
        return None
    state["wheel"] += 1
    # Over the category tabs at the sidebar's top right edge: with region overlap the sidebar's
    # empty space passes events through to the viewport.
    x, y = region.x + region.width - 8, region.y + region.height - 30
    if state["wheel"] % 2:
        window.event_simulate(type="MOUSEMOVE", value="NOTHING", x=x, y=y)
    else:
        window.event_simulate(type="WHEELDOWNMOUSE", value="PRESS", x=x, y=y, ctrl=True)
    return 0.2


bpy.app.timers.register(open_the_tab, first_interval=0.5, persistent=True)
