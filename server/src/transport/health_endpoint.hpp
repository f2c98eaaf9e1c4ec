#pragma once

#include <functional>
#include <string>

#include "http/router.hpp"

namespace bmcp::transport {

struct HealthCounts {
  std::size_t buses = 0;    // users whose bus holds at least one client
  std::size_t clients = 0;  // registered clients on all buses
};

constexpr const char* kHealthPath = "/health";

// GET /health: {"status":"healthy","buses","clients","version"}; no auth, no user data.
void add_health_route(http::Router& router, std::string version,
                      std::function<HealthCounts()> counts);

}  // namespace bmcp::transport
