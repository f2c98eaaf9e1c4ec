#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "bus/bus_service.hpp"
#include "console/console_feed.hpp"
#include "console/console_sessions.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "feedrelay/console_relay.hpp"
#include "jobs/job_store.hpp"
#include "mcp/session_table.hpp"

namespace bmcp::app {

// A node serving the bus, for the console's admin page.
struct NodeStatus {
  std::string node;          // the node id ("this node" in one-node mode)
  bool self = false;         // the node answering
  bool alive = true;         // its heartbeat has not expired (cluster)
  std::size_t sessions = 0;  // sessions it serves (cluster; 0 in one-node mode)
};

// The bus and the job store a node serves with (docs/cluster.md): in this process (one node),
// or, with a Redis URL, shared by every node of a cluster. The rest of the server sees only
// the two interfaces.
class BusBackend {
 public:
  virtual ~BusBackend() = default;

  virtual bus::BusService& bus() = 0;
  virtual jobs::JobStore& jobs() = 0;
  // For logs: "in this process", or the Redis endpoint and the node id.
  virtual std::string description() const = 0;
  // What /health reports as missing: nullopt while the node can serve.
  virtual std::optional<std::string> problem() const = 0;
  // In a cluster, MCP sessions are shared too: `sessions` finds sessions other nodes created
  // and drops its copies of sessions they ended. Call once, before serving.
  virtual void share_sessions(mcp::SessionTable& sessions) = 0;
  // Called by the server every second with the sessions used lately (node heartbeat, sweep of
  // dead nodes and refresh of the shared session records in a cluster).
  virtual void tick(const std::vector<std::shared_ptr<mcp::Session>>& active) = 0;
  // The node is stopping: in a cluster its sessions wait for another node (call before ending
  // the session table).
  virtual void leave() = 0;
  // This node in one-node mode; every node the shared store knows in a cluster (an error when
  // it cannot be read).
  virtual Result<std::vector<NodeStatus>, std::string> nodes() const = 0;
  // The observer the console's watching wrappers call (docs/console.md): nullptr on one node
  // (the feed itself hears everything); in a cluster a relay that also passes this node's
  // console events to the other nodes and theirs to `feed`. Destroy it before `feed`.
  virtual std::unique_ptr<feedrelay::ConsoleRelay> relay_console(console::ConsoleFeed& feed) = 0;
  // The console's sign-ins: in this process on one node; in a cluster in the shared store, so
  // that any node serves any signed-in browser (no sticky routing). Destroy it before the
  // backend.
  virtual std::unique_ptr<console::ConsoleSessions> console_sessions(
      const Clock& clock, console::ConsoleSessionLimits limits) = 0;
};

struct BusBackendOptions {
  bus::BusLimits bus_limits;
  jobs::JobStoreLimits job_limits;
  std::chrono::seconds session_idle_timeout{300};
};

// Opens the backend `config` asks for. In cluster mode it connects to Redis, loads the bus
// function library and joins the cluster; an error (naming Redis) when that fails.
Result<std::unique_ptr<BusBackend>, std::string> open_bus_backend(const ServerConfig& config,
                                                                  const Clock& clock,
                                                                  BusBackendOptions options);

}  // namespace bmcp::app
