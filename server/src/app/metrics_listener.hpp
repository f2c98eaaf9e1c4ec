#pragma once

#include <cstdint>
#include <memory>
#include <thread>

#include "app/config.hpp"
#include "core/result.hpp"
#include "http/origin_policy.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "metrics/registry.hpp"

namespace bmcp::app {

// The separate metrics listener (--metrics-bind): an HttpServer of its own, on one thread of
// its own, that serves GET /metrics without authentication (and 404 for anything else).
// The same Origin and, on loopback, Host checks as the main listener apply.
class MetricsListener {
 public:
  MetricsListener(const BindAddress& bind, const metrics::Registry& registry);
  // Stops the listener and waits for its thread.
  ~MetricsListener();
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  // Binds, then serves on its own thread. Returns the bound port.
  Result<std::uint16_t> start();

 private:
  http::Router router_;
  http::OriginPolicy origin_policy_;
  http::HttpServer server_;
  std::thread thread_;
};

}  // namespace bmcp::app
