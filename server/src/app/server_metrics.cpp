#include "app/server_metrics.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "host/descriptor_limit.hpp"
#include "host/process_usage.hpp"
#include "metrics/families.hpp"

namespace bmcp::app {
namespace {

using metrics::ExpositionWriter;
using metrics::MetricType;

// Client types with a series of their own; every other type counts as `other`, so a client
// that registers with a made-up type cannot add series.
const metrics::BoundedLabel& client_type_label() {
  static const metrics::BoundedLabel label("client_type", {"blender", "llm"});
  return label;
}

void write_build_info(ExpositionWriter& writer, const std::string& version) {
  writer.family("blender_mcp_build_info", MetricType::kGauge,
                "Always 1; the version label is the server's version.");
  writer.sample("blender_mcp_build_info", {{"version", version}}, std::uint64_t{1});
}

void write_clients(ExpositionWriter& writer, const bus::BusService& hub) {
  const auto& types = client_type_label();
  std::vector<std::array<std::uint64_t, 2>> counts(types.size());  // [offline, online]
  for (const auto& client : hub.client_states())
    ++counts[types.index_of(client.client_type)][client.online ? 1 : 0];
  writer.family("blender_mcp_clients", MetricType::kGauge,
                "Clients registered on all buses, by client type and state.");
  for (std::size_t i = 0; i < types.size(); ++i) {
    for (const auto state : {0, 1}) {
      writer.sample("blender_mcp_clients",
                    {{"client_type", types.value_at(i)}, {"state", state ? "online" : "offline"}},
                    counts[i][static_cast<std::size_t>(state)]);
    }
  }
}

void write_bus(ExpositionWriter& writer, const bus::BusCounters& bus) {
  writer.single("blender_mcp_bus_records_routed_total", MetricType::kCounter,
                "Bus records accepted for routing (sends not refused).", bus.routed.load());
  writer.single("blender_mcp_bus_records_delivered_total", MetricType::kCounter,
                "Bus records handed to a recipient session's event stream.", bus.delivered.load());
  writer.single("blender_mcp_bus_records_held_total", MetricType::kCounter,
                "Bus records held for an offline persistent client.", bus.held.load());
  writer.family("blender_mcp_bus_records_dropped_total", MetricType::kCounter,
                "Bus records not delivered or not kept, by reason.");
  const std::pair<const char*, std::uint64_t> reasons[] = {
      {"filtered_by_level", bus.filtered_by_level.load()},
      {"hold_overflow", bus.hold_overflow.load()},
      {"hold_expired", bus.hold_expired.load()},
      {"stream_overflow", bus.stream_overflow.load()},
      {"user_budget", bus.budget_dropped.load()},
      {"record_too_large", bus.record_too_large.load()},
  };
  for (const auto& [reason, value] : reasons)
    writer.sample("blender_mcp_bus_records_dropped_total", {{"reason", reason}}, value);
  writer.family("blender_mcp_bus_pending_jobs_dropped_total", MetricType::kCounter,
                "Pending bus jobs forgotten before their terminal reply, by reason.");
  writer.sample("blender_mcp_bus_pending_jobs_dropped_total", {{"reason", "evicted"}},
                bus.pending_jobs_evicted.load());
  writer.sample("blender_mcp_bus_pending_jobs_dropped_total", {{"reason", "expired"}},
                bus.pending_jobs_expired.load());
}

// The refusals each action can end with; any other that moved is written too.
const std::map<auth::AuthAction, std::vector<auth::AuthOutcome>>& expected_failures() {
  using auth::AuthAction;
  using auth::AuthOutcome;
  static const std::map<AuthAction, std::vector<AuthOutcome>> table = {
      {AuthAction::kLogin,
       {AuthOutcome::kBadRequest, AuthOutcome::kInvalidCredentials, AuthOutcome::kRateLimited,
        AuthOutcome::kStoreUnavailable}},
      {AuthAction::kRefresh,
       {AuthOutcome::kInvalidToken, AuthOutcome::kTokenExpired, AuthOutcome::kWrongTokenType,
        AuthOutcome::kInvalidRefreshToken, AuthOutcome::kUserNotFound,
        AuthOutcome::kStoreUnavailable}},
      {AuthAction::kLogout, {AuthOutcome::kStoreUnavailable}},
      {AuthAction::kAccess,
       {AuthOutcome::kInvalidToken, AuthOutcome::kTokenExpired, AuthOutcome::kWrongTokenType,
        AuthOutcome::kUserNotFound, AuthOutcome::kStoreUnavailable}},
  };
  return table;
}

void write_auth(ExpositionWriter& writer, const auth::AuthCounters& counters) {
  writer.family("blender_mcp_auth_successes_total", MetricType::kCounter,
                "Logins, refreshes, logouts and access-token checks that succeeded.");
  for (std::size_t a = 0; a < auth::kAuthActionCount; ++a) {
    const auto action = static_cast<auth::AuthAction>(a);
    writer.sample("blender_mcp_auth_successes_total", {{"action", auth::action_word(action)}},
                  counters.value(action, auth::AuthOutcome::kSuccess));
  }
  writer.family("blender_mcp_auth_failures_total", MetricType::kCounter,
                "Logins, refreshes, logouts and access-token checks that were refused, by "
                "reason.");
  for (std::size_t a = 0; a < auth::kAuthActionCount; ++a) {
    const auto action = static_cast<auth::AuthAction>(a);
    const auto& expected = expected_failures().at(action);
    for (std::size_t o = 1; o < auth::kAuthOutcomeCount; ++o) {
      const auto outcome = static_cast<auth::AuthOutcome>(o);
      const auto value = counters.value(action, outcome);
      if (value == 0 && std::find(expected.begin(), expected.end(), outcome) == expected.end())
        continue;
      writer.sample(
          "blender_mcp_auth_failures_total",
          {{"action", auth::action_word(action)}, {"reason", auth::outcome_word(outcome)}}, value);
    }
  }
}

void write_http(ExpositionWriter& writer, const http::ServerStats& stats) {
  writer.family("blender_mcp_http_responses_total", MetricType::kCounter,
                "HTTP responses the main listener started, by status code.");
  for (int code = http::ServerStats::kLowestStatus; code <= http::ServerStats::kHighestStatus;
       ++code) {
    if (const auto value = stats.responses(code))
      writer.sample("blender_mcp_http_responses_total", {{"code", std::to_string(code)}}, value);
  }
  writer.single("blender_mcp_open_event_streams", MetricType::kGauge,
                "Server-sent event streams open now (standalone GET streams and streamed POST "
                "responses).",
                stats.open_streams());
}

void write_process(ExpositionWriter& writer) {
  if (const auto bytes = host::resident_memory_bytes()) {
    writer.single("blender_mcp_process_resident_memory_bytes", MetricType::kGauge,
                  "Resident set size of the server process.", *bytes);
  }
  if (const auto descriptors = host::open_descriptors()) {
    writer.single("blender_mcp_process_open_fds", MetricType::kGauge,
                  "File descriptors the server process holds open.", *descriptors);
  }
  writer.single("blender_mcp_process_max_fds", MetricType::kGauge,
                "The server process's descriptor limit (soft RLIMIT_NOFILE).",
                host::open_files_limit());
}

}  // namespace

void add_server_collectors(metrics::Registry& registry, const MetricSources& sources) {
  registry.add(
      [version = sources.version](ExpositionWriter& writer) { write_build_info(writer, version); });
  registry.add([&sessions = sources.sessions](ExpositionWriter& writer) {
    writer.single("blender_mcp_sessions", MetricType::kGauge, "MCP sessions open now.",
                  sessions.size());
  });
  registry.add([&hub = sources.hub](ExpositionWriter& writer) {
    write_clients(writer, hub);
    write_bus(writer, hub.counters());
  });
  registry.add(
      [&dispatch = sources.dispatch](ExpositionWriter& writer) { dispatch.render(writer); });
  registry.add([&jobs = sources.jobs](ExpositionWriter& writer) {
    // Absent while a cluster's store cannot be reached.
    if (const auto size = jobs.size()) {
      writer.single("blender_mcp_jobs", MetricType::kGauge,
                    "Jobs kept in the job store now, running or settled, of every user.", *size);
    }
  });
  registry.add([&auth = sources.auth](ExpositionWriter& writer) { write_auth(writer, auth); });
  registry.add([&http = sources.http](ExpositionWriter& writer) { write_http(writer, http); });
  registry.add(write_process);
}

void add_console_relay_collector(metrics::Registry& registry,
                                 const feedrelay::ConsoleRelay& relay) {
  registry.add([&relay](ExpositionWriter& writer) {
    const auto counts = relay.counts();
    writer.family("blender_mcp_console_relay_events_total", MetricType::kCounter,
                  "Console events relayed between the nodes of a cluster, by outcome.");
    const std::pair<const char*, std::uint64_t> outcomes[] = {
        {"published", counts.published}, {"shown", counts.shown}, {"ignored", counts.ignored}};
    for (const auto& [outcome, count] : outcomes)
      writer.sample("blender_mcp_console_relay_events_total", {{"outcome", outcome}}, count);
    writer.family("blender_mcp_console_relay_messages_total", MetricType::kCounter,
                  "Messages this node's published console events went out in (batched).");
    writer.sample("blender_mcp_console_relay_messages_total", {}, counts.batches);
  });
}

}  // namespace bmcp::app
