#include "tools/dispatch_script_prompt.hpp"

#include <fmt/format.h>

#include "core/log_level.hpp"
#include "tools/prompt_message.hpp"
#include "tools/prompt_quoting.hpp"

namespace bmcp::tools {
namespace {

struct TargetLines {
  std::string target_uuid = "null";
  std::string group_id = "null";
  std::string client_type = "null";
};

// uuid:<id>, group:<id>, type:<t> or broadcast; anything else is named on the target line. The
// values are JSON strings, and a bad spec is quoted, so no part of `target` can end its line.
TargetLines parse_target(std::string_view target) {
  TargetLines lines;
  if (target.starts_with("uuid:")) {
    lines.target_uuid = quoted_for_prompt(target.substr(5));
  } else if (target.starts_with("group:")) {
    lines.group_id = quoted_for_prompt(target.substr(6));
  } else if (target.starts_with("type:")) {
    lines.client_type = quoted_for_prompt(target.substr(5));
  } else if (target != "broadcast") {
    lines.target_uuid = fmt::format("<invalid target spec: {}; use uuid:/group:/type:/broadcast>",
                                    quoted_for_prompt(target, '\''));
  }
  return lines;
}

std::string argument(const std::map<std::string, std::string>& arguments, const char* name,
                     std::string fallback = {}) {
  const auto found = arguments.find(name);
  return found == arguments.end() ? fallback : found->second;
}

// A bus priority as the prompt accepts it (contract §8.6 names, any case, or 0-7 written in
// decimal), as its lowercase level name.
Result<std::string, std::string> priority_name(std::string_view given) {
  std::optional<LogLevel> level = parse_level_any_case(given);
  if (!level && given.size() == 1 && given[0] >= '0' && given[0] <= '7')
    level = level_from_int(given[0] - '0');
  if (!level)
    return Unexpected{fmt::format(
        "Invalid params: priority must be a level name (emergency, alert, critical, error, "
        "warning, notice, info, debug) or 0-7, not {}",
        quoted_for_prompt(given, '\''))};
  return std::string(level_name(*level));
}

}  // namespace

Result<std::string, std::string> dispatch_script_text(
    const std::map<std::string, std::string>& arguments) {
  auto priority = priority_name(argument(arguments, "priority", "info"));
  if (!priority)
    return Unexpected{priority.error()};
  const auto lines = parse_target(argument(arguments, "target"));
  const auto found_description = arguments.find("description");
  const std::string description =
      found_description == arguments.end() ? "null" : quoted_for_prompt(found_description->second);
  const std::string script = quoted_for_prompt(argument(arguments, "script"));
  return fmt::format(
      "Dispatch this script to Blender: call the `blender_send_message` tool with these "
      "arguments.\n\n"
      "target_uuid: {}\n"
      "group_id: {}\n"
      "client_type: {}\n"
      "priority: \"{}\"\n"
      "from_uuid: <your registered client uuid — without it the reply is broadcast>\n"
      "payload: {{\"message_type\": \"job_dispatch\", \"job_id\": \"<generate a uuid>\", "
      "\"script\": {}, \"description\": {}}}\n\n"
      "Routing precedence: target_uuid > group_id > client_type > broadcast.\n"
      "The job_id inside payload MUST be a fresh UUID; the addon echoes it on completion.\n"
      "The reply arrives as a `_message_bus` notification (notifications/message) whose "
      "payload is {{\"kind\":\"job_update\",\"job_id\",\"status\",\"result\",\"error\"}}; it is "
      "sent at level notice, so call logging/setLevel with \"debug\" first or it will not be "
      "delivered.",
      lines.target_uuid, lines.group_id, lines.client_type, *priority, script, description);
}

mcp::Prompt dispatch_script_prompt() {
  return {"blender_dispatch_script",
          "How to run a Python script on Blender through the bus with blender_send_message "
          "(Style B), and how its reply comes back.",
          {{"target", "uuid:<id>, group:<id>, type:<client type> or broadcast", true},
           {"script", "The Python script to run in Blender", true},
           {"priority", "Bus priority (a level name or 0-7); default info", false},
           {"description", "A short description of what the script does", false}},
          [](const std::map<std::string, std::string>& arguments,
             const mcp::Caller&) -> Result<json::object, std::string> {
            auto text = dispatch_script_text(arguments);
            if (!text)
              return Unexpected{text.error()};
            return single_user_message("Dispatch a script job with blender_send_message",
                                       std::move(*text));
          }};
}

}  // namespace bmcp::tools
