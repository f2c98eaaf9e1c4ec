#pragma once

#include "cluster/shared_store.hpp"
#include "console/console_sessions.hpp"
#include "core/clock.hpp"

namespace bmcp::signins {

// The console's sign-ins in the cluster's shared store (docs/cluster.md), so that a browser
// signed in on one node is signed in on all of them and a sign-out anywhere ends it everywhere.
// Each session is a Redis hash under the SHA-256 of its id (the cookie value is stored nowhere)
// that expires at its idle deadline (never later than the absolute one) and is refreshed by
// find(); per-user and total bounds are kept atomically by the bus library's bmcp_console_*
// functions. Deadlines are computed on this node's clock. Every call fails with the store's
// error text while it cannot be reached.
// Thread safety: every method is safe from any thread.
class RedisConsoleSessions final : public console::ConsoleSessions {
 public:
  RedisConsoleSessions(cluster::SharedStore& store, const Clock& clock,
                       console::ConsoleSessionLimits limits);

  const console::ConsoleSessionLimits& limits() const override { return limits_; }
  Result<console::ConsoleSession, std::string> create(console::ConsoleUser user,
                                                      std::string client_address) override;
  Result<std::optional<console::ConsoleSession>, std::string> find(std::string_view id) override;
  Result<bool, std::string> contains(std::string_view id) override;
  Result<bool, std::string> remove(std::string_view id) override;
  Result<std::size_t, std::string> remove_user(std::string_view username) override;
  // Sent without waiting; a later call on this node runs after it (one command connection).
  void set_mcp_session(std::string_view id, std::string mcp_session_id) override;
  Result<std::vector<console::ConsoleSession>, std::string> list() override;

 private:
  Result<std::optional<console::ConsoleSession>, std::string> lookup(std::string_view id,
                                                                     bool touch);
  std::int64_t now_ms() const;

  cluster::SharedStore& store_;
  const Clock& clock_;
  const console::ConsoleSessionLimits limits_;
};

// The key part the store keeps for a session id: its SHA-256, lowercase hex.
std::string session_digest(std::string_view id);

}  // namespace bmcp::signins
