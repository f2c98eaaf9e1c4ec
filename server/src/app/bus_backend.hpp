#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "bus/bus_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "jobs/job_store.hpp"

namespace bmcp::app {

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
  // Called by the server every second (node heartbeat and sweep of dead nodes in a cluster).
  virtual void tick() = 0;
};

struct BusBackendOptions {
  bus::BusLimits bus_limits;
  jobs::JobStoreLimits job_limits;
  // Runs when the cluster took this node for dead and ended its sessions there: end them here
  // too. Called from a thread of the backend's own, never while the backend is busy.
  std::function<void()> end_all_sessions;
};

// Opens the backend `config` asks for. In cluster mode it connects to Redis, loads the bus
// function library and joins the cluster; an error (naming Redis) when that fails.
Result<std::unique_ptr<BusBackend>, std::string> open_bus_backend(const ServerConfig& config,
                                                                  const Clock& clock,
                                                                  BusBackendOptions options);

}  // namespace bmcp::app
