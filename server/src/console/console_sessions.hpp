#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

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

// The console's sign-ins, in this process only (a cluster node signs in its own browsers).
// Thread safety: every method is safe from any thread.
class ConsoleSessions {
 public:
  ConsoleSessions(const Clock& clock, ConsoleSessionLimits limits);

  const ConsoleSessionLimits& limits() const { return limits_; }
  // A new session for `user`, signing out the oldest ones beyond the bounds.
  ConsoleSession create(ConsoleUser user, std::string client_address);
  // The live session of that id, its idle deadline moved on; nullopt when unknown or expired.
  std::optional<ConsoleSession> find(std::string_view id);
  // Whether a live session has that id; unlike find(), its idle deadline stays.
  bool contains(std::string_view id);
  // Signs the session out; false when there was none.
  bool remove(std::string_view id);
  // Signs out every session of `username`; returns how many there were.
  std::size_t remove_user(std::string_view username);
  // Records the MCP session the run box of session `id` uses.
  void set_mcp_session(std::string_view id, std::string mcp_session_id);
  // Live sessions, oldest first.
  std::vector<ConsoleSession> list();

 private:
  void expire_locked(SteadyTime now);
  void erase_oldest_locked(std::optional<std::string_view> username);

  const Clock& clock_;
  const ConsoleSessionLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, ConsoleSession, std::less<>> sessions_;
};

}  // namespace bmcp::console
