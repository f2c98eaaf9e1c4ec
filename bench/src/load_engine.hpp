// Closed-loop load of MCP tools/call requests: N initialized sessions, one keep-alive
// connection each, driven by one epoll thread. Each connection sends its next request as soon
// as the previous response is complete. Measurement starts after a warm-up and stops at
// whichever bound comes first: a number of measured calls or a duration.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "latency_summary.hpp"
#include "mcp_wire.hpp"

namespace bench {

struct LoadConfig {
  McpEndpoint endpoint;
  int clients = 1;
  std::string tool;
  std::string arguments_json = "{}";
  std::int64_t max_requests = 100000;  // measured calls (after warm-up)
  double duration_seconds = 5.0;       // measured period bound
  double warmup_seconds = 1.0;
  int rss_pid = 0;             // when set, sample this process's RSS ...
  std::int64_t rss_every = 0;  // ... every this many measured calls
  bool peer_time = false;      // results carry "peer_ns=<n>" (the fast peer's own time)
  std::string expect;          // when set, a response counts as an error unless it contains this
};

struct LoadResult {
  std::int64_t measured = 0;
  std::int64_t errors = 0;
  double seconds = 0;
  std::vector<std::int64_t> latencies_ns;
  std::vector<std::int64_t> server_added_ns;  // latency minus peer time (peer_time only)
  std::vector<std::int64_t> peer_ns;
  std::vector<std::pair<std::int64_t, std::int64_t>> rss_samples;  // (calls, KiB)
  std::string first_error;
};

// Throws std::runtime_error when set-up fails (login, initialize); errors during the load are
// counted in LoadResult::errors.
LoadResult run_load(const LoadConfig& config);

}  // namespace bench
