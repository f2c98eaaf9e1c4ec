#pragma once

#include <map>
#include <mutex>

#include "console/console_sessions.hpp"

namespace bmcp::console {

// The console's sign-ins in this process (one node; a cluster shares them in its store). No
// call fails.
// Thread safety: every method is safe from any thread.
class MemoryConsoleSessions final : public ConsoleSessions {
 public:
  MemoryConsoleSessions(const Clock& clock, ConsoleSessionLimits limits);

  const ConsoleSessionLimits& limits() const override { return limits_; }
  Result<ConsoleSession, std::string> create(ConsoleUser user, std::string client_address) override;
  Result<std::optional<ConsoleSession>, std::string> find(std::string_view id) override;
  Result<bool, std::string> contains(std::string_view id) override;
  Result<bool, std::string> remove(std::string_view id) override;
  Result<std::size_t, std::string> remove_user(std::string_view username) override;
  void set_mcp_session(std::string_view id, std::string mcp_session_id) override;
  Result<std::vector<ConsoleSession>, std::string> list() override;

 private:
  void expire_locked(SteadyTime now);
  void erase_oldest_locked(std::optional<std::string_view> username);

  const Clock& clock_;
  const ConsoleSessionLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, ConsoleSession, std::less<>> sessions_;
};

}  // namespace bmcp::console
