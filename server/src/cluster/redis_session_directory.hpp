#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bus/endpoint.hpp"
#include "cluster/redis_bus.hpp"
#include "cluster/shared_store.hpp"
#include "mcp/session.hpp"
#include "mcp/session_directory.hpp"

namespace bmcp::cluster {

// The session directory of a cluster: one record per MCP session (bmcp:{<user>}:m:<session>:
// account, protocol version, level, the node that used it last), expiring after the idle
// timeout unless a node that uses the session refreshes it (touch(), every second). A node
// that is asked for a session it does not hold takes it over from here; the node where its
// GET stream opens serves its bus records (RedisBus::serve_stream), resuming at the client's
// Last-Event-ID; a session that ends for good is withdrawn and every node drops its copy
// (pub/sub bmcp:session-ended). Level changes are shared at once.
// Thread safety: all methods are safe from any thread.
class RedisSessionDirectory final : public mcp::SessionDirectory {
 public:
  // Makes the bus endpoint of a session this node serves (the tools layer's SessionEndpoint).
  using EndpointFactory =
      std::function<std::shared_ptr<bus::Endpoint>(const std::shared_ptr<mcp::Session>&)>;
  // A session another node ended: the server ends this node's copy.
  using EndedElsewhere =
      std::function<void(const std::string& session_id, const std::string& user_id)>;

  RedisSessionDirectory(SharedStore& store, RedisBus& bus, std::string node_id,
                        EndpointFactory endpoints, std::chrono::seconds idle_timeout);

  // Subscribes to the sessions other nodes end.
  void start(EndedElsewhere ended_elsewhere);

  void announce(const std::shared_ptr<mcp::Session>& session,
                const std::string& account_id) override;
  std::optional<mcp::SessionRecord> lookup(const std::string& session_id,
                                           const std::string& user_id) override;
  void adopted(const std::shared_ptr<mcp::Session>& session) override;
  void stream_opened(const std::shared_ptr<mcp::Session>& session,
                     std::optional<std::uint64_t> last_event_id) override;
  bool in_use_elsewhere(const std::string& session_id, const std::string& user_id) override;
  void dropped(const std::string& session_id, const std::string& user_id) override;
  void withdraw(const std::string& session_id, const std::string& user_id) override;

  // Keeps the records of `sessions` (used on this node lately) alive.
  void touch(const std::vector<std::shared_ptr<mcp::Session>>& sessions);

 private:
  void share_level(const std::shared_ptr<mcp::Session>& session);

  SharedStore& store_;
  RedisBus& bus_;
  const std::string node_id_;
  const EndpointFactory endpoints_;
  const std::chrono::seconds idle_timeout_;
};

}  // namespace bmcp::cluster
