#include "app/metrics_listener.hpp"

#include "transport/metrics_endpoint.hpp"
#include "transport/request_guard.hpp"

namespace bmcp::app {
namespace {

http::ServerOptions listener_options(const BindAddress& bind) {
  http::ServerOptions options;
  options.host = bind.host;
  options.port = bind.port;
  options.threads = 1;
  // A scraper needs a handful of connections, never the main listener's share of descriptors.
  options.limits.max_connections = 16;
  options.limits.over_limit_reserve = 0;
  return options;
}

}  // namespace

MetricsListener::MetricsListener(const BindAddress& bind, const metrics::Registry& registry)
    : origin_policy_({}, http::is_loopback_address(bind.host)),
      server_(listener_options(bind), transport::guard_requests(origin_policy_, router_)) {
  transport::add_open_metrics_route(router_, registry);
}

MetricsListener::~MetricsListener() {
  if (thread_.joinable()) {
    server_.stop();
    thread_.join();
  }
}

Result<std::uint16_t> MetricsListener::start() {
  auto port = server_.listen();
  if (!port)
    return port;
  // No signal handler of its own: the main listener's handles SIGINT/SIGTERM, and this one
  // stops when `serve` destroys it.
  thread_ = std::thread([this] { server_.run(nullptr); });
  return port;
}

}  // namespace bmcp::app
