#include "app/serve.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <initializer_list>
#include <set>
#include <vector>

#include "app/bus_backend.hpp"
#include "app/client_document_source.hpp"
#include "app/metrics_listener.hpp"
#include "app/oauth_wiring.hpp"
#include "app/oidc_wiring.hpp"
#include "app/operation_log.hpp"
#include "app/server_metrics.hpp"
#include "app/user_store_factory.hpp"
#include "auth/auth_service.hpp"
#include "auth/data_dir.hpp"
#include "auth/private_files.hpp"
#include "console/console_api.hpp"
#include "console/observed_bus.hpp"
#include "console/observed_job_store.hpp"
#include "core/logging.hpp"
#include "core/thread_pool.hpp"
#include "fixtures/conformance_fixtures.hpp"
#include "host/descriptor_limit.hpp"
#include "http/origin_policy.hpp"
#include "http/server.hpp"
#include "http/trusted_proxies.hpp"
#include "jobs/dispatcher.hpp"
#include "jobs/job_life.hpp"
#include "mcp/engine.hpp"
#include "mcp/session_table.hpp"
#include "tools/bus_resources.hpp"
#include "tools/bus_tools.hpp"
#include "tools/diagnostics_tools.hpp"
#include "tools/dispatch_script_prompt.hpp"
#include "tools/dispatch_tools.hpp"
#include "tools/guidance_prompts.hpp"
#include "transport/auth_endpoints.hpp"
#include "transport/console_endpoints.hpp"
#include "transport/health_endpoint.hpp"
#include "transport/mcp_endpoint.hpp"
#include "transport/metrics_endpoint.hpp"
#include "transport/request_guard.hpp"

namespace bmcp::app {
namespace {

constexpr auto kSweepInterval = std::chrono::seconds(1);
// Node heartbeat and dead-node sweep in a cluster (cluster::PresenceOptions::interval).
constexpr auto kNodeTickInterval = std::chrono::seconds(1);
constexpr auto kRemovedUserCheckInterval = std::chrono::seconds(10);
constexpr auto kPurgeInterval = std::chrono::hours(24);
constexpr auto kBusReportInterval = std::chrono::minutes(1);
constexpr auto kConsoleClientsInterval = std::chrono::seconds(1);
constexpr auto kConsolePagesCheckInterval = std::chrono::seconds(5);

// Re-arms `task` every `interval` on the server's scheduler.
void every(Scheduler& scheduler, std::chrono::nanoseconds interval, std::function<void()> task) {
  scheduler.schedule_after(interval, [&scheduler, interval, task = std::move(task)]() mutable {
    task();
    every(scheduler, interval, std::move(task));
  });
}

// Shuts the given pools down when it goes out of scope. Pool work answers through the server's
// io_context and uses the endpoints and tools: declared after all of those, this finishes that
// work before any of them is destroyed, on every way out of run_serve.
class PoolsShutdown {
 public:
  explicit PoolsShutdown(std::initializer_list<ThreadPool*> pools) : pools_(pools) {}
  ~PoolsShutdown() {
    for (auto* pool : pools_)
      pool->shutdown();
  }
  PoolsShutdown(const PoolsShutdown&) = delete;
  PoolsShutdown& operator=(const PoolsShutdown&) = delete;

