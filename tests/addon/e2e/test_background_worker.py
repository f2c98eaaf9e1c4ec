"""A real `blender -b --factory-startup` running run_background() as blender-demo01, driven by the
user guide's Style A and Style B programs and by dispatch tools."""
from __future__ import annotations

import ast
import json
import subprocess
import sys

from ..paths import EXAMPLES_DIR
from ..png_check import distinct_pixels, read_png
from .blender_worker import start_background

EVERY_BLENDER_VERSION = True  # conftest.py: once per Blender version

CLIENT_TIMEOUT = 90
JOBS_MEASURED = 50
WARM_UP_JOBS = 20
DEFAULT_SCENE = [{"name": "Cube", "type": "MESH", "location": [0.0, 0.0, 0.0]},
                 {"name": "Light", "type": "LIGHT", "location": [4.08, 1.01, 5.9]},
                 {"name": "Camera", "type": "CAMERA", "location": [7.36, -6.93, 4.96]}]


def run_example(name: str, base_url: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, str(EXAMPLES_DIR / name), base_url, "demo", "demo"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLIENT_TIMEOUT)
    assert done.returncode == 0, f"{name} exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def test_the_guides_style_a_program_gets_real_scene_info_and_3_from_blender(server, raw, worker):
    materials = int(raw.call("blender_execute_code", {"code": "import bpy; print(len(bpy.data.materials))"})
                    ["result"])
    lines = run_example("style_a_client.py", server.base_url).stdout.split("\n")
    envelope = ast.literal_eval(lines[0])
    assert (envelope["status"], envelope["command"], envelope["target_uuid"], envelope["error"]) == \
        ("completed", "get_scene_info", "blender-demo01", "")
    assert envelope["job_id"].startswith("j-") and len(envelope["job_id"]) == 14
    assert json.loads(envelope["result"]) == {"name": "Scene", "object_count": 3, "objects": DEFAULT_SCENE,
                                              "materials_count": materials}
    assert lines[1:3] == ["3", ""]  # print("3\n")


def test_the_guides_style_b_program_gets_the_job_update_of_its_script_from_blender(server, worker):
    printed = [ast.literal_eval(line) for line in
               run_example("style_b_client.py", server.base_url).stdout.splitlines() if line.startswith("{")]
    assert printed == [{"kind": "job_update", "job_id": "job-abc123", "status": "completed", "result": "3\n",
                        "error": ""},
                       {"status": "ok", "client_uuid": "llm-myclient-001"}]


def result_of(envelope: dict):
    assert envelope["status"] == "completed", envelope
    return json.loads(envelope["result"])


def test_object_info_browse_and_console_commands_return_the_contract_shapes(raw, worker):
    cube = result_of(raw.call("blender_get_object_info", {"name": "Cube"}))
    assert cube["mesh"] == {"vertices": 8, "edges": 12, "polygons": 6} and cube["materials"] == ["Material"]
    assert cube["world_bounding_box"] == [[-1.0, -1.0, -1.0], [1.0, 1.0, 1.0]]
    missing = raw.call("blender_get_object_info", {"name": "Nope"})
    assert (missing["status"], missing["error"]) == ("failed", "Object not found: Nope")

    listing = result_of(raw.call("blender_browse_data", {}))
    assert {"name": "objects", "count": 3, "type": "Object"} in listing["collections"]
    page = result_of(raw.call("blender_browse_data", {"collection": "objects", "page": 2, "page_size": 2}))
    assert (page["total_items"], page["total_pages"], len(page["items"])) == (3, 2, 1)
    unknown = result_of(raw.call("blender_browse_data", {"collection": "nothing"}))
    assert unknown["error"] == "Unknown collection: nothing" and "objects" in unknown["available"]

    console = result_of(raw.call("blender_console_operations", {"operation": "clear"}))
    assert console == {"error": "No console area available. Use operation='create' first."}
    raw.call("blender_execute_code", {"code": "print('line for the log')"})
    output = result_of(raw.call("blender_get_console_output", {"level": "output"}))
    assert {"text": "line for the log", "type": "output", "source": "job"} in output["lines"]
    bad_level = result_of(raw.call("blender_get_console_output", {"level": "loud"}))
    assert bad_level["error"].startswith("Invalid level: loud")


def test_execute_code_failures_carry_stdout_and_the_traceback(raw, worker):
    envelope = raw.call("blender_execute_code", {"code": "print('before')\nraise ValueError('bad value')"})
    assert envelope["status"] == "failed" and envelope["result"] == "before\n"
    assert envelope["error"].startswith("bad value\n") and "Traceback" in envelope["error"]


