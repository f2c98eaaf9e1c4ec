#include "app/dispatch_metrics.hpp"

#include <string>
#include <vector>

#include "tools/dispatch_table.hpp"

namespace bmcp::app {
namespace {

std::vector<std::string> tool_names() {
  std::vector<std::string> names;
  for (const auto& tool : tools::dispatch_tools())
    names.emplace_back(tool.name);
  return names;
}

// Every status a dispatch envelope can carry (contract §5.2): the peer's terminal ones, the
// timeout, the target errors and the size refusal.
std::vector<std::string> envelope_statuses() {
  return {"completed",        "failed",         "cancelled",      "timeout",         "no_client",
          "ambiguous_target", "unknown_target", "offline_target", "record_too_large"};
}

std::string_view tool_of(std::string_view command) {
  const auto* tool = tools::find_dispatch_tool(command);
  return tool ? tool->name : std::string_view("other");
}

}  // namespace

DispatchMetrics::DispatchMetrics()
    : calls_("blender_mcp_dispatch_calls_total",
             "Dispatch calls that ended with an envelope, by tool and envelope status.",
             {metrics::BoundedLabel("tool", tool_names()),
              metrics::BoundedLabel("status", envelope_statuses())},
             metrics::Series::kMoved),
      durations_("blender_mcp_dispatch_duration_seconds",
                 "Time from a dispatch to its envelope, by tool.",
                 metrics::BoundedLabel("tool", tool_names()), metrics::duration_buckets()) {}

void DispatchMetrics::observe(std::string_view command, std::string_view status,
                              std::chrono::nanoseconds elapsed) {
  const std::string_view tool = tool_of(command);
  calls_.at({tool, status}).add();
  durations_.at(tool).observe(std::chrono::duration<double>(elapsed).count());
}

void DispatchMetrics::render(metrics::ExpositionWriter& writer) const {
  calls_.render(writer);
  durations_.render(writer);
}

}  // namespace bmcp::app
