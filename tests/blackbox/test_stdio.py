"""Contract §10: `blender-mcp stdio`, alone (diagnostics tools and eight prompts over newline-delimited
JSON-RPC) and as a bridge to a running HTTP server (login, the union of both surfaces, forwarded
calls, resources, bus notifications and cancellation)."""
from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest

from blackbox.bus_helpers import bus_for  # noqa: F401
from blackbox.stdio_process import StdioProcess, run_stdio
from blackbox.wire import login_ok
from support.server_process import DEMO_PASSWORD

BANNER_ALONE = "BlenderMCP v1.0.0 \u2014 stdio mode (diagnostics only)"
DIAGNOSTICS = ["blender_check_status", "blender_find_blender", "blender_list_running_blender",
               "blender_check_addon_installed", "blender_install_addon"]
LOCAL_PROMPTS = ["blender_dispatch_recipe", "blender_script_writing_assistant", "blender_modeling_workflow",
                 "blender_rendering_setup", "blender_material_creation", "blender_animation_basics",
                 "blender_debug_assistant", "blender_asset_creation_strategy"]
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                         "clientInfo": {"name": "stdio-test", "version": "0"}}}


@pytest.fixture
def local() -> StdioProcess:
    process = StdioProcess()
    yield process
    process.stop()


def bridge_to(server, username: str = "demo", password: str = DEMO_PASSWORD) -> StdioProcess:
    return StdioProcess("--server", server.mcp_url, "--username", username, "--password-env", "BMCP_PW",
                        env={"BMCP_PW": password})


def fake_blender(directory: Path, *, delay: float = 0.0) -> Path:
    """An executable named blender that prints a version line like Blender's (after `delay` seconds)."""
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / "blender"
    program.write_text(f"#!/bin/sh\nsleep {delay}\necho 'Blender 3.4.1'\necho 'build date: test'\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return program


# --- alone -------------------------------------------------------------------------------------

def test_the_banner_goes_to_stderr_and_stdout_carries_one_message_per_line():
    done = run_stdio(stdin_text=json.dumps(INITIALIZE) + "\n"
                     + json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}) + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == BANNER_ALONE
    lines = done.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2], done.stdout
    assert all(json.loads(line)["jsonrpc"] == "2.0" for line in lines)


def test_initialize_offers_logging_tools_and_prompts_and_nothing_else(local):
    result = local.initialize()
    assert result["protocolVersion"] == "2025-11-25"
    assert result["capabilities"] == {"logging": {}, "tools": {"listChanged": False},
                                      "prompts": {"listChanged": False}}
    assert result["serverInfo"]["name"] == "BlenderMCP"


def test_the_lists_are_the_five_diagnostics_tools_and_the_eight_prompts(local):
    local.initialize()
    assert [t["name"] for t in local.result("tools/list")["tools"]] == DIAGNOSTICS
    assert [p["name"] for p in local.result("prompts/list")["prompts"]] == LOCAL_PROMPTS


def test_a_guidance_prompt_is_served_and_a_missing_argument_is_invalid_params(local):
    local.initialize()
    prompt = local.result("prompts/get", {"name": "blender_dispatch_recipe", "arguments": {"command": "execute_code"}})
    assert len(prompt["messages"]) == 1 and prompt["messages"][0]["role"] == "user"
    assert "blender_execute_code" in prompt["messages"][0]["content"]["text"]
    missing = local.request("prompts/get", {"name": "blender_dispatch_recipe", "arguments": {}})
    assert missing["error"]["code"] == -32602, missing


def test_requests_before_initialize_are_refused_but_ping_is_answered(local):
    refused = local.request("tools/list")
    assert refused["error"]["code"] == -32600, refused
    assert local.result("ping") == {}
    local.initialize()
    assert local.result("ping") == {}


def test_a_second_initialize_is_refused(local):
    local.initialize()
    again = local.request("initialize", INITIALIZE["params"])
    assert again["error"]["code"] == -32600, again


@pytest.mark.parametrize("method", ["resources/list", "resources/templates/list", "resources/read",
                                    "completion/complete", "sampling/createMessage"])
def test_resources_completions_and_unknown_methods_are_method_not_found(local, method):
    local.initialize()
    reply = local.request(method, {"uri": "blender://bus/stats"})
    assert reply["error"] == {"code": -32601, "message": "Method not found"}, reply


