#include "console/memory_console_sessions.hpp"

#include <algorithm>

namespace bmcp::console {

MemoryConsoleSessions::MemoryConsoleSessions(const Clock& clock, ConsoleSessionLimits limits)
    : clock_(clock), limits_(limits) {}

Result<ConsoleSession, std::string> MemoryConsoleSessions::create(ConsoleUser user,
                                                                  std::string client_address) {
  const auto now = clock_.steady_now();
  auto session = new_console_session(std::move(user), std::move(client_address),
                                     clock_.unix_seconds(), now, limits_);
  std::lock_guard lock(mutex_);
  expire_locked(now);
  const auto& name = session.user.username;
  const auto of_user =
      std::count_if(sessions_.begin(), sessions_.end(),
                    [&name](const auto& entry) { return entry.second.user.username == name; });
  if (static_cast<std::size_t>(of_user) >= limits_.max_per_user)
    erase_oldest_locked(name);
  if (sessions_.size() >= limits_.max_sessions)
    erase_oldest_locked(std::nullopt);
  sessions_.emplace(session.id, session);
  return session;
}

Result<std::optional<ConsoleSession>, std::string> MemoryConsoleSessions::find(
    std::string_view id) {
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  expire_locked(now);
  const auto found = sessions_.find(id);
  if (found == sessions_.end())
    return std::optional<ConsoleSession>();
  auto& session = found->second;
  session.last_seen = clock_.unix_seconds();
  session.expires = std::min(now + limits_.idle, session.absolute_expiry);
  return std::optional<ConsoleSession>(session);
}

Result<bool, std::string> MemoryConsoleSessions::contains(std::string_view id) {
  std::lock_guard lock(mutex_);
  expire_locked(clock_.steady_now());
  return sessions_.find(id) != sessions_.end();
}

Result<bool, std::string> MemoryConsoleSessions::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(id);
  if (found == sessions_.end())
    return false;
  sessions_.erase(found);
  return true;
}

Result<std::size_t, std::string> MemoryConsoleSessions::remove_user(std::string_view username) {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::erase_if(
      sessions_, [username](const auto& entry) { return entry.second.user.username == username; }));
}

void MemoryConsoleSessions::set_mcp_session(std::string_view id, std::string mcp_session_id) {
  std::lock_guard lock(mutex_);
  if (const auto found = sessions_.find(id); found != sessions_.end())
    found->second.mcp_session_id = std::move(mcp_session_id);
}

Result<std::vector<ConsoleSession>, std::string> MemoryConsoleSessions::list() {
  std::lock_guard lock(mutex_);
  expire_locked(clock_.steady_now());
  std::vector<ConsoleSession> out;
  for (const auto& [id, session] : sessions_)
    out.push_back(session);
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

void MemoryConsoleSessions::expire_locked(SteadyTime now) {
  std::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires <= now; });
}

void MemoryConsoleSessions::erase_oldest_locked(std::optional<std::string_view> username) {
  auto oldest = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (username && it->second.user.username != *username)
      continue;
    if (oldest == sessions_.end() || it->second.created_at < oldest->second.created_at)
      oldest = it;
  }
  if (oldest != sessions_.end())
    sessions_.erase(oldest);
}

}  // namespace bmcp::console
