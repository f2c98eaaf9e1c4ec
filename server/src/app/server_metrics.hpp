#pragma once

#include <string>

#include "app/dispatch_metrics.hpp"
#include "auth/auth_counters.hpp"
#include "bus/bus_service.hpp"
#include "feedrelay/console_relay.hpp"
#include "http/server_stats.hpp"
#include "jobs/job_store.hpp"
#include "mcp/session_table.hpp"
#include "metrics/registry.hpp"

namespace bmcp::app {

// What the server's metrics read. Everything must outlive the registry's last render.
struct MetricSources {
  std::string version;
  const mcp::SessionTable& sessions;
  const http::ServerStats& http;
  const bus::BusService& hub;
  const jobs::JobStore& jobs;
  const auth::AuthCounters& auth;
  const DispatchMetrics& dispatch;
};

// Adds the collectors of every blender_mcp_* metric (docs/metrics.md) to `registry`. They read
// the counters the layers keep and, at each scrape, the sizes of the tables and /proc/self.
void add_server_collectors(metrics::Registry& registry, const MetricSources& sources);
// Cluster mode: blender_mcp_console_relay_events_total{outcome} of the console's relay.
void add_console_relay_collector(metrics::Registry& registry, const feedrelay::ConsoleRelay& relay);

}  // namespace bmcp::app
