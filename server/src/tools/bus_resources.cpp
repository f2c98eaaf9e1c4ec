#include "tools/bus_resources.hpp"

namespace bmcp::tools {

json::object json_resource_contents(std::string_view uri, const json::object& content) {
  return {{"contents",
           json::array{json::object{
               {"uri", uri}, {"mimeType", "application/json"}, {"text", to_json_text(content)}}}}};
}

void add_bus_resources(mcp::Registry& registry, bus::BusHub& hub) {
  registry.add_resource(
      {"blender://bus/clients", "bus_clients",
       "The clients on your bus: persistent and ephemeral ClientInfo lists, oldest first.",
       "application/json",
       [&hub](const std::shared_ptr<mcp::RequestContext>& ctx, const std::string& uri,
              const std::map<std::string, std::string>&) {
         const auto& user = ctx->caller().user_id;
         bus::ClientLists lists;
         if (const auto bus = hub.find(user))
           lists = bus->list();
         ctx->respond(json_resource_contents(uri, {{"user_id", user},
                                                   {"persistent", std::move(lists.persistent)},
                                                   {"ephemeral", std::move(lists.ephemeral)}}));
       }});
  registry.add_resource(
      {"blender://bus/stats", "bus_stats",
       "Counts for your bus: persistent and ephemeral clients, and pending jobs (dispatches in "
       "flight included).",
       "application/json",
       [&hub](const std::shared_ptr<mcp::RequestContext>& ctx, const std::string& uri,
              const std::map<std::string, std::string>&) {
         const auto& user = ctx->caller().user_id;
         const auto bus = hub.find(user);
         const std::size_t persistent = bus ? bus->persistent_count() : 0;
         const std::size_t ephemeral = bus ? bus->ephemeral_count() : 0;
         ctx->respond(
             json_resource_contents(uri, {{"user_id", user},
                                          {"persistent_count", persistent},
                                          {"ephemeral_count", ephemeral},
                                          {"pending_jobs_for_user", hub.pending_jobs_for(user)}}));
       }});
}

}  // namespace bmcp::tools