def test_msgbus_commands_subscribe_list_and_clear(raw, worker):
    subscribed = result_of(raw.call("blender_msgbus_subscribe_rna", {"data_path": "frame_current",
                                                                     "owner_id": "e2e"}))
    assert subscribed["subscription_id"] == "e2e_frame_current"
    listed = result_of(raw.call("blender_msgbus_list_subscriptions", {"owner_id": "e2e"}))
    assert listed["count"] == 1 and listed["owners"] == ["e2e"]
    assert result_of(raw.call("blender_msgbus_publish_rna", {"data_path": "frame_current"}))["success"]
    assert result_of(raw.call("blender_msgbus_get_notifications", {"owner_id": "e2e"}))["success"]
    assert result_of(raw.call("blender_msgbus_clear_by_owner", {"owner_id": "e2e"}))["message"] == \
        "Cleared all message bus subscriptions for owner: e2e"
    unsupported = result_of(raw.call("blender_msgbus_subscribe_rna", {"data_path": "nonsense"}))
    assert unsupported["error"].startswith("Unsupported data path: nonsense")


def test_a_gated_integration_command_fails_as_unknown_while_its_preference_is_off(raw, worker):
    envelope = raw.call("blender_search_polyhaven_assets", {})
    assert (envelope["status"], envelope["error"]) == ("failed", "Unknown command type: search_polyhaven_assets")
    assert result_of(raw.call("blender_get_polyhaven_status", {}))["enabled"] is False


def test_the_background_screenshot_is_a_workbench_render_of_the_stored_view(raw, worker, tmp_path):
    path = tmp_path / "view.png"
    shot = result_of(raw.call("blender_get_viewport_screenshot", {"filepath": str(path), "max_size": 320}))
    assert shot["success"] and shot["filepath"] == str(path) and max(shot["width"], shot["height"]) == 320
    width, height, _ = read_png(path)
    assert (width, height) == (shot["width"], shot["height"])
    assert distinct_pixels(path) > 10
    cameras = json.loads(raw.call("blender_execute_code", {"code": "import bpy; print(len(bpy.data.cameras))"})
                         ["result"])
    assert cameras == 1  # the temporary camera is gone
    bad = result_of(raw.call("blender_get_viewport_screenshot", {"filepath": str(path), "format": "gif"}))
    assert bad == {"error": "Unsupported format: gif. Use png, jpg or jpeg"}


def test_the_arrival_to_start_time_of_background_jobs_is_reported(raw, worker):
    for _ in range(WARM_UP_JOBS):  # the first UI seconds redraw slowly on llvmpipe
        raw.call("blender_execute_code", {"code": "pass"})
    raw.call("blender_execute_code", {"code": "from blender_mcp import latency; latency.clear()"})
    for _ in range(JOBS_MEASURED):
        raw.call("blender_execute_code", {"code": "pass"})
    summary = json.loads(raw.call("blender_execute_code", {
        "code": "from blender_mcp import latency; print(latency.summary())"})["result"])
    print(f"\nbackground mode, arrival to start: {summary}")
    assert summary["count"] == JOBS_MEASURED + 1


def test_run_background_exits_1_when_the_login_is_refused(server, runtime):
    blender = start_background(server.base_url, uuid="blender-refused", password="wrong", duration=30,
                               runtime=runtime)
    try:
        code = blender.process.wait(60)
    finally:
        blender.stop()
    assert code == 1, blender.output()
    assert "login refused: Invalid credentials" in blender.output()


def test_test_connection_reports_the_contract_messages(server, raw, worker):
    code = ("from blender_mcp.ui.operators import health_report\n"
            f"print(health_report({server.base_url + '/mcp'!r}))\n"
            "print(health_report(''))\n"
            "print(health_report('http://127.0.0.1:9/mcp'))")
    lines = raw.call("blender_execute_code", {"code": code})["result"].splitlines()
    assert lines[0] == "OK, server healthy, 1 bus(es) active"
    assert lines[1] == "Server URL is empty"
    assert lines[2].startswith("Cannot reach http://127.0.0.1:9/health: ")


def test_run_background_takes_preference_overrides_such_as_an_integration_gate(server, token, runtime):
    from ..raw_mcp import RawSession
    from .blender_worker import wait_until_online

    blender = start_background(server.base_url, uuid="blender-gates01", duration=60,
                               preferences={"use_polyhaven": True}, runtime=runtime)
    session = RawSession(server.base_url, token)
    try:
        wait_until_online(blender, server.base_url, token, "blender-gates01")
        status = session.call("blender_get_polyhaven_status", {"target_uuid": "blender-gates01"})
        assert json.loads(status["result"])["enabled"] is True, status
    finally:
        session.close()
        blender.stop()
