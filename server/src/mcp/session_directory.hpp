#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/log_level.hpp"

namespace bmcp::mcp {

class Session;

// What any node needs to take over an MCP session another node created.
struct SessionRecord {
  std::string id;
  std::string user_id;
  std::string account_id;
  std::string protocol_version;
  LogLevel level = kDefaultSessionLevel;
};

// Where the nodes of a cluster find each other's MCP sessions (docs/cluster.md): a session is
// announced when it is created, looked up when a request names an id this node does not hold,
// kept alive while any node uses it, and withdrawn when it ends. One node has no directory.
// Thread safety: implementations are safe to call from any thread.
class SessionDirectory {
 public:
  virtual ~SessionDirectory() = default;

  // A session was created on this node (or adopted from another): share it, and keep its level
  // current in the shared record from now on.
  virtual void announce(const std::shared_ptr<Session>& session, const std::string& account_id) = 0;
  // The shared record of a session of `user_id`; nullopt when there is none (another user's
  // id looks exactly like an unknown one), or when the directory cannot be reached.
  virtual std::optional<SessionRecord> lookup(const std::string& session_id,
                                              const std::string& user_id) = 0;
  // This node took over `session` (a request named it): its records come here from now on.
  virtual void adopted(const std::shared_ptr<Session>& session) = 0;
  // The session's standalone stream opened on this node, resuming after `last_event_id`.
  virtual void stream_opened(const std::shared_ptr<Session>& session,
                             std::optional<std::uint64_t> last_event_id) = 0;
  // Whether another node still uses the session (it stays shared while one does).
  virtual bool in_use_elsewhere(const std::string& session_id, const std::string& user_id) = 0;
  // This node dropped its copy of a session that goes on elsewhere.
  virtual void dropped(const std::string& session_id, const std::string& user_id) = 0;
  // The session ended for good: forget it everywhere.
  virtual void withdraw(const std::string& session_id, const std::string& user_id) = 0;
};

}  // namespace bmcp::mcp
