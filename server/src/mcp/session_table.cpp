#include "mcp/session_table.hpp"

#include "mcp/session_ids.hpp"

namespace bmcp::mcp {

SessionTable::SessionTable(const Clock& clock, SessionLimits limits)
    : clock_(clock), limits_(limits) {}

Result<std::shared_ptr<Session>> SessionTable::create(const std::string& user_id,
                                                      const std::string& account_id,
                                                      const std::string& protocol_version) {
  std::lock_guard lock(mutex_);
  auto& count = per_user_[user_id];
  if (count >= limits_.max_sessions_per_user) {
    return Unexpected{make_error(ErrorCode::kResourceExhausted, "Too many MCP sessions")};
  }
  auto session = std::make_shared<Session>(new_session_id(), user_id, protocol_version, clock_,
                                           limits_.stream);
  by_id_[session->id()] = Entry{session, account_id};
  ++count;
  if (directory_)
    directory_->announce(session, account_id);
  return session;
}

std::shared_ptr<Session> SessionTable::find(const std::string& session_id,
                                            const std::string& user_id) {
  {
    std::lock_guard lock(mutex_);
    auto found = by_id_.find(session_id);
    if (found != by_id_.end())
      return found->second.session->user_id() == user_id ? found->second.session : nullptr;
  }
  if (!directory_)
    return nullptr;
  const auto record = directory_->lookup(session_id, user_id);
  return record ? adopt(*record) : nullptr;
}

std::shared_ptr<Session> SessionTable::adopt(const SessionRecord& record) {
  auto session = std::make_shared<Session>(record.id, record.user_id, record.protocol_version,
                                           clock_, limits_.stream);
  session->set_log_level(record.level);
  {
    std::lock_guard lock(mutex_);
    auto [entry, fresh] = by_id_.try_emplace(record.id, Entry{session, record.account_id});
    if (!fresh)  // another request took it over at the same moment
      return entry->second.session->user_id() == record.user_id ? entry->second.session : nullptr;
    ++per_user_[record.user_id];
  }
  directory_->adopted(session);
  return session;
}

void SessionTable::stream_opened(const std::shared_ptr<Session>& session,
                                 std::optional<std::uint64_t> last_event_id) {
  if (directory_)
    directory_->stream_opened(session, last_event_id);
}

void SessionTable::ended_elsewhere(const std::string& session_id, const std::string& user_id) {
  std::shared_ptr<Session> ended;
  {
    std::lock_guard lock(mutex_);
    auto found = by_id_.find(session_id);
    if (found == by_id_.end() || found->second.session->user_id() != user_id)
      return;
    ended = found->second.session;
    by_id_.erase(found);
    if (--per_user_[user_id] == 0)
      per_user_.erase(user_id);
  }
  finish({ended}, SessionEndReason::kDeleted);
}

std::vector<std::shared_ptr<Session>> SessionTable::active(std::chrono::nanoseconds within) const {
  std::vector<std::shared_ptr<Session>> active;
  const auto since = clock_.steady_now() - within;
  std::lock_guard lock(mutex_);
  for (const auto& [id, entry] : by_id_) {
    const auto& session = entry.session;
    if (session->stream().is_attached() || session->last_activity() >= since)
      active.push_back(session);
  }
  return active;
}

bool SessionTable::end(const std::string& session_id, const std::string& user_id,
                       SessionEndReason reason) {
  std::shared_ptr<Session> ended;
  {
    std::lock_guard lock(mutex_);
    auto found = by_id_.find(session_id);
    if (found == by_id_.end() || found->second.session->user_id() != user_id)
      return false;
    ended = found->second.session;
    by_id_.erase(found);
    if (--per_user_[user_id] == 0)
      per_user_.erase(user_id);
  }
  finish({ended}, reason);
  withdraw({ended});
  return true;
}

std::size_t SessionTable::end_idle() {
  std::vector<std::shared_ptr<Session>> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto it = by_id_.begin(); it != by_id_.end();) {
      const auto& session = it->second.session;
      if (session->is_idle(limits_.idle_timeout)) {
        ended.push_back(session);
        if (--per_user_[session->user_id()] == 0)
          per_user_.erase(session->user_id());
        it = by_id_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // In a cluster, a session idle here that another node still uses only leaves this node.
  std::vector<std::shared_ptr<Session>> gone;
  std::vector<std::shared_ptr<Session>> moved;
  for (auto& session : ended) {
    if (directory_ && directory_->in_use_elsewhere(session->id(), session->user_id()))
      moved.push_back(std::move(session));
    else
      gone.push_back(std::move(session));
  }
  leave(moved);
  finish(gone, SessionEndReason::kIdle);
  withdraw(gone);
  return gone.size() + moved.size();
}

std::size_t SessionTable::end_users_if(const UserGone& is_gone) {
  std::map<std::string, std::set<std::string>> accounts_by_user;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : by_id_)
      accounts_by_user[entry.session->user_id()].insert(entry.account_id);
  }
  // The predicate may do I/O (a user store lookup), so it runs outside the lock.
  std::set<std::string> gone;
  for (const auto& [user, accounts] : accounts_by_user) {
    if (is_gone(user, accounts))
      gone.insert(user);
  }
  std::vector<std::shared_ptr<Session>> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto it = by_id_.begin(); it != by_id_.end();) {
      if (gone.contains(it->second.session->user_id())) {
        ended.push_back(it->second.session);
        it = by_id_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& user : gone)
      per_user_.erase(user);
  }
  finish(ended, SessionEndReason::kUserRemoved);
  withdraw(ended);
  return ended.size();
}

void SessionTable::end_all() {
  std::vector<std::shared_ptr<Session>> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : by_id_)
      ended.push_back(entry.session);
    by_id_.clear();
    per_user_.clear();
  }
  // In a cluster the sessions outlive this node: another node takes them over.
  if (directory_)
    leave(ended);
  else
    finish(ended, SessionEndReason::kShutdown);
}

void SessionTable::leave(const std::vector<std::shared_ptr<Session>>& left) {
  for (const auto& session : left) {
    if (session->end() && directory_)
      directory_->dropped(session->id(), session->user_id());
  }
}

void SessionTable::withdraw(const std::vector<std::shared_ptr<Session>>& ended) {
  if (!directory_)
    return;
  for (const auto& session : ended)
    directory_->withdraw(session->id(), session->user_id());
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
