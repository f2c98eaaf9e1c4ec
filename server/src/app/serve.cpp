#include "app/serve.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "auth/auth_service.hpp"
#include "auth/data_dir.hpp"
#include "auth/signing_key.hpp"
#include "core/logging.hpp"
#include "core/thread_pool.hpp"
#include "fixtures/conformance_fixtures.hpp"
#include "http/origin_policy.hpp"
#include "http/server.hpp"
#include "mcp/engine.hpp"
#include "mcp/session_table.hpp"
#include "transport/auth_endpoints.hpp"
#include "transport/health_endpoint.hpp"
#include "transport/mcp_endpoint.hpp"
#include "transport/request_guard.hpp"

namespace bmcp::app {
namespace {

constexpr auto kSweepInterval = std::chrono::seconds(1);
constexpr auto kRemovedUserCheckInterval = std::chrono::seconds(10);
constexpr auto kPurgeInterval = std::chrono::hours(24);

// Re-arms `task` every `interval` on the server's scheduler.
void every(Scheduler& scheduler, std::chrono::nanoseconds interval, std::function<void()> task) {
  scheduler.schedule_after(interval, [&scheduler, interval, task = std::move(task)]() mutable {
    task();
    every(scheduler, interval, std::move(task));
  });
}

void print_login_hint(const ServerConfig& config, std::string_view url) {
  spdlog::info("blender-mcp listening on {}", url);
  if (config.admin_password) {
    spdlog::info(
        "log in as admin with the password from ADMIN_PASSWORD: curl -s -X POST {}/auth/login "
        "-H 'Content-Type: application/json' -d '{{\"username\":\"admin\",\"password\":\"...\"}}'",
        url);
  } else {
    spdlog::info(
        "ADMIN_PASSWORD is not set: the admin password is the one set on an earlier start "
        "(or with `blender-mcp user passwd admin`); POST {}/auth/login to log in",
        url);
  }
  if (config.demo_password)
    spdlog::info("user demo exists with the password from DEMO_PASSWORD");
}

}  // namespace

int run_serve(const ServerConfig& config) {
  init_logging(*parse_server_log_level(config.log_level));
  auto data_dir = auth::resolve_data_dir(config.data_dir, auth::process_env);
  if (!data_dir) {
    spdlog::error("{}", data_dir.error().message);
    return 2;
  }
  if (auto ok = auth::ensure_data_dir(*data_dir); !ok) {
    spdlog::error("{}", ok.error().message);
    return 1;
  }
  auto key = auth::load_or_create_signing_key(config.signing_key, *data_dir);
  if (!key) {
    spdlog::error("{}", key.error().message);
    return 1;
  }
  SystemClock clock;
  auto store = auth::UserStore::open(auth::database_file(*data_dir), clock);
  if (!store) {
    spdlog::error("{}", store.error().message);
    return 1;
  }
  auth::PasswordHasher hasher;
  auth::AuthService auth(
      **store, hasher, clock,
      auth::AuthConfig{*key, std::chrono::minutes(config.access_token_expire_minutes),
                       std::chrono::days(config.refresh_token_expire_days)});
  if (auto ok = auth.bootstrap(config.admin_password, config.demo_password); !ok) {
    std::fprintf(stderr, "%s\n", ok.error().message.c_str());
    return ok.error().code == ErrorCode::kFailedPrecondition ? 2 : 1;
  }
  if (const int purged = auth.purge_expired(); purged > 0) {
    spdlog::info("purged {} expired refresh tokens", purged);
  }

  mcp::Registry registry;
  mcp::EngineOptions engine_options;
  engine_options.server_version = std::string(kVersion);
  mcp::Engine engine(registry, engine_options);
  mcp::SessionLimits session_limits;
  session_limits.idle_timeout = std::chrono::seconds(config.session_idle_seconds);
  mcp::SessionTable sessions(clock, session_limits);
  ThreadPool blocking(2);

  http::Router router;
  transport::AuthEndpoints auth_endpoints(auth, blocking);
  auth_endpoints.add_routes(router);
  transport::McpEndpoint mcp_endpoint(engine, sessions, auth);
  mcp_endpoint.add_routes(router);
  transport::add_health_route(router, std::string(kVersion), nullptr);
  const bool loopback = http::is_loopback_address(config.host);
  http::OriginPolicy origin_policy(config.allowed_origins, loopback);

  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  http::HttpServer server(options, transport::guard_requests(origin_policy, router));
  if (config.conformance_fixtures) {
    fixtures::add_conformance_fixtures(registry, server.scheduler());
    spdlog::warn("conformance fixtures are registered (test_* tools, test:// resources)");
  }
  auto port = server.listen();
  if (!port) {
    spdlog::error("{}", port.error().message);
    return 1;
  }
  if (!loopback) {
    spdlog::warn("bound to {}: /mcp is reachable from the network", config.host);
  }
  const std::string host =
      config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  print_login_hint(config, fmt::format("http://{}:{}", host, *port));

  auto& scheduler = server.scheduler();
  every(scheduler, kSweepInterval, [&sessions] { sessions.end_idle(); });
  // A user removed with the CLI loses its sessions within the check interval (contract §3.6).
  auth::UserStore& users = **store;
  every(scheduler, kRemovedUserCheckInterval, [&sessions, &users, &blocking] {
    blocking.post([&sessions, &users] {
      sessions.end_users_if([&users](const std::string& user) {
        auto found = users.find(user);
        return !found && found.error().code == ErrorCode::kNotFound;
      });
    });
  });
  every(scheduler, kPurgeInterval,
        [&auth, &blocking] { blocking.post([&auth] { auth.purge_expired(); }); });

  server.run([&sessions, &server] {
    spdlog::info("stopping");
    sessions.end_all();
    server.stop();
  });
  sessions.end_all();
  return 0;
}

}  // namespace bmcp::app
