#include "tools/dispatch_tools.hpp"

#include <algorithm>
#include <charconv>

#include "jobs/dispatcher.hpp"
#include "jsonrpc/codes.hpp"
#include "mcp/tool_result.hpp"
#include "tools/bus_resources.hpp"
#include "tools/dispatch_result.hpp"
#include "tools/dispatch_table.hpp"
#include "tools/schema.hpp"

namespace bmcp::tools {
namespace {

using Context = std::shared_ptr<mcp::RequestContext>;
constexpr double kResourceTimeoutSeconds = 30;

// Cancelling the request cancels the call. The hook holds the call weakly: the call holds the
// request (to answer it), and the pending timer keeps the call alive until it settles.
void cancel_with_request(const Context& ctx, const std::shared_ptr<jobs::DispatchCall>& call) {
  if (!call)
    return;
  ctx->on_cancel([weak = std::weak_ptr<jobs::DispatchCall>(call)] {
    if (auto alive = weak.lock())
      alive->cancel();
  });
}

json::object input_schema(const DispatchTool& tool) {
  SchemaBuilder schema;
  for (const auto& param : tool.params) {
    if (param.required)
      schema.required(param.name, param.types, param.description);
    else
      schema.optional(param.name, param.types, param.default_value, param.description);
  }
  schema.optional("target_uuid", {"string", "null"}, nullptr,
                  "The Blender client to use; without it the only connected one is picked");
  schema.optional("_timeout", {"number"}, tool.default_timeout_seconds,
                  "Seconds to wait for Blender's reply (> 0, at most 3600)");
  return schema.build();
}

// The command's params: every parameter of the row, the caller's value or its default.
json::object command_params(const DispatchTool& tool, const json::object& arguments) {
  json::object params;
  for (const auto& param : tool.params) {
    const auto* given = arguments.if_contains(param.name);
    params[param.name] = given ? *given : param.default_value;
  }
  if (tool.command == "console_operations" && params["params"].is_null())
    params["params"] = json::object();
  return params;
}

void run(const DispatchTool& tool, jobs::Dispatcher& dispatcher, const Context& ctx,
         const json::object& arguments) {
  double timeout = tool.default_timeout_seconds;
  if (const auto* given = arguments.if_contains("_timeout"))
    timeout = given->to_number<double>();
  if (!(timeout > 0)) {
    ctx->respond(mcp::error_tool_result("Invalid arguments for " + std::string(tool.name) +
                                        ": parameter '_timeout' must be greater than 0"));
    return;
  }
  timeout = std::min(timeout, kMaxDispatchTimeoutSeconds);
  const auto* target = find_string(arguments, "target_uuid");
  jobs::DispatchRequest request{
      ctx->caller().user_id, std::string(tool.command), command_params(tool, arguments),
      target ? std::string(*target) : std::string(), std::chrono::duration<double>(timeout)};
  auto call = dispatcher.dispatch(
      std::move(request),
      [ctx](jobs::DispatchReply reply) {
        ctx->respond(dispatch_tool_result(reply, ctx->session().protocol_version()));
      },
      [ctx](double percent, std::optional<std::string> message) {
        ctx->progress(percent, 100.0, std::move(message));
      });
  cancel_with_request(ctx, call);
}

mcp::Tool get_job_tool(const jobs::JobStore& store) {
  auto handler = [&store](const Context& ctx, const json::object& arguments) {
    const std::string job_id(arguments.at("job_id").as_string());
    const auto found = store.find(ctx->caller().user_id, job_id);
    json::object result;
    if (!found)
      result = {{"status", "error"},
                {"error", "job_store_unavailable"},
                {"job_id", job_id},
                {"detail", found.error()}};
    else if (const auto& job = *found)
      result = {{"status", "ok"}, {"job", job->to_json()}};
    else
      result = {{"status", "not_found"}, {"job_id", job_id}};
    ctx->respond(mcp::json_tool_result(result, ctx->session().protocol_version()));
  };
  return {"blender_get_job",
          "What the server knows of one of your dispatch jobs: its state (pending, timed_out, "
          "completed, failed, cancelled), result and error. A reply that arrives after a "
          "dispatch timed out is kept here.",
          SchemaBuilder().required("job_id", {"string"}, "The job_id of a dispatch").build(),
          std::nullopt, std::move(handler)};
}

// Reads one resource through a dispatch; every envelope status is content.
void read_through(jobs::Dispatcher& dispatcher, const Context& ctx, const std::string& uri,
                  std::string_view command, json::object params) {
  jobs::DispatchRequest request{ctx->caller().user_id, std::string(command), std::move(params), "",
                                std::chrono::duration<double>(kResourceTimeoutSeconds)};
  auto call = dispatcher.dispatch(std::move(request), [ctx, uri](jobs::DispatchReply reply) {
    ctx->respond(json_resource_contents(uri, reply.envelope));
  });
  cancel_with_request(ctx, call);
}

std::optional<std::int64_t> positive_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1)
    return std::nullopt;
  return value;
}

json::object console_params(const std::string& level, std::int64_t page) {
  return {{"level", level}, {"page", page}, {"page_size", 50}};
}

}  // namespace

void add_dispatch_tools(mcp::Registry& registry, jobs::Dispatcher& dispatcher,
                        const jobs::JobStore& store) {
  for (const DispatchTool& tool : dispatch_tools()) {
    registry.add_tool({std::string(tool.name), std::string(tool.description), input_schema(tool),
                       std::nullopt,
                       [&tool, &dispatcher](const Context& ctx, const json::object& arguments) {
                         run(tool, dispatcher, ctx, arguments);
                       }});
  }
  registry.add_tool(get_job_tool(store));
}

void add_scene_resources(mcp::Registry& registry, jobs::Dispatcher& dispatcher) {
  using Variables = std::map<std::string, std::string>;
  registry.add_resource(
      {"blender://scene/info", "scene_info",
       "The get_scene_info envelope of the connected Blender.", "application/json",
       [&dispatcher](const Context& ctx, const std::string& uri, const Variables&) {
         read_through(dispatcher, ctx, uri, "get_scene_info", {});
       }});
  registry.add_resource(
      {"blender://scene/objects", "scene_objects",
       "The first page (50) of bpy.data.objects, as the browse_data envelope.", "application/json",
       [&dispatcher](const Context& ctx, const std::string& uri, const Variables&) {
         read_through(dispatcher, ctx, uri, "browse_data",
                      {{"collection", "objects"},
                       {"item_name", nullptr},
                       {"page", 1},
                       {"page_size", 50},
                       {"detail_level", "summary"}});
       }});
  registry.add_resource_template(
      {"blender://console/{level}", "console_output",
       "Blender's console output at a level (all, info, warning, error, output, input), page 1.",
       "application/json",
       [&dispatcher](const Context& ctx, const std::string& uri, const Variables& variables) {
         read_through(dispatcher, ctx, uri, "get_console_output",
                      console_params(variables.at("level"), 1));
       }});
  registry.add_resource_template(
      {"blender://console/{level}/{page}", "console_output_page",
       "One page (50 lines) of Blender's console output at a level.", "application/json",
       [&dispatcher](const Context& ctx, const std::string& uri, const Variables& variables) {
         const auto page = positive_integer(variables.at("page"));
         if (!page) {
           const json::value data = json::object{{"uri", uri}};
           ctx->fail(jsonrpc::kResourceNotFound, "Resource not found", &data);
           return;
         }
         read_through(dispatcher, ctx, uri, "get_console_output",
                      console_params(variables.at("level"), *page));
       }});
}

}  // namespace bmcp::tools
