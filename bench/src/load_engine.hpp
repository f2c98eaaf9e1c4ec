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
  bool peer_time = false;      // results carry "peer_ns=<n> wake_ns=<w>" (bench_peer's own time)
  std::string expect;          // when set, a response counts as an error unless it contains this
};

struct LoadResult {
  std::int64_t measured = 0;
  std::int64_t errors = 0;
  double seconds = 0;
  // From writing the request to this program reading the end of its response.
  std::vector<std::int64_t> latencies_ns;
  // peer_time only. Server-added: from writing the request to the kernel receiving the end of
  // its response (SO_TIMESTAMPNS), minus the peer's time; so neither this program's nor the
  // peer's waking up counts. Load wake-ups: what that leaves out (this program's wake-up after
  // the response arrived plus the peer's after the event arrived).
  std::vector<std::int64_t> server_added_ns;
  std::vector<std::int64_t> peer_ns;
  std::vector<std::int64_t> load_wake_ns;
  std::vector<std::pair<std::int64_t, std::int64_t>> rss_samples;  // (calls, KiB)
  std::string first_error;
};

// Throws std::runtime_error when set-up fails (login, initialize); errors during the load are
// counted in LoadResult::errors.
LoadResult run_load(const LoadConfig& config);

}  // namespace bench
