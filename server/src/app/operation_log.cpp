#include "app/operation_log.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <string>

#include "core/log_fields.hpp"
#include "tools/dispatch_table.hpp"

namespace bmcp::app {
namespace {

std::string_view reason_word(mcp::SessionEndReason reason) {
  switch (reason) {
    case mcp::SessionEndReason::kDeleted:
      return "deleted";
    case mcp::SessionEndReason::kIdle:
      return "idle";
    case mcp::SessionEndReason::kUserRemoved:
      return "user_removed";
    case mcp::SessionEndReason::kShutdown:
      return "shutdown";
  }
  return "deleted";
}

// Seconds, rounded to the millisecond.
double seconds(std::chrono::nanoseconds elapsed) {
  return std::round(std::chrono::duration<double>(elapsed).count() * 1000.0) / 1000.0;
}

}  // namespace

void log_dispatch(const jobs::DispatchOutcome& outcome) {
  const auto* tool = tools::find_dispatch_tool(outcome.command);
  const std::string_view tool_name = tool ? tool->name : outcome.command;
  if (outcome.job_id.empty()) {
    log_with_fields(spdlog::level::info, "dispatch finished",
                    {{"user", outcome.user_id},
                     {"tool", tool_name},
                     {"status", outcome.status},
                     {"duration", seconds(outcome.elapsed)}});
    return;
  }
  log_with_fields(spdlog::level::info, "dispatch finished",
                  {{"user", outcome.user_id},
                   {"tool", tool_name},
                   {"job_id", outcome.job_id},
                   {"status", outcome.status},
                   {"duration", seconds(outcome.elapsed)}});
}

void log_session_end(const mcp::Session& session, mcp::SessionEndReason reason) {
  log_with_fields(
      spdlog::level::info, "session ended",
      {{"user", session.user_id()}, {"session", session.id()}, {"reason", reason_word(reason)}});
}

}  // namespace bmcp::app
