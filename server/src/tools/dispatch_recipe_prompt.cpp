#include "tools/dispatch_recipe_prompt.hpp"

#include <fmt/format.h>

#include "tools/dispatch_table.hpp"
#include "tools/prompt_message.hpp"
#include "tools/prompt_quoting.hpp"
#include "tools/recipe_table.hpp"

namespace bmcp::tools {
namespace {

std::string unknown_command_text(std::string_view command) {
  std::string names;
  for (const auto& tool : dispatch_tools()) {
    if (!names.empty())
      names += ", ";
    names += tool.command;
  }
  return fmt::format(
      "Unknown command {}. The {} commands are: {}. Pass one of them, or its tool name (the "
      "command with the prefix blender_, e.g. blender_get_scene_info).",
      quoted_for_prompt(command, '\''), dispatch_tools().size(), names);
}

std::string gate_lines(const Recipe& recipe, std::string_view command) {
  if (recipe.gate.empty())
    return "- Gate: none; the command is always available.\n";
  return fmt::format(
      "- Gate: the addon preference `{0}` must be on. Call `{1}` first (no arguments) and check "
      "json.loads(env[\"result\"])[\"enabled\"]; when the gate is off the envelope is `failed` "
      "with error \"Unknown command type: {2}\".\n",
      recipe.gate, recipe.probe, command);
}

std::string result_lines(const DispatchTool& tool, const Recipe& recipe) {
  if (tool.command == "execute_code")
    return fmt::format(
        "- Result: on status \"completed\", env[\"result\"] is NOT JSON: for execute_code it is "
        "the captured stdout as a plain string: {}.\n",
        recipe.result_shape);
  return fmt::format(
      "- Result: on status \"completed\", env[\"result\"] is a JSON text; parse it with "
      "json.loads(env[\"result\"]) to get: {}.\n"
      "  A command that returns {{\"error\": ...}} is still \"completed\": check for an "
      "\"error\" key in the decoded result as well as the envelope's status.\n",
      recipe.result_shape);
}

}  // namespace

json::object recipe_arguments(std::string_view command) {
  const auto* tool = find_dispatch_tool(command);
  const auto* recipe = tool ? find_recipe(tool->command) : nullptr;
  if (!recipe)
    return {};
  const auto examples = parse_json(recipe->example_values);
  const json::object* example_values = examples ? examples->if_object() : nullptr;
  json::object arguments;
  for (const auto& param : tool->params) {
    const auto* example = example_values ? example_values->if_contains(param.name) : nullptr;
    arguments[param.name] = example ? *example : param.default_value;
  }
  arguments["target_uuid"] = nullptr;
  arguments["_timeout"] = tool->default_timeout_seconds;
  return arguments;
}

std::string dispatch_recipe_text(std::string_view command) {
  const auto* tool = find_dispatch_tool(command);
  const auto* recipe = tool ? find_recipe(tool->command) : nullptr;
  if (!recipe)
    return unknown_command_text(command);
  return fmt::format(
      "Recipe for the addon command `{command}`: call the MCP tool `{tool}` with tools/call.\n\n"
      "Arguments (a complete tools/call \"arguments\" object; adjust the values):\n{arguments}\n\n"
      "- Default _timeout: {timeout:g} seconds. Pass a larger _timeout (> 0, at most 3600) for "
      "slow work; a timeout envelope carries a job_id to read later with blender_get_job.\n"
      "- target_uuid: null picks the only connected Blender; with several connected, pass one "
      "of the `candidates` from the ambiguous_target reply.\n"
      "{gate}"
      "- The tool returns an envelope {{\"status\", \"command\", \"target_uuid\", \"job_id\", "
      "\"result\", \"error\"}}; status is completed, failed, timeout, no_client, "
      "ambiguous_target, unknown_target or offline_target.\n"
      "{result}",
      fmt::arg("command", tool->command), fmt::arg("tool", tool->name),
      fmt::arg("arguments", to_json_text(recipe_arguments(command))),
      fmt::arg("timeout", tool->default_timeout_seconds),
      fmt::arg("gate", gate_lines(*recipe, tool->command)),
      fmt::arg("result", result_lines(*tool, *recipe)));
}

mcp::Prompt dispatch_recipe_prompt() {
  return {"blender_dispatch_recipe",
          "How to call the dispatch tool of one addon command: arguments, timeout, gate and the "
          "shape of its result.",
          {{"command",
            "An addon command (get_scene_info) or its tool name (blender_get_scene_info)", true}},
          [](const std::map<std::string, std::string>& arguments,
             const mcp::Caller&) -> Result<json::object, std::string> {
            const auto& command = arguments.at("command");
            return single_user_message("Dispatch recipe for " + quoted_for_prompt(command, '\''),
                                       dispatch_recipe_text(command));
          }};
}

}  // namespace bmcp::tools
