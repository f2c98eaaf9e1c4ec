#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "bridge/http_client.hpp"
#include "core/clock.hpp"
#include "core/json_text.hpp"
#include "core/result.hpp"

namespace bmcp::bridge {

// How the bridge proves who it is: a username and password (logs in, refreshes the token before
// it expires, logs in again when refreshing fails), or a ready access token (used as it is).
struct Credentials {
  std::string username;
  std::string password;
  std::string access_token;
};

// Called with the JSON text of each message the server sends to the client.
using MessageSink = std::function<void(std::string_view json_text)>;

// One MCP session on a running blender-mcp HTTP server, kept alive for a stdio client:
// login and token refresh, `initialize`, forwarding of client messages with the replies
// streamed back, the standalone GET stream with Last-Event-ID resume, and the end of the
// session. When the server no longer knows the session (404), a new one is initialized; what
// was bound to the old one (bus registrations) must be made again by the client.
// Thread safety: forward() may run on many threads at once, next to run_stream() on its own.
class RemoteSession {
 public:
  // Blocks the calling thread for the given time (std::this_thread::sleep_for in the program;
  // tests advance a FakeClock instead, so that the reconnect pauses take no time).
  using Sleep = std::function<void(std::chrono::milliseconds)>;

  // `http` and `clock` must outlive the session. The clock decides when the access token is
  // refreshed and how long the stream waits before reconnecting (in steps of `sleep`).
  RemoteSession(const HttpExchange& http, const Clock& clock, Sleep sleep, Credentials credentials,
                std::string client_version);

  // Logs in (when a password was given) and initializes the MCP session. The result is the
  // server's initialize result. The error names the step that failed.
  Result<json::object, std::string> open();

  // Sends one client message (request, notification or response) and passes every message of
  // the reply (related notifications, then the response) to `sink`. An error means the server
  // could not be reached or refused the message; its text says why.
  Result<void, std::string> forward(const std::string& json_text, const MessageSink& sink,
                                    CallAbort* abort = nullptr);

  // Reads the standalone stream until stop(): every event goes to `sink`; after a failure it
  // reconnects (0.5 s, doubling to 5 s) with the last event id it saw.
  void run_stream(const MessageSink& sink);

  // Ends the stream and deletes the MCP session on the server (best effort).
  void close();

 private:
  struct Auth {
    std::string access_token;
    std::string refresh_token;
    SteadyTime refresh_at;  // when to refresh before the next call
  };

  Result<void, std::string> login();
  // Keeps the tokens of a login or refresh answer; false when it lacks one of them.
  bool store_tokens(const HttpReply& reply);
  Result<void, std::string> refresh();
  Result<void, std::string> ensure_fresh_token();
  // Initializes a new MCP session unless `stale_session` was already replaced.
  Result<json::object, std::string> initialize(const std::string& stale_session);
  HttpCall mcp_call(std::string method, std::string body) const;
  Result<HttpReply, std::string> post_auth(std::string_view endpoint, const json::object& body);

  const HttpExchange& http_;
  const Clock& clock_;
  const Sleep sleep_;
  const Credentials credentials_;
  const std::string client_version_;

  mutable std::mutex mutex_;
  Auth auth_;
  std::string session_id_;
  std::string protocol_version_;
  std::optional<std::string> last_event_id_;
  std::string stream_opened_for_;  // the session a GET stream was last opened for

  std::mutex init_mutex_;  // one initialize at a time; taken before mutex_
  std::atomic<bool> stopping_{false};
  CallAbort stream_abort_;
};

}  // namespace bmcp::bridge