 private:
  std::vector<ThreadPool*> pools_;
};

void print_login_hint(const ServerConfig& config, std::string_view url) {
  // Before the "listening" line, which tells watchers that start-up is over.
  spdlog::info("memory allocator: {}", config.memory_allocator);
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

bus::BusLimits bus_limits(const ServerConfig& config) {
  bus::BusLimits limits;
  limits.stream_grace = std::chrono::seconds(config.stream_grace_seconds);
  limits.offline_hold_messages = static_cast<std::size_t>(config.offline_hold_messages);
  limits.offline_hold_ttl = std::chrono::seconds(config.offline_hold_seconds);
  limits.max_record_bytes = static_cast<std::size_t>(config.max_record_bytes);
  limits.offline_hold_bytes = static_cast<std::size_t>(config.offline_hold_bytes);
  limits.max_user_bytes = static_cast<std::size_t>(config.user_buffer_bytes);
  limits.max_image_bytes = static_cast<std::size_t>(config.max_image_bytes);
  return limits;
}

jobs::JobStoreLimits job_store_limits(const ServerConfig& config) {
  jobs::JobStoreLimits limits;
  limits.retention = std::chrono::seconds(config.job_retention_seconds);
  limits.max_retained_per_user = static_cast<std::size_t>(config.max_retained_jobs);
  return limits;
}

// The Blender surface of the HTTP build, in contract order: diagnostics, bus and dispatch tools;
// bus resources then scene resources; the dispatch-script prompt, then the eight others.
void add_blender_surface(mcp::Registry& registry, bus::BusService& hub,
                         jobs::Dispatcher& dispatcher, const jobs::JobStore& store,
                         const Clock& clock, ThreadPool& diagnostics_workers) {
  tools::DiagnosticsOptions diagnostics;
  diagnostics.access = tools::DiagnosticsAccess::kAdminsWithDiscoveredBlender;
  diagnostics.workers = &diagnostics_workers;
  tools::add_diagnostics_tools(registry, diagnostics);
  tools::add_bus_tools(registry, hub, clock);
  tools::add_dispatch_tools(registry, dispatcher, store);
  tools::add_bus_resources(registry, hub);
  tools::add_scene_resources(registry, dispatcher);
  registry.add_prompt(tools::dispatch_script_prompt());
  tools::add_guidance_prompts(registry);
}

// Logs the bus counters once a minute while records are being lost, so that an operator sees
// every bound that was hit.
void report_bus_losses(const bus::BusService& hub, std::uint64_t& reported_losses) {
  const auto losses = hub.counters().losses();
  if (losses == reported_losses)
    return;
  reported_losses = losses;
  spdlog::warn("bus bounds were hit: {}", hub.counters().summary());
}

// The connection limit for this process's descriptor limit, logged (with a warning when the
// configured value had to be lowered).
std::size_t max_connections(const ServerConfig& config) {
  const std::uint64_t open_files = host::open_files_limit();
  const std::optional<std::size_t> configured =
      config.max_connections ? std::optional<std::size_t>(*config.max_connections) : std::nullopt;
  const std::size_t effective = http::effective_max_connections(configured, open_files);
  if (configured && *configured > effective) {
    spdlog::warn(
        "max connections {} lowered to {}: the descriptor limit (ulimit -n) is {}; raise it to "
        "serve more",
        *configured, effective, open_files);
  }
  spdlog::info(
      "serving at most {} connections at once (descriptor limit {}); {} more may ask for GET {}",
      effective, open_files, http::kHealthReserve, transport::kHealthPath);
  return effective;
}

// Starts the separate metrics listener and says where it serves; false (logged) when it
// cannot listen.
bool start_metrics_listener(MetricsListener& listener, const BindAddress& bind) {
  const auto port = listener.start();
  if (!port) {
    spdlog::error("metrics listener: {}", port.error().message);
    return false;
  }
  const std::string host =
      bind.host.find(':') != std::string::npos ? "[" + bind.host + "]" : bind.host;
  spdlog::info("metrics listening on http://{}:{}{} (no authentication)", host, *port,
               transport::kMetricsPath);
  return true;
}

// This node's line of the console's node status: its backend and what it lacks, if anything.
// (A cluster's other nodes are not listed: their presence records are not read here.)
// Every node serving the bus: this one with its backend and problem, the others (in a
// cluster) with their state as the shared store has it.
json::value console_node_status(const BusBackend& backend) {
  const auto problem = backend.problem();
  json::object self{{"node", "this node"},
                    {"state", "this node"},
                    {"sessions", nullptr},
                    {"backend", backend.description()},
                    {"problem", problem ? json::value(*problem) : json::value()}};
  const auto nodes = backend.nodes();
  if (!nodes)
    return json::array{std::move(self)};
  json::array out;
  for (const auto& node : *nodes) {
    if (node.self) {
      json::object entry = self;
      entry["node"] = node.node;
      entry["sessions"] = node.sessions;
      out.push_back(std::move(entry));
      continue;
    }
    out.push_back(json::object{{"node", node.node},
                               {"state", node.alive ? "alive" : "heartbeat expired"},
                               {"sessions", node.sessions},
                               {"backend", nullptr},
                               {"problem", nullptr}});
  }
  return out;
}

}  // namespace

int run_serve(const ServerConfig& config) {
  init_logging(*parse_server_log_level(config.log_level), *parse_log_format(config.log_format));
  StoreLocation location{config.database_url, {}};
  if (!location.database_url) {
    auto data_dir = auth::resolve_data_dir(config.data_dir, auth::process_env);
    if (!data_dir) {
      spdlog::error("{}", data_dir.error().message);
      return 2;
    }
    location.data_dir = *data_dir;
    if (auto ok = auth::ensure_data_dir(location.data_dir); !ok) {
      spdlog::error("{}", ok.error().message);
      return 1;
    }
    for (const auto& warning : auth::tighten_private_files(location.data_dir))
      spdlog::warn("{}", warning);
  }
  SystemClock clock;
  auto store = open_server_store(location, config.signing_key, clock);
  if (!store) {
    spdlog::error("{}", store.error().message);
    return 1;
  }
  spdlog::info("user store: {}", store->description);
  auth::PasswordHasher hasher;
  auth::AuthService auth(
      *store->users, hasher, clock,
      auth::AuthConfig{store->signing_key, std::chrono::minutes(config.access_token_expire_minutes),
                       std::chrono::days(config.refresh_token_expire_days)},
      store->oauth.get());
  if (auto ok = auth.bootstrap(config.admin_password, config.demo_password); !ok) {
    spdlog::error("{}", ok.error().message);
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
  session_limits.stream.max_queued_bytes = static_cast<std::size_t>(config.session_queue_bytes);
  session_limits.stream.max_retained_bytes = static_cast<std::size_t>(config.session_replay_bytes);
  mcp::SessionTable sessions(clock, session_limits);
  BusBackendOptions backend_options{bus_limits(config), job_store_limits(config),
                                    session_limits.idle_timeout};
  auto backend = open_bus_backend(config, clock, std::move(backend_options));
  if (!backend) {
    spdlog::error("{}", backend.error());
    return 1;
  }
  spdlog::info("bus, jobs and sessions: {}", (*backend)->description());
  (*backend)->share_sessions(sessions);
  // The console (docs/console.md) watches the bus and the job store every other part uses.
  // In a cluster it also shows what other nodes routed and started, through the relay.
  console::ConsoleFeed console_feed((*backend)->bus(), clock);
  const auto console_relay = (*backend)->relay_console(console_feed);
  console::FeedObserver& console_observer =
      console_relay ? static_cast<console::FeedObserver&>(*console_relay) : console_feed;
  console::ObservedBus observed_bus((*backend)->bus(), console_observer);
  console::ObservedJobStore observed_jobs((*backend)->jobs(), console_observer);
  bus::BusService& hub = observed_bus;
  jobs::JobStore& job_store = observed_jobs;
  jobs::JobLife job_life(hub, job_store, clock);
  sessions.add_end_listener([&hub](mcp::Session& session, mcp::SessionEndReason reason) {
    hub.end_session(session.user_id(), session.id());
    log_session_end(session, reason);
  });
  ThreadPool blocking(2);
  // Diagnostics wait on Blender child processes for up to 30 s: a pool of their own keeps
  // logins and token checks on `blocking` from queueing behind them.
  ThreadPool diagnostics_workers(2);

  // Validated by load_config, so parsing cannot fail here.
  auto trusted_proxies = http::TrustedProxies::parse(config.trusted_proxies);
  if (!trusted_proxies) {
    spdlog::error("trusted proxies: {}", trusted_proxies.error());
    return 2;
  }
  http::Router router;
  if (!config.trusted_proxies.empty()) {
    spdlog::info("X-Forwarded-For names the client when the peer is in {}",
                 fmt::join(config.trusted_proxies, ", "));
  }
  transport::AuthEndpoints auth_endpoints(auth, blocking, *trusted_proxies);
  auth_endpoints.add_routes(router);
  transport::McpEndpoint mcp_endpoint(engine, sessions, auth);
  mcp_endpoint.add_routes(router);
  auto document_source = HttpsDocumentSource::create(config);
  if (!document_source) {
    spdlog::error("{}", document_source.error());
    return 2;
  }
  // Set before serving (start_oidc_verifier below sets its audience once the URL is known).
  const auto oidc_verifier = make_oidc_verifier(config, **document_source, clock);
  auth.set_external_tokens(oidc_verifier.get());
  OAuthSurface oauth(config, auth, *store->users, *store->oauth, clock, store->signing_key,
                     blocking, *trusted_proxies, **document_source);
  oauth.add_routes(router, mcp_endpoint);
  transport::add_health_route(router, std::string(kVersion), [&hub, &backend] {
    const auto counts = hub.counts();
    return transport::HealthCounts{counts.buses, counts.clients, (*backend)->problem()};
  });
  // Metrics (docs/metrics.md): admins read /metrics here unless a listener of its own serves it.
  metrics::Registry metrics_registry;
  if (!config.metrics_bind) {
    transport::add_admin_metrics_route(router, metrics_registry, [&auth](std::string_view token) {
      return auth.authenticate_access(token);
    });
  }
  const auto console_sessions = (*backend)->console_sessions(clock, {});
  console::ToolRunner console_runner(engine, sessions);
  console::AdminSources console_admin;
  console_admin.metrics_text = [&metrics_registry] { return metrics_registry.render(); };
  console_admin.nodes = [&backend] { return console_node_status(**backend); };
  console_admin.mcp_sessions_of = [&sessions](const std::string& user) {
    return sessions.count_for(user);
  };
  console::ConsoleOptions console_options;
  console_options.secure_cookie = config.public_url && config.public_url->rfind("https://", 0) == 0;
  console::ConsoleApi console_api(
      auth, *store->users, hasher, store->oauth.get(), *console_sessions, console_feed,
      console_runner, std::move(console_admin), console_options, &oauth.console_sign_on());
  transport::ConsoleEndpoints console_endpoints(console_api, console_feed, blocking,
                                                *trusted_proxies);
  console_endpoints.add_routes(router);
  const bool loopback = http::is_loopback_address(config.host);
  http::OriginPolicy origin_policy(allowed_origins(config), loopback);

  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.threads;
  options.busy_poll = std::chrono::microseconds(config.busy_poll_us);
  if (config.busy_poll_us > 0) {
    spdlog::info("each of the {} I/O threads polls for {} us after its last event before it sleeps",
                 config.threads, config.busy_poll_us);
  }
  options.limits.max_stream_buffer_bytes = static_cast<std::size_t>(config.stream_buffer_bytes);
  options.limits.keepalive_interval = std::chrono::seconds(config.keepalive_seconds);
  options.limits.max_connections = max_connections(config);
  options.served_over_limit = {transport::kHealthPath};
  http::HttpServer server(options, transport::guard_requests(origin_policy, router));
  jobs::Dispatcher dispatcher(hub, job_life.waiter(), job_store, server.scheduler(), clock);
  DispatchMetrics dispatch_metrics;
  dispatcher.set_observer([&dispatch_metrics](const jobs::DispatchOutcome& outcome) {
    dispatch_metrics.observe(outcome.command, outcome.status, outcome.elapsed);
    log_dispatch(outcome);
  });
  add_server_collectors(metrics_registry,
                        MetricSources{std::string(kVersion), sessions, server.stats(), hub,
                                      job_store, auth.counters(), dispatch_metrics});
  if (console_relay)
    add_console_relay_collector(metrics_registry, *console_relay);
  add_blender_surface(registry, hub, dispatcher, job_store, clock, diagnostics_workers);
  if (config.conformance_fixtures) {
    fixtures::add_conformance_fixtures(registry, server.scheduler());
    spdlog::warn("conformance fixtures are registered (test_* tools, test:// resources)");
  }
  // Logins, token checks and diagnostics still running at shutdown finish before the server.
  const PoolsShutdown pools_shutdown{&blocking, &diagnostics_workers};
  auto port = server.listen();
  if (!port) {
    spdlog::error("{}", port.error().message);
    return 1;
  }
  if (!loopback) {
    spdlog::warn("bound to {}: /mcp is reachable from the network", config.host);
  }
  oauth.start(*port);
  if (oidc_verifier)
    start_oidc_verifier(*oidc_verifier, config, oauth.resource_url());
  const std::string host =
      config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host;
  std::optional<MetricsListener> metrics_listener;
  if (config.metrics_bind) {
    metrics_listener.emplace(*config.metrics_bind, metrics_registry);
    if (!start_metrics_listener(*metrics_listener, *config.metrics_bind))
      return 1;
  }
  print_login_hint(config, fmt::format("http://{}:{}", host, *port));

  auto& scheduler = server.scheduler();
  every(scheduler, kSweepInterval, [&sessions, &hub, &job_store] {
    sessions.end_idle();
    hub.sweep();
    job_store.sweep();
  });
  every(scheduler, kNodeTickInterval,
        [&backend, &sessions] { (*backend)->tick(sessions.active(2 * kNodeTickInterval)); });
  // Clients go offline by themselves (their stream gone for the grace time): open console
  // pages get the change within a second.
  every(scheduler, kConsoleClientsInterval, [&blocking, &console_feed] {
    blocking.post([&console_feed] { console_feed.refresh_clients(); });
  });
  // Pages of a console session that ended or of an account that is gone close within this.
  every(scheduler, kConsolePagesCheckInterval, [&blocking, &console_api] {
    blocking.post([&console_api] { console_api.end_stale_pages(); });
  });
  std::uint64_t reported_losses = 0;
  every(scheduler, kBusReportInterval,
        [&hub, &reported_losses] { report_bus_losses(hub, reported_losses); });
  // A user removed with the CLI loses its sessions and its bus within the check interval
  // (contract §3.6). So does a user removed and created again under the same name: sessions of
  // the old account (another uid) would otherwise stay on the bus the new account uses; all of
  // the name's sessions end and its bus starts empty.
  auth::UserStore& users = *store->users;
  every(scheduler, kRemovedUserCheckInterval, [&sessions, &users, &blocking, &hub] {
    blocking.post([&sessions, &users, &hub] {
      std::set<std::string> removed;
      sessions.end_users_if(
          [&users, &removed](const std::string& user, const std::set<std::string>& accounts) {
            Result<auth::UserRecord> found = Unexpected{make_error(ErrorCode::kIo, "unknown")};
            try {
              found = users.find(user);
            } catch (const auth::StoreUnavailable&) {
              return false;  // unknown while the store is unreachable: checked again next time
            }
            const bool gone = found ? std::any_of(accounts.begin(), accounts.end(),
                                                  [&found](const std::string& account) {
                                                    return account != found->uid;
                                                  })
                                    : found.error().code == ErrorCode::kNotFound;
            if (gone)
              removed.insert(user);
            return gone;
          });
      for (const auto& user : removed)
        hub.drop_user(user);
    });
  });
  every(scheduler, kPurgeInterval, [&auth, &oauth, &blocking] {
    blocking.post([&auth, &oauth] {
      auth.purge_expired();
      oauth.purge_expired();
    });
  });

  server.run([&sessions, &server, &backend] {
    spdlog::info("stopping");
    (*backend)->leave();
    sessions.end_all();
    server.stop();
  });
  sessions.end_all();
  spdlog::info("bus totals: {}", hub.counters().summary());
  return 0;
}

}  // namespace bmcp::app