def test_lines_that_are_not_messages_get_errors_with_a_null_id_and_the_session_goes_on(local):
    local.initialize()
    local.write("this is not json")
    local.write(json.dumps({"jsonrpc": "2.0", "result": "no id"}))
    local.write(json.dumps([{"jsonrpc": "2.0", "id": 9, "method": "ping"}]))
    assert local.wait_for(lambda: sum("error" in m for m in local.messages) == 3)
    errors = [m for m in local.messages if "error" in m]
    assert [(e["id"], e["error"]["code"]) for e in errors] == [(None, -32700), (None, -32600), (None, -32600)]
    assert local.result("ping") == {}


def test_set_level_is_accepted_and_a_bad_level_is_invalid_params(local):
    local.initialize()
    assert local.result("logging/setLevel", {"level": "debug"}) == {}
    bad = local.request("logging/setLevel", {"level": "loud"})
    assert bad["error"]["code"] == -32602, bad


def test_diagnostics_run_with_no_token_and_install_needs_no_admin_role(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    blender = fake_blender(tmp_path / "bin")
    addon = tmp_path / "shipped" / "blender_mcp"
    addon.mkdir(parents=True)
    (addon / "__init__.py").write_text("bl_info = {'name': 'BlenderMCP'}\n")
    process = StdioProcess(env={"HOME": str(home), "BLENDER_MCP_BLENDER_PATH": str(blender),
                                "BLENDER_MCP_ADDON_DIR": str(addon)})
    try:
        process.initialize()
        found = process.tool("blender_find_blender")
        assert found == {"status": "ok", "found": True, "path": str(blender)}, found
        installed = process.tool("blender_install_addon")
        assert installed["status"] == "ok" and installed["installed"] is True, installed
        target = home / ".config" / "blender" / "3.4" / "scripts" / "addons" / "blender_mcp" / "__init__.py"
        assert target.read_text() == "bl_info = {'name': 'BlenderMCP'}\n"
    finally:
        process.stop()


def test_end_of_input_waits_for_answers_still_running_then_exits_with_status_0(tmp_path):
    blender = fake_blender(tmp_path / "bin", delay=1.5)
    process = StdioProcess(env={"HOME": str(tmp_path), "BLENDER_MCP_BLENDER_PATH": str(blender)})
    try:
        process.initialize()
        request_id = process.send("tools/call", {"name": "blender_check_status", "arguments": {}})
        assert process.close_input() == 0, process.stderr_lines
        answer = process.answer(request_id, timeout=1)
        assert json.loads(answer["result"]["content"][0]["text"])["status"] == "ok", answer
    finally:
        process.stop()


# --- flags -------------------------------------------------------------------------------------

@pytest.mark.parametrize("flags, env, message", [
    (["--username", "demo", "--password-env", "PW"], {"PW": "x"},
     "--username, --password-env and --token-env need --server"),
    (["--server", "http://127.0.0.1:1"], {}, "--server needs credentials"),
    (["--server", "http://127.0.0.1:1", "--token-env", "T", "--username", "demo", "--password-env", "PW"],
     {"T": "x", "PW": "y"}, "not both"),
    (["--server", "http://127.0.0.1:1", "--username", "demo", "--password-env", "UNSET_PW_FOR_TEST"], {},
     "the environment variable UNSET_PW_FOR_TEST is not set or empty"),
    (["--server", "https://127.0.0.1:1", "--token-env", "T"], {"T": "x"}, "https is not supported"),
    (["--server", "127.0.0.1:8000", "--token-env", "T"], {"T": "x"}, "must start with http://"),
    (["--server", "http://local\x1chost:8000", "--token-env", "T"], {"T": "x"},
     "the host may hold only letters, digits"),
    (["--server", "http://[x]:8000", "--token-env", "T"], {"T": "x"},
     "the host in brackets must be an IPv6 address"),
])
def test_bad_flags_exit_with_status_2_and_say_what_is_wrong(flags, env, message):
    done = run_stdio(*flags, env=env)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr, done.stderr
    assert done.stdout == ""


def test_a_bridge_that_cannot_log_in_exits_with_status_1_naming_the_login(server):
    done = run_stdio("--server", server.mcp_url, "--username", "demo", "--password-env", "PW",
                     env={"PW": "wrong password"})
    assert done.returncode == 1, done.stderr
    assert "login as 'demo' failed: HTTP 401" in done.stderr, done.stderr


def test_a_bridge_to_a_server_that_is_not_there_exits_with_status_1(tmp_path):
    from blackbox.processes import free_port
    done = run_stdio("--server", f"http://127.0.0.1:{free_port()}", "--token-env", "T", env={"T": "x"})
    assert done.returncode == 1, done.stderr
    assert "connecting failed" in done.stderr, done.stderr


# --- bridge ------------------------------------------------------------------------------------

def test_a_bridge_with_a_token_serves_the_union_of_both_surfaces(server, http):
    token = login_ok(http, "demo", DEMO_PASSWORD).access
    process = StdioProcess("--server", server.base_url, "--token-env", "T", env={"T": token})
    try:
        result = process.initialize()
        assert result["capabilities"]["resources"] == {"subscribe": False, "listChanged": False}
        assert set(result["capabilities"]) == {"logging", "tools", "prompts", "resources"}
        names = [t["name"] for t in process.result("tools/list")["tools"]]
        assert names[:5] == DIAGNOSTICS and len(names) == 37 and len(set(names)) == 37, names
        assert names[5] == "blender_register_client" and names[-1] == "blender_get_job", names
        prompts = [p["name"] for p in process.result("prompts/list")["prompts"]]
        assert prompts == ["blender_dispatch_script", *LOCAL_PROMPTS], prompts
        templates = process.result("resources/templates/list")["resourceTemplates"]
        assert [t["name"] for t in templates] == ["console_output", "console_output_page"]
        cursor = process.request("tools/list", {"cursor": "p1"})
        assert cursor["error"]["code"] == -32602, cursor
    finally:
        process.stop()


def test_bus_records_for_the_bridged_client_arrive_as_notifications(server):
    process = bridge_to(server)
    try:
        process.initialize()
        assert process.result("logging/setLevel", {"level": "debug"}) == {}
        assert process.tool("blender_register_client", {"client_uuid": "bridged-1", "client_type": "llm"})["status"] == "ok"
        sent = process.tool("blender_send_message", {"target_uuid": "bridged-1", "payload": {"n": 1}})
        assert sent["targets"] == ["bridged-1"], sent
        assert process.wait_for(lambda: process.notifications("notifications/message"))
        record = process.notifications("notifications/message")[0]["params"]
        assert record["logger"] == "_message_bus" and record["data"]["payload"] == {"n": 1}, record
        assert process.tool("blender_unregister_client", {"client_uuid": "bridged-1"})["status"] == "ok"
    finally:
        process.stop()


def test_dispatch_backed_resources_are_read_through_the_bridge(server):
    process = bridge_to(server)
    try:
        process.initialize()
        read = process.result("resources/read", {"uri": "blender://scene/info"})
        envelope = json.loads(read["contents"][0]["text"])
        assert envelope["status"] in {"no_client", "ambiguous_target", "completed", "timeout"}, envelope
        missing = process.request("resources/read", {"uri": "blender://nothing"})
        assert missing["error"]["code"] == -32002, missing
    finally:
        process.stop()


def test_a_cancelled_dispatch_gets_no_answer_and_the_peer_is_told(server, new_user, bus_for):
    username, password = new_user(server)
    bus = bus_for(server, username, password)
    peer = bus.join("blender-cancel", "blender", is_persistent=True)
    process = bridge_to(server, username, password)
    try:
        process.initialize()
        request_id = process.send("tools/call", {"name": "blender_get_scene_info", "arguments": {"_timeout": 20}})
        records = peer.wait_records(1)
        assert records[0].payload["message_type"] == "command_dispatch", records[0].data
        process.notify("notifications/cancelled", {"requestId": request_id, "reason": "test"})
        records = peer.wait_records(2)
        assert records[1].payload == {"message_type": "cancel", "job_id": records[0].payload["job_id"]}, records[1].data
        assert process.result("ping") == {}
        assert not any(m.get("id") == request_id for m in process.messages), process.messages
    finally:
        process.stop()


def test_a_bridge_refreshes_a_short_lived_token_half_way_and_keeps_serving(spawn):
    # One-minute tokens (the shortest the server issues): the bridge refreshes after 30 s, once.
    short = spawn(env={"ACCESS_TOKEN_EXPIRE_MINUTES": "1"})
    process = bridge_to(short)
    try:
        process.initialize()
        assert process.tool("blender_list_available_clients")["status"] == "ok"
        assert not any("access token refreshed" in line for line in process.stderr_lines)
        time.sleep(31)
        assert process.tool("blender_list_available_clients")["status"] == "ok"
        assert process.tool("blender_list_available_clients")["status"] == "ok"
        refreshes = [line for line in process.stderr_lines if "access token refreshed" in line]
        assert len(refreshes) == 1, process.stderr_lines
    finally:
        process.stop()
