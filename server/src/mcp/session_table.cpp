#include "mcp/session_table.hpp"

#include <algorithm>

#include "core/random.hpp"

namespace bmcp::mcp {

SessionTable::SessionTable(const Clock& clock, SessionLimits limits)
    : clock_(clock), limits_(limits) {}

Result<std::shared_ptr<Session>> SessionTable::create(const std::string& user_id,
                                                      const std::string& protocol_version) {
  std::lock_guard lock(mutex_);
  auto& count = per_user_[user_id];
  if (count >= limits_.max_sessions_per_user) {
    return Unexpected{make_error(ErrorCode::kResourceExhausted, "Too many MCP sessions")};
  }
  auto session =
      std::make_shared<Session>(random_hex(16), user_id, protocol_version, clock_, limits_.stream);
  by_id_[session->id()] = session;
  ++count;
  return session;
}

std::shared_ptr<Session> SessionTable::find(const std::string& session_id,
                                            const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  auto found = by_id_.find(session_id);
  if (found == by_id_.end() || found->second->user_id() != user_id)
    return nullptr;
  return found->second;
}

bool SessionTable::end(const std::string& session_id, const std::string& user_id,
                       SessionEndReason reason) {
  std::shared_ptr<Session> ended;
  {
    std::lock_guard lock(mutex_);
    auto found = by_id_.find(session_id);
    if (found == by_id_.end() || found->second->user_id() != user_id)
      return false;
    ended = found->second;
    by_id_.erase(found);
    if (--per_user_[user_id] == 0)
      per_user_.erase(user_id);
  }
  finish({ended}, reason);
  return true;
}

std::size_t SessionTable::end_idle() {
  std::vector<std::shared_ptr<Session>> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto it = by_id_.begin(); it != by_id_.end();) {
      if (it->second->is_idle(limits_.idle_timeout)) {
        ended.push_back(it->second);
        if (--per_user_[it->second->user_id()] == 0)
          per_user_.erase(it->second->user_id());
        it = by_id_.erase(it);
      } else {
        ++it;
      }
    }
  }
  finish(ended, SessionEndReason::kIdle);
  return ended.size();
}

std::size_t SessionTable::end_users_if(
    const std::function<bool(const std::string& user_id)>& is_gone) {
  std::vector<std::string> users;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [user, count] : per_user_)
      users.push_back(user);
  }
  // The predicate may do I/O (a user store lookup), so it runs outside the lock.
  std::vector<std::string> gone;
  for (const auto& user : users) {
    if (is_gone(user))
      gone.push_back(user);
  }
  std::vector<std::shared_ptr<Session>> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto it = by_id_.begin(); it != by_id_.end();) {
      if (std::find(gone.begin(), gone.end(), it->second->user_id()) != gone.end()) {
        ended.push_back(it->second);
        it = by_id_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& user : gone)
      per_user_.erase(user);
  }
  finish(ended, SessionEndReason::kUserRemoved);
  return ended.size();
}

void SessionTable::end_all() {
  std::vector<std::shared_ptr<Session>> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, session] : by_id_)
      ended.push_back(session);
    by_id_.clear();
    per_user_.clear();
  }
  finish(ended, SessionEndReason::kShutdown);
}

void SessionTable::add_end_listener(EndListener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

std::size_t SessionTable::size() const {
  std::lock_guard lock(mutex_);
  return by_id_.size();
}

std::size_t SessionTable::count_for(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  auto found = per_user_.find(user_id);
  return found == per_user_.end() ? 0 : found->second;
}

void SessionTable::finish(const std::vector<std::shared_ptr<Session>>& ended,
                          SessionEndReason reason) {
  std::vector<EndListener> listeners;
  {
    std::lock_guard lock(mutex_);
    listeners = listeners_;
  }
  for (const auto& session : ended) {
    if (!session->end())
      continue;
    for (const auto& listener : listeners)
      listener(*session, reason);
  }
}

}  // namespace bmcp::mcp
