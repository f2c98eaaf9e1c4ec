"""Contract §1.3, §4.3, §4.7, §4.10: listing and calling tools, resources and prompts; and the
conformance fixtures that exist only with `--conformance-fixtures`."""
from __future__ import annotations

import json

import pytest

from blackbox.checks import assert_rpc_error
from blackbox.wire import JSON_AND_SSE, rpc


DIAGNOSTICS = ["blender_check_status", "blender_find_blender", "blender_list_running_blender",
               "blender_check_addon_installed", "blender_install_addon"]
BUS = ["blender_register_client", "blender_unregister_client", "blender_send_message", "blender_job_update",
       "blender_list_available_clients"]
DISPATCH = ["blender_" + name for name in (
    "get_scene_info", "get_object_info", "browse_data", "execute_code", "get_viewport_screenshot",
    "get_console_output", "console_operations", "get_polyhaven_status", "get_hyper3d_status",
    "get_sketchfab_status", "msgbus_clear_by_owner", "msgbus_publish_rna", "msgbus_subscribe_rna",
    "msgbus_get_notifications", "msgbus_list_subscriptions", "get_polyhaven_categories",
    "search_polyhaven_assets", "download_polyhaven_asset", "set_texture", "create_rodin_job",
    "poll_rodin_job_status", "import_generated_asset", "search_sketchfab_models", "download_sketchfab_model",
    "look", "render")]
PROMPTS = ["blender_dispatch_script", "blender_dispatch_recipe", "blender_script_writing_assistant",
           "blender_modeling_workflow", "blender_rendering_setup", "blender_material_creation",
           "blender_animation_basics", "blender_debug_assistant", "blender_asset_creation_strategy"]
RESOURCES = ["blender://bus/clients", "blender://bus/stats", "blender://scene/info", "blender://scene/objects"]
TEMPLATES = ["blender://console/{level}", "blender://console/{level}/{page}"]
FIXTURE_TOOLS = ["test_simple_text", "test_error_handling", "test_tool_with_logging", "test_tool_with_progress"]
NO_CLIENT = {"status": "no_client", "command": "get_scene_info",
             "hint": "No Blender client connected to your bus. Open Blender, enable the BlenderMCP addon, "
                     "click Login then Connect."}


def _tools(session) -> list[dict]:
    result = session.result("tools/list")
    assert "nextCursor" not in result, result
    return result["tools"]


def _names(items: list[dict], key: str = "name") -> list[str]:
    return [item[key] for item in items]


def _decoded(result: dict) -> dict:
    assert result.get("isError") is False, result
    assert result["content"][0]["type"] == "text", result
    return json.loads(result["content"][0]["text"])


