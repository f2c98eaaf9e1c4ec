#pragma once

#include <functional>
#include <string>

#include "console/console_sessions.hpp"
#include "core/json_text.hpp"
#include "mcp/engine.hpp"
#include "mcp/session_table.hpp"

namespace bmcp::console {

// Calls MCP tools for a signed-in console user exactly as an MCP client's tools/call would run:
// through the engine (argument validation, the tool's own checks, the dispatcher), with the
// user as the caller, on an MCP session of the user's own that the console opens on first use
// and reuses while it lives.
// Thread safety: every method is safe from any thread.
class ToolRunner {
 public:
  // `session_id` is the MCP session in use (it may differ from the one asked for, which had
  // ended); `response` the JSON-RPC response ({"result": ...} or {"error": ...}).
  using Done = std::function<void(std::string session_id, json::value response)>;

  // Both must outlive the runner.
  ToolRunner(const mcp::Engine& engine, mcp::SessionTable& sessions);

  // Calls `tool` with `arguments` as `user` on MCP session `session_id` (a new one when it is
  // empty or gone). `done` runs once, maybe later and on another thread; a session that
  // cannot be opened (too many) answers {"error": {...}} at once.
  void call(const ConsoleUser& user, const std::string& session_id, const std::string& tool,
            json::object arguments, Done done);
  // Ends the console's MCP session (sign-out); nothing when it is empty or gone.
  void end_session(const ConsoleUser& user, const std::string& session_id);

 private:
  const mcp::Engine& engine_;
  mcp::SessionTable& sessions_;
};

}  // namespace bmcp::console
