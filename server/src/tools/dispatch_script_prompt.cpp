#include "tools/dispatch_script_prompt.hpp"

#include <fmt/format.h>

namespace bmcp::tools {
namespace {

struct TargetLines {
  std::string target_uuid = "null";
  std::string group_id = "null";
  std::string client_type = "null";
};

// uuid:<id>, group:<id>, type:<t> or broadcast; anything else is named on the target line.
TargetLines parse_target(std::string_view target) {
  TargetLines lines;
  if (target.starts_with("uuid:")) {
    lines.target_uuid = std::string(target.substr(5));
  } else if (target.starts_with("group:")) {
    lines.group_id = std::string(target.substr(6));
  } else if (target.starts_with("type:")) {
    lines.client_type = std::string(target.substr(5));
  } else if (target != "broadcast") {
    lines.target_uuid =
        fmt::format("<invalid target spec: '{}'; use uuid:/group:/type:/broadcast>", target);
  }
  return lines;
}

std::string argument(const std::map<std::string, std::string>& arguments, const char* name,
                     std::string fallback = {}) {
  const auto found = arguments.find(name);
  return found == arguments.end() ? fallback : found->second;
}

}  // namespace

std::string dispatch_script_text(const std::map<std::string, std::string>& arguments) {
  const auto lines = parse_target(argument(arguments, "target"));
  const auto priority = argument(arguments, "priority", "info");
  const auto found_description = arguments.find("description");
  const std::string description = found_description == arguments.end()
                                      ? "null"
                                      : to_json_text(json::value(found_description->second));
  const std::string script = to_json_text(json::value(argument(arguments, "script")));
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
      lines.target_uuid, lines.group_id, lines.client_type, priority, script, description);
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
            return json::object{
                {"description", "Dispatch a script job with blender_send_message"},
                {"messages",
                 json::array{json::object{
                     {"role", "user"},
                     {"content", {{"type", "text"}, {"text", dispatch_script_text(arguments)}}}}}}};
          }};
}

}  // namespace bmcp::tools
