#pragma once

#include "bus/bus_service.hpp"
#include "core/clock.hpp"
#include "mcp/registry.hpp"

namespace bmcp::tools {

// Registers the five bus tools (contract §5.1), in contract order: blender_register_client,
// blender_unregister_client, blender_send_message, blender_job_update,
// blender_list_available_clients. Each acts on the bus of the caller's user only.
// `hub` and `clock` must outlive the registry's use.
void add_bus_tools(mcp::Registry& registry, bus::BusService& hub, const Clock& clock);

}  // namespace bmcp::tools
