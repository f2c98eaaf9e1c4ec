#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "jsonrpc/message.hpp"
#include "mcp/registry.hpp"
#include "mcp/request_context.hpp"
#include "mcp/session.hpp"

namespace bmcp::mcp {

struct EngineOptions {
  std::string server_name = "BlenderMCP";
  std::string server_version = "1.0.0";
  std::string instructions =
      "Use the blender_* dispatch tools to work with a connected Blender; call a status probe "
      "before asset tools.";
  std::size_t list_page_size = 100;  // tools/list, resources/list, prompts/list page size
  // Whether resources/* and completion/complete are offered (advertised in the capabilities and
  // answered); when not, those methods answer -32601 like any unknown method. The stdio build
  // offers neither.
  bool offer_resources = true;
  bool offer_completions = true;
};

struct InitializeOutcome {
  std::string protocol_version;
  json::object result;
};

// The MCP protocol engine: method dispatch over a Registry. Knows sessions and channels, not
// HTTP. Every request is finished exactly once on its context, possibly later and from another
// thread; a handler's exception becomes -32603 here, the only exception boundary for requests.
// Thread safety: all methods are safe from any thread (the registry is immutable).
class Engine {
 public:
  Engine(const Registry& registry, EngineOptions options);

  // The result of `initialize` and the version it negotiates.
  InitializeOutcome initialize(const json::value& params) const;
  // Handles a request of an initialized session. The context is registered as in flight
  // (cancellable) until it finishes.
  void handle_request(const std::shared_ptr<RequestContext>& ctx, const json::value& params) const;
  // notifications/cancelled and friends; unknown notifications are ignored.
  void handle_notification(Session& session, const jsonrpc::Message& message) const;
  // A client's response to a server-to-client request; false when nothing waited for it.
  bool handle_response(Session& session, const jsonrpc::Message& message) const;

  const Registry& registry() const { return registry_; }

 private:
  using Method = void (Engine::*)(const std::shared_ptr<RequestContext>&,
                                  const json::object&) const;

  void ping(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void set_level(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void list_tools(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void call_tool(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void list_resources(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void list_templates(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void read_resource(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void subscribe(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void list_prompts(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void get_prompt(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;
  void complete(const std::shared_ptr<RequestContext>& ctx, const json::object& params) const;

  // Where the page named by the request's cursor starts; nullopt (and the request failed with
  // Invalid cursor) when the cursor is not one this server handed out.
  std::optional<std::size_t> page_start(const std::shared_ptr<RequestContext>& ctx,
                                        const json::object& params, std::size_t total) const;
  // Answers a list request with one page of `items` under `key`, plus nextCursor when more
  // remain.
  template <class Item, class ToJson>
  void list_page(const std::shared_ptr<RequestContext>& ctx, const json::object& params,
                 const std::vector<Item>& items, std::string_view key, ToJson to_json) const {
    const auto begin = page_start(ctx, params, items.size());
    if (!begin)
      return;
    const std::size_t end = std::min(items.size(), *begin + options_.list_page_size);
    json::array listed;
    for (std::size_t i = *begin; i < end; ++i)
      listed.push_back(to_json(items[i]));
    json::object result{{key, std::move(listed)}};
    if (end < items.size())
      result["nextCursor"] = "p" + std::to_string(end);
    ctx->respond(std::move(result));
  }

  const Registry& registry_;
  const EngineOptions options_;
  std::map<std::string, Method, std::less<>> methods_;
};

}  // namespace bmcp::mcp
