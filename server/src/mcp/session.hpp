#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/log_level.hpp"
#include "mcp/standalone_stream.hpp"

namespace bmcp::mcp {

class RequestContext;

// Reply to a server-to-client request: the client's `result`, or its `error` object.
struct ClientReply {
  bool ok = false;
  json::value result;
  json::object error;
};
using ClientReplyHandler = std::function<void(ClientReply)>;

// One MCP session: created by `initialize`, bound to one user, spanning many HTTP requests.
// Thread safety: every method is safe from any thread.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::string id, std::string user_id, std::string protocol_version, const Clock& clock,
          StandaloneStreamLimits stream_limits);

  const std::string& id() const { return id_; }
  const std::string& user_id() const { return user_id_; }
  const std::string& protocol_version() const { return protocol_version_; }

  LogLevel log_level() const { return static_cast<LogLevel>(log_level_.load()); }
  // Sets the level and tells the level observer, if there is one.
  void set_log_level(LogLevel level);
  // Calls `observer` with the new level on every set_log_level (one observer; a later call
  // replaces it). It runs on the thread that sets the level, outside the session's lock.
  void observe_level(std::function<void(LogLevel)> observer);

  StandaloneStream& stream() { return stream_; }
  const StandaloneStream& stream() const { return stream_; }

  // Activity: every request counts; a session with requests in flight or an open stream is
  // never idle.
  void touch();
  bool is_idle(std::chrono::nanoseconds idle_limit) const;
  // When the latest request arrived (or the session was created).
  SteadyTime last_activity() const;

  // Requests in flight, for notifications/cancelled and for the end of the session.
  void add_in_flight(const std::string& request_key, std::shared_ptr<RequestContext> context);
  void remove_in_flight(const std::string& request_key);
  std::shared_ptr<RequestContext> find_in_flight(const std::string& request_key) const;

  // Server-to-client requests: allocates an id and remembers who waits for the reply.
  json::value register_client_request(ClientReplyHandler handler);
  // Delivers a client reply; false when no request of that id is waiting.
  bool resolve_client_request(const json::value& id, ClientReply reply);
  // Forgets a server-to-client request (its caller gave up).
  void forget_client_request(const json::value& id);

  // resources/subscribe bookkeeping (notifications/resources/updated go to subscribers).
  void subscribe(const std::string& uri);
  void unsubscribe(const std::string& uri);
  bool is_subscribed(const std::string& uri) const;

  // Ends the session: closes its stream, abandons requests in flight and server requests.
  // Idempotent. Returns true the first time.
  bool end();
  bool ended() const { return ended_.load(); }

 private:
  const std::string id_;
  const std::string user_id_;
  const std::string protocol_version_;
  const Clock& clock_;
  std::atomic<int> log_level_{static_cast<int>(kDefaultSessionLevel)};
  std::atomic<std::int64_t> last_activity_ns_;
  std::atomic<bool> ended_{false};
  StandaloneStream stream_;

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<RequestContext>> in_flight_;
  std::map<std::string, ClientReplyHandler> client_requests_;
  std::uint64_t next_client_request_ = 1;
  std::set<std::string> subscriptions_;
  std::shared_ptr<const std::function<void(LogLevel)>> level_observer_;
};

// A stable map key for a JSON-RPC id (string and integer ids never collide).
std::string request_key(const json::value& id);

}  // namespace bmcp::mcp
