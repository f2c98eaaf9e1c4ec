#pragma once

#include <string_view>

namespace bmcp::cluster {

// The Lua source of the `bmcp_bus` Redis function library (bus_library.lua): every function
// the cluster's bus calls, loaded by each node with FUNCTION LOAD REPLACE.
std::string_view bus_library_source();

}  // namespace bmcp::cluster
