#include "tools/bus_resources.hpp"

#include "jsonrpc/codes.hpp"

namespace bmcp::tools {

json::object json_resource_contents(std::string_view uri, const json::object& content) {
  return {{"contents",
           json::array{json::object{
               {"uri", uri}, {"mimeType", "application/json"}, {"text", to_json_text(content)}}}}};
}

void add_bus_resources(mcp::Registry& registry, bus::BusService& hub) {
  registry.add_resource(
      {"blender://bus/clients", "bus_clients",
       "The clients on your bus: persistent and ephemeral ClientInfo lists, oldest first.",
       "application/json",
       [&hub](const std::shared_ptr<mcp::RequestContext>& ctx, const std::string& uri,
              const std::map<std::string, std::string>&) {
         const auto& user = ctx->caller().user_id;
         auto lists = hub.list(user);
         if (!lists) {
           const json::value data{{"error", bus::kBusUnavailable}};
           ctx->fail(jsonrpc::kInternalError, lists.error().detail, &data);
           return;
         }
         ctx->respond(json_resource_contents(uri, {{"user_id", user},
                                                   {"persistent", std::move(lists->persistent)},
                                                   {"ephemeral", std::move(lists->ephemeral)}}));
       }});
  registry.add_resource(
      {"blender://bus/stats", "bus_stats",
       "Counts for your bus: persistent and ephemeral clients, and pending jobs (dispatches in "
       "flight included).",
       "application/json",
       [&hub](const std::shared_ptr<mcp::RequestContext>& ctx, const std::string& uri,
              const std::map<std::string, std::string>&) {
         const auto& user = ctx->caller().user_id;
         const auto stats = hub.stats(user);
         if (!stats) {
           const json::value data{{"error", bus::kBusUnavailable}};
           ctx->fail(jsonrpc::kInternalError, stats.error().detail, &data);
           return;
         }
         ctx->respond(
             json_resource_contents(uri, {{"user_id", user},
                                          {"persistent_count", stats->persistent},
                                          {"ephemeral_count", stats->ephemeral},
                                          {"pending_jobs_for_user", stats->pending_jobs}}));
       }});
}

}  // namespace bmcp::tools
