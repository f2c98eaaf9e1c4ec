#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "mcp/session.hpp"

namespace bmcp::mcp {

struct SessionLimits {
  std::size_t max_sessions_per_user = 64;
  std::chrono::seconds idle_timeout{300};
  StandaloneStreamLimits stream;
};

enum class SessionEndReason { kDeleted, kIdle, kUserRemoved, kShutdown };

// Every live MCP session, by id and by user. A session is only ever found together with its
// user: another user's id looks exactly like an unknown one. Each session also remembers the
// account it was created for (`account_id`, the user store's uid), which tells apart two
// accounts that had the same user id one after the other.
// Thread safety: all methods are safe from any thread. End listeners run outside the lock.
class SessionTable {
 public:
  using EndListener = std::function<void(Session&, SessionEndReason)>;
  // Whether a user is gone, given the accounts its live sessions were created for.
  using UserGone =
      std::function<bool(const std::string& user_id, const std::set<std::string>& account_ids)>;

  SessionTable(const Clock& clock, SessionLimits limits);

  // kResourceExhausted when the user already has the maximum number of sessions.
  Result<std::shared_ptr<Session>> create(const std::string& user_id, const std::string& account_id,
                                          const std::string& protocol_version);
  std::shared_ptr<Session> find(const std::string& session_id, const std::string& user_id) const;
  // Ends and removes one session; false if it did not exist for that user.
  bool end(const std::string& session_id, const std::string& user_id, SessionEndReason reason);
  // Ends sessions idle for longer than the limit; returns how many.
  std::size_t end_idle();
  // Ends every session of the users for which `is_gone` returns true; it runs outside the lock.
  std::size_t end_users_if(const UserGone& is_gone);
  void end_all();

  // Called once for every session that ends, whatever the reason.
  void add_end_listener(EndListener listener);

  std::size_t size() const;
  std::size_t count_for(const std::string& user_id) const;
  const SessionLimits& limits() const { return limits_; }

 private:
  struct Entry {
    std::shared_ptr<Session> session;
    std::string account_id;
  };
  void finish(const std::vector<std::shared_ptr<Session>>& ended, SessionEndReason reason);

  const Clock& clock_;
  const SessionLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> by_id_;
  std::map<std::string, std::size_t> per_user_;
  std::vector<EndListener> listeners_;
};

}  // namespace bmcp::mcp
