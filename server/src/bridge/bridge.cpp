#include "bridge/bridge.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "bridge/list_merge.hpp"
#include "jsonrpc/codes.hpp"

namespace bmcp::bridge {
namespace {

// Keeps the answer of a local request that finishes at once (listings).
class CapturedReply final : public mcp::RequestChannel {
 public:
  bool send_related(std::string_view) override { return false; }
  void complete(std::string_view json_text) override { text = std::string(json_text); }
  void abandon() override {}
  std::string text;
};

std::string_view name_param(const jsonrpc::Message& request) {
  const auto* params = request.params.if_object();
  const auto* name = params ? find_string(*params, "name") : nullptr;
  return name ? std::string_view(*name) : std::string_view();
}

bool has_cursor(const jsonrpc::Message& request) {
  const auto* params = request.params.if_object();
  const auto* cursor = params ? params->if_contains("cursor") : nullptr;
  return cursor && !cursor->is_null();
}

}  // namespace

Bridge::Bridge(stdio::LocalServer& local, const mcp::Registry& local_registry,
               RemoteSession& remote, stdio::LineWriter& out, json::object remote_initialize_result)
    : local_(local),
      remote_(remote),
      out_(out),
      remote_initialize_(std::move(remote_initialize_result)) {
  for (const auto& tool : local_registry.tools())
    local_tools_.insert(tool.name);
  for (const auto& prompt : local_registry.prompts())
    local_prompts_.insert(prompt.name);
}

void Bridge::handle(const jsonrpc::Message& message) {
  if (message.kind == jsonrpc::Kind::kResponse)
    return;  // the server sends no requests, so no response is awaited
  if (message.kind == jsonrpc::Kind::kNotification) {
    if (message.method == "notifications/initialized")
      return;                // the remote session was initialized when the bridge started
    local_.handle(message);  // a cancellation may be meant for a local request
    forward(message);
    return;
  }
  if (message.method == "initialize") {
    initialize(message);
    return;
  }
  if (!local_.initialized() || message.method == "ping" || is_local(message)) {
    local_.handle(message);
    return;
  }
  if (message.method == "tools/list") {
    list_merged(message, "tools");
  } else if (message.method == "prompts/list") {
    list_merged(message, "prompts");
  } else {
    forward(message);
  }
}

bool Bridge::is_local(const jsonrpc::Message& request) const {
  if (request.method == "tools/call")
    return local_tools_.contains(name_param(request));
  if (request.method == "prompts/get")
    return local_prompts_.contains(name_param(request));
  return false;
}

void Bridge::initialize(const jsonrpc::Message& request) {
  auto result = local_.initialize(request.params);
  if (!result) {
    write_error(request.id, jsonrpc::kInvalidRequest,
                "Invalid Request: the session is already initialized");
    return;
  }
  // The union offers what the server offers; resources come from the server (no subscriptions
  // through the bridge).
  auto& capabilities = (*result)["capabilities"].as_object();
  capabilities["resources"] = json::object{{"subscribe", false}, {"listChanged", false}};
  if (const auto* instructions = find_string(remote_initialize_, "instructions"))
    (*result)["instructions"] = *instructions;
  out_.write_line(jsonrpc::result_text(request.id, *result));
}

json::value Bridge::call_local(const jsonrpc::Message& request) {
  auto captured = std::make_shared<CapturedReply>();
  local_.serve_request(request, captured);
  auto parsed = parse_json(captured->text);
  return parsed ? std::move(*parsed) : json::value{};
}

void Bridge::list_merged(const jsonrpc::Message& request, std::string_view key) {
  if (has_cursor(request)) {
    write_error(request.id, jsonrpc::kInvalidParams, "Invalid cursor");
    return;
  }
  const auto local_reply = call_local(request);
  const auto* local_result =
      local_reply.is_object() ? local_reply.as_object().if_contains("result") : nullptr;
  const auto* local_items = local_result && local_result->is_object()
                                ? local_result->as_object().if_contains(key)
                                : nullptr;
  json::array local_list =
      local_items && local_items->is_array() ? local_items->as_array() : json::array{};

  // The remote list, all pages of it; one forwarded request per page.
  json::array remote_list;
  json::value cursor;
  for (int page = 0; page < 100; ++page) {
    json::object params;
    if (!cursor.is_null())
      params["cursor"] = cursor;
    const auto text = to_json_text(jsonrpc::make_request(request.id, request.method, params));
    json::value reply;
    auto sent = remote_.forward(text, [&](std::string_view message) {
      if (auto parsed = parse_json(message);
          parsed && parsed->is_object() && parsed->as_object().contains("id"))
        reply = std::move(*parsed);
    });
    const auto* result = reply.is_object() ? reply.as_object().if_contains("result") : nullptr;
    if (!sent || !result || !result->is_object()) {
      spdlog::warn("{} from the server failed ({}); listing the local entries only", request.method,
                   sent ? "no result" : sent.error());
      break;
    }
    if (const auto* items = result->as_object().if_contains(key); items && items->is_array()) {
      for (const auto& item : items->as_array())
        remote_list.push_back(item);
    }
    const auto* next = result->as_object().if_contains("nextCursor");
    if (!next || next->is_null())
      break;
    cursor = *next;
  }
  json::object result{{key, merge_by_name(local_list, remote_list)}};
  out_.write_line(jsonrpc::result_text(request.id, result));
}

void Bridge::forward(const jsonrpc::Message& message) {
  const bool is_request = message.kind == jsonrpc::Kind::kRequest;
  if (is_request && forwarded_.count() >= kMaxForwarded) {
    write_error(message.id, jsonrpc::kInternalError,
                "Too many requests are waiting for the server; retry when some have finished");
    return;
  }
  forwarded_.begin();
  json::object wire{{"jsonrpc", "2.0"}};
  if (is_request)
    wire["id"] = message.id;
  wire["method"] = message.method;
  if (!message.params.is_null())
    wire["params"] = message.params;
  std::thread([this, text = to_json_text(wire), id = message.id, is_request] {
    auto sent =
        remote_.forward(text, [this](std::string_view reply) { write_server_message(reply); });
    if (!sent) {
      spdlog::warn("forwarding to the server failed: {}", sent.error());
      if (is_request)
        write_error(id, jsonrpc::kInternalError, "The blender-mcp server failed: " + sent.error());
    }
    forwarded_.end();
  }).detach();
}

void Bridge::write_server_message(std::string_view json_text) {
  if (json_text.find('\n') == std::string_view::npos) {
    out_.write_line(json_text);
    return;
  }
  // One message per line: a message spread over several lines is written again compactly.
  if (auto parsed = parse_json(json_text))
    out_.write_line(to_json_text(*parsed));
}

bool Bridge::wait_idle(std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  if (!forwarded_.wait_idle(limit))
    return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return local_.wait_idle(std::max(left, std::chrono::milliseconds(0)));
}

void Bridge::write_error(const json::value& id, int code, std::string_view message) {
  out_.write_line(to_json_text(jsonrpc::make_error(id, code, message)));
}

}  // namespace bmcp::bridge
