#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "mcp/session.hpp"
#include "mcp/session_directory.hpp"

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

  // Cluster mode: sessions are shared through `directory` (set before serving). Then find()
  // takes over a session another node created; a session that ends for good is withdrawn
  // everywhere; an idle one that another node still uses, and every session at shutdown, only
  // leaves this node (no end listener runs: the session goes on elsewhere).
  void set_directory(SessionDirectory* directory) { directory_ = directory; }

  // kResourceExhausted when the user already has the maximum number of sessions.
  Result<std::shared_ptr<Session>> create(const std::string& user_id, const std::string& account_id,
                                          const std::string& protocol_version);
  // The session, taken over from the directory when this node does not hold it.
  std::shared_ptr<Session> find(const std::string& session_id, const std::string& user_id);
  // Its standalone stream opened on this node (tells the directory, in cluster mode).
  void stream_opened(const std::shared_ptr<Session>& session,
                     std::optional<std::uint64_t> last_event_id);
  // Another node ended the session: this node's copy ends too (end listeners run).
  void ended_elsewhere(const std::string& session_id, const std::string& user_id);
  // Sessions with a request in the last `within` or an open stream (those that keep the
  // directory's records alive).
  std::vector<std::shared_ptr<Session>> active(std::chrono::nanoseconds within) const;
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
  // Ends this node's copies without end listeners (the sessions go on elsewhere).
  void leave(const std::vector<std::shared_ptr<Session>>& left);
  void withdraw(const std::vector<std::shared_ptr<Session>>& ended);
  std::shared_ptr<Session> adopt(const SessionRecord& record);

  const Clock& clock_;
  const SessionLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> by_id_;
  std::map<std::string, std::size_t> per_user_;
  std::vector<EndListener> listeners_;
  SessionDirectory* directory_ = nullptr;
};

}  // namespace bmcp::mcp