def _wrong_value(schema: dict):
    """A value that no coercion can turn into the schema's type."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    return {"object": "not an object"}.get(kind, {"not": "coercible"})


def _assert_invalid_arguments(result: dict, tool: str) -> None:
    assert result.get("isError") is True, result
    assert "structuredContent" not in result, result
    assert result["content"][0]["type"] == "text", result
    assert result["content"][0]["text"].startswith(f"Invalid arguments for {tool}"), result


def _sse_messages(reply) -> list[dict]:
    assert reply.status == 200 and reply.content_type == "text/event-stream", reply
    return [event.json() for event in reply.sse.events]


# listing ------------------------------------------------------------------------------------------


def test_every_listed_tool_has_a_name_description_and_object_input_schema(session):
    tools = _tools(session)
    assert tools
    for tool in tools:
        assert isinstance(tool["name"], str) and tool["name"], tool
        assert isinstance(tool["description"], str) and tool["description"], tool
        schema = tool["inputSchema"]
        assert schema["type"] == "object" and isinstance(schema.get("properties"), dict), tool
        assert "outputSchema" not in tool, tool
        for name in schema.get("required", []):
            assert name in schema["properties"], tool


def test_the_http_build_lists_the_contract_tools_in_contract_order(session):
    names = _names(_tools(session))
    assert "blender_get_job" in names
    assert [n for n in names if n != "blender_get_job"] == DIAGNOSTICS + BUS + DISPATCH
    assert len(names) == 37


def test_the_http_build_lists_the_contract_prompts_and_resources(session):
    assert sorted(_names(session.result("prompts/list")["prompts"])) == sorted(PROMPTS)
    assert sorted(_names(session.result("resources/list")["resources"], "uri")) == sorted(RESOURCES)
    templates = session.result("resources/templates/list")["resourceTemplates"]
    assert sorted(_names(templates, "uriTemplate")) == sorted(TEMPLATES)


def test_without_conformance_fixtures_no_test_tool_prompt_or_resource_is_listed(session):
    assert not [n for n in _names(_tools(session)) if n.startswith("test_")]
    assert not [n for n in _names(session.result("prompts/list")["prompts"]) if n.startswith("test_")]
    assert not [u for u in _names(session.result("resources/list")["resources"], "uri") if u.startswith("test:")]


def test_without_conformance_fixtures_a_test_tool_is_unknown(session):
    reply = session.call("tools/call", {"name": "test_simple_text", "arguments": {}})
    assert_rpc_error(reply, -32602, "Unknown tool: test_simple_text")


@pytest.mark.parametrize("cursor", ["bogus", "", "0"])
def test_tools_list_with_any_cursor_is_invalid_cursor(session, cursor):
    assert_rpc_error(session.call("tools/list", {"cursor": cursor}), -32602, "Invalid cursor")


# calling ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["no_such_tool", "blender_nope", ""])
def test_calling_an_unknown_tool_is_invalid_params_unknown_tool(session, name):
    assert_rpc_error(session.call("tools/call", {"name": name, "arguments": {}}), -32602, f"Unknown tool: {name}")


def test_a_missing_required_argument_is_an_invalid_arguments_error_result(session):
    _assert_invalid_arguments(session.tool("blender_get_object_info", {}), "blender_get_object_info")


def test_an_uncoercible_argument_is_an_invalid_arguments_error_result(session):
    result = session.tool("blender_get_object_info", {"name": {"not": "a string"}})
    _assert_invalid_arguments(result, "blender_get_object_info")
    result = session.tool("blender_get_scene_info", {"_timeout": "soon"})
    _assert_invalid_arguments(result, "blender_get_scene_info")


def test_a_dispatch_tool_without_a_blender_client_returns_no_client_as_an_ordinary_result(session):
    assert _decoded(session.tool("blender_get_scene_info", {})) == NO_CLIENT


def test_numeric_strings_and_unknown_extra_arguments_are_accepted(session):
    assert _decoded(session.tool("blender_get_scene_info", {"_timeout": "5", "bogus": 1})) == NO_CLIENT


@pytest.mark.parametrize("version,structured", [("2025-03-26", False), ("2025-06-18", True), ("2025-11-25", True)])
def test_structured_content_is_sent_only_from_protocol_2025_06_18(mcp, version, structured):
    result = mcp.initialize(version).tool("blender_get_scene_info", {})
    decoded = _decoded(result)
    if structured:
        assert result["structuredContent"] == decoded
    else:
        assert "structuredContent" not in result


# conformance fixtures -----------------------------------------------------------------------------


def test_the_fixture_flag_lists_the_fixture_tools(fixture_session):
    names = _names(_tools(fixture_session))
    for name in FIXTURE_TOOLS:
        assert name in names


def test_the_simple_text_fixture_returns_its_text(fixture_session):
    result = fixture_session.tool("test_simple_text")
    assert not result.get("isError"), result
    assert result["content"] == [{"type": "text", "text": "This is a simple text response for testing."}]


def test_the_error_handling_fixture_returns_an_error_result(fixture_session):
    result = fixture_session.tool("test_error_handling")
    assert result["isError"] is True, result
    assert result["content"][0]["type"] == "text" and result["content"][0]["text"], result


def test_a_fixture_tool_with_wrong_argument_types_returns_invalid_arguments(fixture_session):
    candidates = [t for t in _tools(fixture_session)
                  if t["name"].startswith("test_") and t["inputSchema"].get("required")]
    if not candidates:
        pytest.skip("no fixture tool declares a required parameter")
    tool = candidates[0]
    schema = tool["inputSchema"]
    wrong = {name: _wrong_value(schema["properties"][name]) for name in schema["required"]}
    _assert_invalid_arguments(fixture_session.tool(tool["name"], wrong), tool["name"])
    _assert_invalid_arguments(fixture_session.tool(tool["name"], {}), tool["name"])


def test_the_logging_fixture_sends_log_notifications_before_its_response(fixture_session):
    assert fixture_session.result("logging/setLevel", {"level": "debug"}) == {}
    request = rpc("tools/call", {"name": "test_tool_with_logging", "arguments": {}})
    messages = _sse_messages(fixture_session.post(request, accept=JSON_AND_SSE))
    assert messages[-1].get("id") == request["id"] and "result" in messages[-1], messages
    logs = [m for m in messages[:-1] if m.get("method") == "notifications/message"]
    assert logs, messages
    for log in logs:
        assert log["params"]["level"] in ("debug", "info", "notice", "warning", "error") and "data" in log["params"]


def test_the_progress_fixture_reports_progress_for_the_request_token(fixture_session):
    request = rpc("tools/call", {"name": "test_tool_with_progress", "arguments": {},
                                 "_meta": {"progressToken": "blackbox-progress-1"}})
    messages = _sse_messages(fixture_session.post(request, accept=JSON_AND_SSE))
    assert messages[-1].get("id") == request["id"] and "result" in messages[-1], messages
    progress = [m["params"] for m in messages[:-1] if m.get("method") == "notifications/progress"]
    assert progress, messages
    assert all(p["progressToken"] == "blackbox-progress-1" for p in progress), progress
    values = [p["progress"] for p in progress]
    assert values == sorted(values), progress


def test_the_static_text_fixture_resource_is_readable(fixture_session):
    result = fixture_session.result("resources/read", {"uri": "test://static-text"})
    assert result["contents"][0]["uri"] == "test://static-text"
    assert result["contents"][0]["text"] == "This is the content of the static text resource."


def test_the_fixture_prompts_are_listed_and_render(fixture_session):
    prompts = {p["name"]: p for p in fixture_session.result("prompts/list")["prompts"]}
    assert "test_simple_prompt" in prompts
    args = {a["name"] for a in prompts["test_prompt_with_arguments"].get("arguments", [])}
    assert args == {"arg1", "arg2"}
    simple = fixture_session.result("prompts/get", {"name": "test_simple_prompt"})
    assert simple["messages"] and simple["messages"][0]["role"] == "user"
    rendered = fixture_session.result("prompts/get", {"name": "test_prompt_with_arguments",
                                                      "arguments": {"arg1": "hello", "arg2": "world"}})
    text = rendered["messages"][0]["content"]["text"]
    assert "Prompt with arguments: arg1='hello', arg2='world'" in text


def test_fixture_resources_are_unknown_without_the_flag(session):
    reply = session.call("resources/read", {"uri": "test://static-text"})
    assert_rpc_error(reply, -32002, "Resource not found")
