#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bridge/server_url.hpp"
#include "bridge/sse_parser.hpp"
#include "core/result.hpp"

namespace bmcp::bridge {

struct HttpCall {
  std::string method;  // GET, POST or DELETE
  std::string target;  // path, e.g. /mcp
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as application/json when not empty
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string, std::less<>> headers;  // names in lower case
  std::string body;  // empty for text/event-stream replies: their events went to on_event

  const std::string* header(std::string_view lower_case_name) const;
  bool is_event_stream() const;
};

// Lets another thread end a call that is blocked reading (a long-lived event stream, or a
// dispatch waiting minutes for Blender). Thread safety: every method is safe from any thread.
class CallAbort {
 public:
  // Ends the current call (if any) and every later one.
  void abort();
  bool aborted() const;

  // Used by HttpClient: registers the socket of the call in progress (-1 when none).
  bool attach(int socket_fd);
  void detach();

 private:
  mutable std::mutex mutex_;
  int socket_fd_ = -1;
  bool aborted_ = false;
};

// The requests the bridge makes to one server (login, refresh, MCP POST, the GET stream,
// DELETE), each a single exchange. HttpClient is the real one; unit tests script a server in
// memory. `on_event` receives the events of a text/event-stream reply as they arrive; `abort`
// (optional) lets another thread end a call that is blocked reading.
// Thread safety: send() may run on many threads at once.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual Result<HttpReply, std::string> send(const HttpCall& call,
                                              const std::function<void(SseEvent)>& on_event = {},
                                              CallAbort* abort = nullptr) const = 0;
  virtual const ServerUrl& url() const = 0;
};

// A blocking HTTP/1.1 client for one server: one connection per call, so that calls on
// different threads never share state. Replies with Content-Type text/event-stream are read as
// they arrive and each event goes to `on_event`; other bodies are read whole (64 MiB at most).
// The error text names the server and what failed (connect, write, read).
class HttpClient final : public HttpExchange {
 public:
  explicit HttpClient(ServerUrl url) : url_(std::move(url)) {}

  Result<HttpReply, std::string> send(const HttpCall& call,
                                      const std::function<void(SseEvent)>& on_event = {},
                                      CallAbort* abort = nullptr) const override;

  const ServerUrl& url() const override { return url_; }

 private:
  ServerUrl url_;
};

}  // namespace bmcp::bridge
