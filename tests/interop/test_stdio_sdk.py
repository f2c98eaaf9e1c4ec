"""`blender-mcp stdio` under the official TypeScript SDK's stdio client (tests/node/sdk_stdio_client.mjs):
alone (diagnostics and prompts only, contract §10) and as a bridge to a running HTTP server, where
the same client reaches the bus, the resources and a Blender peer through it."""
from __future__ import annotations

import os
import sys

from interop.common import NODE22, NODE_DIR, require, run_json
from interop.fake_peer import PEER_UUID, READY_TIMEOUT, FakePeer
from support.server_process import DEMO_PASSWORD, binary_path

DIAGNOSTICS = ["blender_check_status", "blender_find_blender", "blender_list_running_blender",
               "blender_check_addon_installed", "blender_install_addon"]
LOCAL_PROMPTS = ["blender_dispatch_recipe", "blender_script_writing_assistant", "blender_modeling_workflow",
                 "blender_rendering_setup", "blender_material_creation", "blender_animation_basics",
                 "blender_debug_assistant", "blender_asset_creation_strategy"]


def _run_client(*flags: str, env: dict[str, str] | None = None) -> tuple[dict, str]:
    rc, report, detail = run_json(
        [str(require(NODE22)), str(NODE_DIR / "sdk_stdio_client.mjs"), str(binary_path()), *flags],
        env={**os.environ, **(env or {})}, cwd=NODE_DIR)
    assert rc == 0 and report and "error" not in report, detail
    return report, detail


def test_alone_it_serves_the_diagnostics_tools_and_eight_prompts_and_no_resources():
    report, detail = _run_client()
    assert report["server"]["name"] == "BlenderMCP", detail
    assert set(report["capabilities"]) == {"logging", "tools", "prompts"}, detail
    assert report["tools"] == DIAGNOSTICS, detail
    assert report["prompts"] == LOCAL_PROMPTS, detail
    assert "blender_get_scene_info" in report["recipe_text"], detail
    assert report["find_blender"]["status"] == "ok", detail
    assert report["resources_error"]["code"] == -32601, detail
    assert report["stderr_first_line"] == "BlenderMCP v1.0.0 \u2014 stdio mode (diagnostics only)", detail


def test_as_a_bridge_it_serves_the_whole_server_and_the_bus_and_a_peer_answer_through_it(server):
    peer = FakePeer(sys.executable, server, "--username", "demo", "--password", DEMO_PASSWORD, "--progress")
    try:
        assert peer.ready.wait(READY_TIMEOUT), peer.detail()
        report, detail = _run_client("--server", server.mcp_url, "--username", "demo",
                                     "--password-env", "BMCP_TEST_PASSWORD",
                                     env={"BMCP_TEST_PASSWORD": DEMO_PASSWORD})
    finally:
        peer.stop()
    assert report["stderr_first_line"] == \
        f"BlenderMCP v1.0.0 \u2014 stdio mode (bridge to {server.base_url})", detail
    assert "resources" in report["capabilities"], detail
    # The union: local diagnostics and the server's bus and dispatch tools, in the server's order
    # (this server also has the conformance suite's test_* tools and prompts).
    blender_tools = [name for name in report["tools"] if name.startswith("blender_")]
    assert blender_tools[:5] == DIAGNOSTICS, detail
    assert {"blender_register_client", "blender_send_message", "blender_execute_code",
            "blender_get_job"} <= set(blender_tools), detail
    assert len(blender_tools) == len(set(blender_tools)) == 37, detail
    assert [name for name in report["prompts"] if name.startswith("blender_")] == \
        ["blender_dispatch_script", *LOCAL_PROMPTS], detail
    assert "blender://bus/stats" in report["resources"], detail
    assert report["bus_stats"]["user_id"] == "demo", detail
    assert report["register"]["status"] == "ok", detail
    assert report["send"]["targets"] == ["stdio-bridge-client"], detail
    # The record the client sent itself came back as a notification through the bridge's stream.
    assert [r["data"]["payload"] for r in report["bus_records"]] == [{"hello": "over stdio"}], detail
    # The dispatch went through the bridge to the peer and back, with its progress.
    envelope = report["execute_code"]
    assert (envelope["status"], envelope["target_uuid"]) == ("completed", PEER_UUID), detail
    assert [(p["progress"], p.get("total")) for p in report["progress"]] == [(50, 100)], detail
