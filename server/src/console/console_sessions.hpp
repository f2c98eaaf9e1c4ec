#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace bmcp::console {

// The account a console session signed in as (from the user store at sign-in).
struct ConsoleUser {
  std::string username;  // also the bus's user id
  std::string uid;       // the account (UserRecord::uid): a re-created name is another account
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  bool is_admin() const;
};

// One signed-in browser. The id is the session cookie's value; the CSRF token must come back
// in X-CSRF-Token on every state-changing request.
struct ConsoleSession {
  std::string id;          // 256 random bits, hex
  std::string csrf_token;  // 256 random bits, hex
  ConsoleUser user;
  std::string client_address;
  double created_at = 0;  // Unix seconds
  double last_seen = 0;   // Unix seconds
  SteadyTime expires{};   // idle deadline; never later than the absolute one
  SteadyTime absolute_expiry{};
  std::string mcp_session_id;  // the MCP session the run box uses, once it was used
};

struct ConsoleSessionLimits {
  std::chrono::seconds idle{8 * 3600};
  std::chrono::seconds absolute{24 * 3600};
  std::size_t max_sessions = 1000;  // the oldest session is signed out beyond it
  std::size_t max_per_user = 16;    // the user's oldest session is signed out beyond it
};

// A new session of `user` (fresh id and CSRF token) created at `created_at` (Unix seconds) and
// `now` (steady), its deadlines from `limits`: what both implementations start from.
ConsoleSession new_console_session(ConsoleUser user, std::string client_address, double created_at,
                                   SteadyTime now, const ConsoleSessionLimits& limits);

// The console's sign-ins (docs/console.md): in this process (MemoryConsoleSessions, one node)
// or in the cluster's shared store (signins::RedisConsoleSessions), where every node sees
// every sign-in. Every call but limits() and set_mcp_session() fails when the sessions live in a
// store that cannot be reached; the error text names the store and why (callers answer 503, never
// "signed out"). Thread safety: every method is safe from any thread.
class ConsoleSessions {
 public:
  virtual ~ConsoleSessions() = default;

  virtual const ConsoleSessionLimits& limits() const = 0;
  // A new session for `user`, signing out the oldest ones beyond the bounds.
  virtual Result<ConsoleSession, std::string> create(ConsoleUser user,
                                                     std::string client_address) = 0;
  // The live session of that id, its idle deadline moved on; nullopt when unknown or expired.
  virtual Result<std::optional<ConsoleSession>, std::string> find(std::string_view id) = 0;
  // Whether a live session has that id; unlike find(), its idle deadline stays.
  virtual Result<bool, std::string> contains(std::string_view id) = 0;
  // Signs the session out; false when there was none.
  virtual Result<bool, std::string> remove(std::string_view id) = 0;
  // Signs out every session of `username`; returns how many there were.
  virtual Result<std::size_t, std::string> remove_user(std::string_view username) = 0;
  // Records the MCP session the run box of session `id` uses (nothing when `id` is gone).
  // Never waits for a remote store: the run box calls it from whichever thread finished the
  // tool call, which may be the store's own. A failure is logged; the next run then opens
  // another MCP session.
  virtual void set_mcp_session(std::string_view id, std::string mcp_session_id) = 0;
  // Live sessions, oldest first. A store that keeps only digests of the ids (the shared one)
  // leaves ConsoleSession::id empty here.
  virtual Result<std::vector<ConsoleSession>, std::string> list() = 0;
};

}  // namespace bmcp::console
