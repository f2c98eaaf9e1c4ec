#include "mcp/engine.hpp"

#include <spdlog/spdlog.h>

#include <exception>

#include "jsonrpc/codes.hpp"
#include "mcp/argument_validator.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/tool_result.hpp"

namespace bmcp::mcp {
namespace {

const json::object kEmptyParams;

void invalid_params(const std::shared_ptr<RequestContext>& ctx, std::string_view message) {
  ctx->fail(jsonrpc::kInvalidParams, message);
}

}  // namespace

Engine::Engine(const Registry& registry, EngineOptions options)
    : registry_(registry), options_(std::move(options)) {
  methods_ = {
      {"ping", &Engine::ping},
      {"logging/setLevel", &Engine::set_level},
      {"tools/list", &Engine::list_tools},
      {"tools/call", &Engine::call_tool},
      {"prompts/list", &Engine::list_prompts},
      {"prompts/get", &Engine::get_prompt},
  };
  if (options_.offer_resources) {
    methods_.insert({
        {"resources/list", &Engine::list_resources},
        {"resources/templates/list", &Engine::list_templates},
        {"resources/read", &Engine::read_resource},
        {"resources/subscribe", &Engine::subscribe},
        {"resources/unsubscribe", &Engine::subscribe},
    });
  }
  if (options_.offer_completions)
    methods_.insert({"completion/complete", &Engine::complete});
}

InitializeOutcome Engine::initialize(const json::value& params) const {
  std::string_view requested;
  if (const auto* object = params.if_object()) {
    if (const auto* version = find_string(*object, "protocolVersion"))
      requested = *version;
  }
  InitializeOutcome outcome;
  outcome.protocol_version = negotiate_version(requested);
  json::object capabilities{{"logging", json::object{}}};
  if (options_.offer_completions)
    capabilities["completions"] = json::object{};
  capabilities["tools"] = json::object{{"listChanged", false}};
  if (options_.offer_resources)
    capabilities["resources"] = json::object{{"subscribe", true}, {"listChanged", false}};
  capabilities["prompts"] = json::object{{"listChanged", false}};
  outcome.result = json::object{
      {"protocolVersion", outcome.protocol_version},
      {"capabilities", std::move(capabilities)},
      {"serverInfo",
       json::object{{"name", options_.server_name}, {"version", options_.server_version}}},
      {"instructions", options_.instructions},
  };
  return outcome;
}

void Engine::handle_request(const std::shared_ptr<RequestContext>& ctx,
                            const json::value& params) const {
  auto method = methods_.find(ctx->method());
  if (method == methods_.end()) {
    ctx->fail(jsonrpc::kMethodNotFound, "Method not found");
    return;
  }
  if (!params.is_null() && !params.is_object()) {
    invalid_params(ctx, "Invalid params: params must be an object");
    return;
  }
  ctx->session().add_in_flight(request_key(ctx->id()), ctx);
  try {
    (this->*(method->second))(ctx, params.is_object() ? params.as_object() : kEmptyParams);
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", ctx->method(), e.what());
    ctx->fail(jsonrpc::kInternalError, "Internal error");
  }
}

void Engine::handle_notification(Session& session, const jsonrpc::Message& message) const {
  if (message.method != "notifications/cancelled")
    return;
  const auto* params = message.params.if_object();
  const auto* request_id = params ? params->if_contains("requestId") : nullptr;
  if (!request_id)
    return;
  if (auto ctx = session.find_in_flight(request_key(*request_id)))
    ctx->cancel();
}

bool Engine::handle_response(Session& session, const jsonrpc::Message& message) const {
  ClientReply reply;
  reply.ok = !message.error.has_value();
  if (message.error)
    reply.error = *message.error;
  reply.result = message.result;
  return session.resolve_client_request(message.id, std::move(reply));
}

void Engine::ping(const std::shared_ptr<RequestContext>& ctx, const json::object&) const {
  ctx->respond(json::object{});
}

void Engine::set_level(const std::shared_ptr<RequestContext>& ctx,
                       const json::object& params) const {
  const auto* name = find_string(params, "level");
  const auto level = name ? parse_level(*name) : std::nullopt;
  if (!level) {
    invalid_params(ctx,
                   "Invalid params: level must be one of debug, info, notice, warning, error, "
                   "critical, alert, emergency");
    return;
  }
  ctx->session().set_log_level(*level);
  ctx->respond(json::object{});
}

std::optional<std::size_t> Engine::page_start(const std::shared_ptr<RequestContext>& ctx,
                                              const json::object& params, std::size_t total) const {
  const auto* cursor = params.if_contains("cursor");
  if (!cursor || cursor->is_null())
    return 0;
  // Cursors are the decimal offset of the next page, prefixed so that they stay opaque.
  const auto* text = cursor->if_string();
  std::size_t offset = 0;
  bool valid = text && text->size() > 1 && text->starts_with("p") && text->size() < 12;
  if (valid) {
    for (char c : std::string_view(*text).substr(1)) {
      if (c < '0' || c > '9') {
        valid = false;
        break;
      }
      offset = offset * 10 + static_cast<std::size_t>(c - '0');
    }
  }
  if (!valid || offset == 0 || offset >= total) {
    invalid_params(ctx, "Invalid cursor");
    return std::nullopt;
  }
  return offset;
}

void Engine::list_tools(const std::shared_ptr<RequestContext>& ctx,
                        const json::object& params) const {
  list_page(ctx, params, registry_.tools(), "tools", [](const Tool& tool) {
    json::object entry{
        {"name", tool.name}, {"description", tool.description}, {"inputSchema", tool.input_schema}};
    if (tool.output_schema)
      entry["outputSchema"] = *tool.output_schema;
    return entry;
  });
}

void Engine::call_tool(const std::shared_ptr<RequestContext>& ctx,
                       const json::object& params) const {
  const auto* name = find_string(params, "name");
  if (!name) {
    invalid_params(ctx, "Invalid params: name must be a string");
    return;
  }
  const Tool* tool = registry_.find_tool(*name);
  if (!tool) {
    invalid_params(ctx, "Unknown tool: " + std::string(*name));
    return;
  }
  const json::value* arguments = params.if_contains("arguments");
  auto validated = validate_arguments(tool->input_schema, arguments ? *arguments : json::value());
  if (!validated) {
    ctx->respond(
        error_tool_result("Invalid arguments for " + tool->name + ": " + validated.error()));
    return;
  }
  tool->handler(ctx, *validated);
}

void Engine::list_resources(const std::shared_ptr<RequestContext>& ctx,
                            const json::object& params) const {
  list_page(ctx, params, registry_.resources(), "resources", [](const Resource& resource) {
    return json::object{{"uri", resource.uri},
                        {"name", resource.name},
                        {"description", resource.description},
                        {"mimeType", resource.mime_type}};
  });
}

void Engine::list_templates(const std::shared_ptr<RequestContext>& ctx,
                            const json::object& params) const {
  list_page(ctx, params, registry_.resource_templates(), "resourceTemplates",
            [](const ResourceTemplate& entry) {
              return json::object{{"uriTemplate", entry.uri_template},
                                  {"name", entry.name},
                                  {"description", entry.description},
                                  {"mimeType", entry.mime_type}};
            });
}

void Engine::read_resource(const std::shared_ptr<RequestContext>& ctx,
                           const json::object& params) const {
  const auto* uri = find_string(params, "uri");
  if (!uri) {
    invalid_params(ctx, "Invalid params: uri must be a string");
    return;
  }
  const std::string uri_text(*uri);
  if (const Resource* resource = registry_.find_resource(uri_text)) {
    resource->reader(ctx, uri_text, {});
    return;
  }
  std::map<std::string, std::string> variables;
  if (const ResourceTemplate* match = registry_.match_template(uri_text, variables)) {
    match->reader(ctx, uri_text, variables);
    return;
  }
  const json::value data = json::object{{"uri", uri_text}};
  ctx->fail(jsonrpc::kResourceNotFound, "Resource not found", &data);
}

void Engine::subscribe(const std::shared_ptr<RequestContext>& ctx,
                       const json::object& params) const {
  const auto* uri = find_string(params, "uri");
  if (!uri) {
    invalid_params(ctx, "Invalid params: uri must be a string");
    return;
  }
  const std::string uri_text(*uri);
  std::map<std::string, std::string> variables;
  if (!registry_.find_resource(uri_text) && !registry_.match_template(uri_text, variables)) {
    const json::value data = json::object{{"uri", uri_text}};
    ctx->fail(jsonrpc::kResourceNotFound, "Resource not found", &data);
    return;
  }
  if (ctx->method() == "resources/subscribe") {
    ctx->session().subscribe(uri_text);
  } else {
    ctx->session().unsubscribe(uri_text);
  }
  ctx->respond(json::object{});
}

void Engine::list_prompts(const std::shared_ptr<RequestContext>& ctx,
                          const json::object& params) const {
  list_page(ctx, params, registry_.prompts(), "prompts", [](const Prompt& prompt) {
    json::array arguments;
    for (const auto& argument : prompt.arguments) {
      arguments.push_back(json::object{{"name", argument.name},
                                       {"description", argument.description},
                                       {"required", argument.required}});
    }
    return json::object{{"name", prompt.name},
                        {"description", prompt.description},
                        {"arguments", std::move(arguments)}};
  });
}

void Engine::get_prompt(const std::shared_ptr<RequestContext>& ctx,
                        const json::object& params) const {
  const auto* name = find_string(params, "name");
  if (!name) {
    invalid_params(ctx, "Invalid params: name must be a string");
    return;
  }
  const Prompt* prompt = registry_.find_prompt(*name);
  if (!prompt) {
    invalid_params(ctx, "Unknown prompt: " + std::string(*name));
    return;
  }
  std::map<std::string, std::string> arguments;
  if (const auto* given = params.if_contains("arguments"); given && !given->is_null()) {
    if (!given->is_object()) {
      invalid_params(ctx, "Invalid params: arguments must be an object of strings");
      return;
    }
    for (const auto& [key, value] : given->as_object()) {
      if (value.is_null())
        continue;
      if (!value.is_string()) {
        invalid_params(ctx, "Invalid params: argument '" + std::string(key) + "' must be a string");
        return;
      }
      arguments[std::string(key)] = std::string(value.as_string());
    }
  }
  for (const auto& argument : prompt->arguments) {
    if (argument.required && !arguments.contains(argument.name)) {
      invalid_params(ctx, "Missing required argument: " + argument.name);
      return;
    }
  }
  auto rendered = prompt->renderer(arguments, ctx->caller());
  if (!rendered) {
    invalid_params(ctx, rendered.error());
    return;
  }
  ctx->respond(std::move(*rendered));
}

void Engine::complete(const std::shared_ptr<RequestContext>& ctx,
                      const json::object& params) const {
  const auto* ref = find_object(params, "ref");
  const auto* argument = find_object(params, "argument");
  const auto* ref_type = ref ? find_string(*ref, "type") : nullptr;
  const auto* argument_name = argument ? find_string(*argument, "name") : nullptr;
  const auto* argument_value = argument ? find_string(*argument, "value") : nullptr;
  if (!ref_type || !argument_name || !argument_value) {
    invalid_params(ctx, "Invalid params: ref.type, argument.name and argument.value are required");
    return;
  }
  if (*ref_type == "ref/prompt") {
    const auto* name = find_string(*ref, "name");
    if (!name || !registry_.find_prompt(*name)) {
      invalid_params(ctx, "Unknown prompt: " + std::string(name ? std::string_view(*name) : ""));
      return;
    }
  } else if (*ref_type != "ref/resource") {
    invalid_params(ctx, "Invalid params: ref.type must be ref/prompt or ref/resource");
    return;
  }
  std::vector<std::string> values;
  if (registry_.completer())
    values = registry_.completer()(*ref, *argument_name, *argument_value);
  constexpr std::size_t kMaxValues = 100;
  const bool has_more = values.size() > kMaxValues;
  json::array listed;
  for (std::size_t i = 0; i < values.size() && i < kMaxValues; ++i)
    listed.emplace_back(values[i]);
  ctx->respond(json::object{{"completion", json::object{{"values", std::move(listed)},
                                                        {"total", values.size()},
                                                        {"hasMore", has_more}}}});
}

}  // namespace bmcp::mcp
