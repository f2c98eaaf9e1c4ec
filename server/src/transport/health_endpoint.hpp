#pragma once

#include <functional>
#include <optional>
#include <string>

#include "http/router.hpp"

namespace bmcp::transport {

struct HealthCounts {
  std::size_t buses = 0;    // users whose bus holds at least one client
  std::size_t clients = 0;  // registered clients on all buses
  // Set when a part the node needs cannot be reached (cluster mode: its shared store): a
  // sentence naming it. The node then answers 503 so a load balancer sends traffic elsewhere.
  std::optional<std::string> problem;
};

constexpr const char* kHealthPath = "/health";

// GET /health: 200 {"status":"healthy","buses","clients","version"}, or 503
// {"status":"unavailable","detail",...} while HealthCounts::problem is set; no auth, no user
// data.
void add_health_route(http::Router& router, std::string version,
                      std::function<HealthCounts()> counts);

}  // namespace bmcp::transport
