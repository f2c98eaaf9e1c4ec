#pragma once

#include "bus/bus_service.hpp"
#include "mcp/registry.hpp"

namespace bmcp::tools {

// Registers blender://bus/clients and blender://bus/stats (contract §6), scoped to the
// caller's bus. `hub` must outlive the registry's use.
void add_bus_resources(mcp::Registry& registry, bus::BusService& hub);

// {"contents":[{"uri","mimeType":"application/json","text":<JSON text of content>}]}
json::object json_resource_contents(std::string_view uri, const json::object& content);

}  // namespace bmcp::tools
