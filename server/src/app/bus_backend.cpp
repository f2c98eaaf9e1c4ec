#include "app/bus_backend.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bus/bus_hub.hpp"
#include "cluster/node_presence.hpp"
#include "cluster/redis_bus.hpp"
#include "cluster/redis_job_store.hpp"
#include "cluster/redis_session_directory.hpp"
#include "console/memory_console_sessions.hpp"
#include "core/random.hpp"
#include "jobs/memory_job_store.hpp"
#include "redis/redis_url.hpp"
#include "signins/redis_console_sessions.hpp"
#include "tools/session_endpoint.hpp"

namespace bmcp::app {
namespace {

class EmbeddedBackend final : public BusBackend {
 public:
  EmbeddedBackend(const Clock& clock, const BusBackendOptions& options)
      : hub_(clock, options.bus_limits), jobs_(clock, options.job_limits) {}

  bus::BusService& bus() override { return hub_; }
  jobs::JobStore& jobs() override { return jobs_; }
  std::string description() const override { return "in this process (one node)"; }
  std::optional<std::string> problem() const override { return std::nullopt; }
  void share_sessions(mcp::SessionTable&) override {}
  void tick(const std::vector<std::shared_ptr<mcp::Session>>&) override {}
  void leave() override {}
  Result<std::vector<NodeStatus>, std::string> nodes() const override {
    return std::vector<NodeStatus>{{"this node", true, true, 0}};
  }
  std::unique_ptr<feedrelay::ConsoleRelay> relay_console(console::ConsoleFeed&) override {
    return nullptr;
  }
  std::unique_ptr<console::ConsoleSessions> console_sessions(
      const Clock& clock, console::ConsoleSessionLimits limits) override {
    return std::make_unique<console::MemoryConsoleSessions>(clock, limits);
  }

 private:
  bus::BusHub hub_;
  jobs::MemoryJobStore jobs_;
};

// How long a command to Redis may take before it fails: short, so that a stuck Redis turns
// into clear errors quickly instead of requests that hang.
constexpr std::chrono::milliseconds kCommandTimeout{2000};

class ClusterBackend final : public BusBackend {
 public:
  ClusterBackend(const redis::RedisEndpoint& endpoint, std::string node_id, const Clock& clock,
                 BusBackendOptions options)
      : endpoint_(endpoint),
        node_id_(std::move(node_id)),
        store_(endpoint, redis::ClientOptions{kCommandTimeout, std::chrono::milliseconds(100),
                                              std::chrono::milliseconds(1000)}),
        bus_(store_, clock, options.bus_limits, node_id_),
        jobs_(store_, clock, options.job_limits,
              std::chrono::duration_cast<std::chrono::seconds>(options.bus_limits.pending_job_ttl)),
        directory_(
            store_, bus_, node_id_,
            [&clock](const std::shared_ptr<mcp::Session>& session) {
              return std::make_shared<tools::SessionEndpoint>(session, clock);
            },
            options.session_idle_timeout),
        presence_(store_, bus_, node_id_, cluster::PresenceOptions{}) {
    bus_.record_job_updates_with(
        [this](const bus::JobEvent& event) { return jobs_.apply_arguments(event); });
  }

  ~ClusterBackend() override { store_.stop(); }

  // Connects and joins the cluster. When Redis cannot be reached the node starts anyway,
  // answering bus_unavailable and 503 on /health until it can (the heartbeat then reports it).
  void start() {
    bus_.start();
    auto joined = store_.start();
    if (joined)
      joined = presence_.join();
    if (!joined)
      spdlog::error("cluster: {}; serving without the shared bus until it can be reached",
                    joined.error());
  }

  bus::BusService& bus() override { return bus_; }
  jobs::JobStore& jobs() override { return jobs_; }
  std::string description() const override {
    return fmt::format("shared in Redis at {} (cluster node {})", endpoint_.describe(), node_id_);
  }
  std::optional<std::string> problem() const override {
    const auto status = store_.status();
    if (status.connected && presence_.healthy())
      return std::nullopt;
    return fmt::format("the shared store (Redis at {}) is unreachable{}", endpoint_.describe(),
                       status.last_error.empty() ? "" : ": " + status.last_error);
  }
  void share_sessions(mcp::SessionTable& sessions) override {
    sessions.set_directory(&directory_);
    directory_.start([&sessions](const std::string& session_id, const std::string& user_id) {
      sessions.ended_elsewhere(session_id, user_id);
    });
  }
  void tick(const std::vector<std::shared_ptr<mcp::Session>>& active) override {
    presence_.tick();
    directory_.touch(active);
  }
  void leave() override { bus_.leave(); }
  Result<std::vector<NodeStatus>, std::string> nodes() const override {
    auto known = presence_.nodes();
    if (!known)
      return Unexpected{known.error()};
    std::vector<NodeStatus> statuses;
    for (const auto& node : *known)
      statuses.push_back({node.node_id, node.node_id == node_id_, node.alive, node.sessions});
    return statuses;
  }
  std::unique_ptr<feedrelay::ConsoleRelay> relay_console(console::ConsoleFeed& feed) override {
    return std::make_unique<feedrelay::ConsoleRelay>(feed, store_, node_id_);
  }
  std::unique_ptr<console::ConsoleSessions> console_sessions(
      const Clock& clock, console::ConsoleSessionLimits limits) override {
    return std::make_unique<signins::RedisConsoleSessions>(store_, clock, limits);
  }

 private:
  const redis::RedisEndpoint endpoint_;
  const std::string node_id_;
  cluster::SharedStore store_;
  cluster::RedisBus bus_;
  cluster::RedisJobStore jobs_;
  cluster::RedisSessionDirectory directory_;
  cluster::NodePresence presence_;
};

}  // namespace

Result<std::unique_ptr<BusBackend>, std::string> open_bus_backend(const ServerConfig& config,
                                                                  const Clock& clock,
                                                                  BusBackendOptions options) {
  if (!config.redis_url)
    return std::unique_ptr<BusBackend>(std::make_unique<EmbeddedBackend>(clock, options));
  auto endpoint = redis::parse_redis_url(*config.redis_url);
  if (!endpoint)
    return Unexpected{"--redis-url: " + endpoint.error()};
  const std::string node_id = config.node_id.value_or("node-" + random_hex(4));
  auto backend = std::make_unique<ClusterBackend>(*endpoint, node_id, clock, std::move(options));
  backend->start();
  return std::unique_ptr<BusBackend>(std::move(backend));
}

}  // namespace bmcp::app
