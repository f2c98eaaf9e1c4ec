#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/json_text.hpp"
#include "core/log_level.hpp"
#include "mcp/caller.hpp"
#include "mcp/request_channel.hpp"
#include "mcp/session.hpp"

namespace bmcp::mcp {

// The `_meta.progressToken` of a request's params when it is a string or an integer (the
// kinds MCP allows); nullopt otherwise.
std::optional<json::value> progress_token_of(const json::value& params);

// One request being handled. Handlers may finish it later from any thread: exactly one of
// respond()/fail() takes effect, and neither does after cancel(). Related messages (logs,
// progress, server-to-client requests) go out before the response on the request's channel.
// Thread safety: every method is safe from any thread.
class RequestContext : public std::enable_shared_from_this<RequestContext> {
 public:
  RequestContext(std::shared_ptr<Session> session, Caller caller, json::value id,
                 std::string method, std::optional<json::value> progress_token,
                 std::shared_ptr<RequestChannel> channel);

  Session& session() { return *session_; }
  const std::shared_ptr<Session>& session_ptr() const { return session_; }
  const Caller& caller() const { return caller_; }
  const json::value& id() const { return id_; }
  const std::string& method() const { return method_; }
  const std::optional<json::value>& progress_token() const { return progress_token_; }

  // A notifications/message for this request; dropped when below the session level.
  void log(LogLevel level, std::string_view logger, json::value data);
  // A notifications/progress for the request's progressToken; no-op without one.
  void progress(double progress, std::optional<double> total, std::optional<std::string> message);
  // Sends a server-to-client request (sampling, elicitation) on this request's stream and
  // calls `on_reply` with the client's answer. Fails at once (ok=false, error.code -32603)
  // when the channel cannot carry it.
  void request_client(std::string_view method, json::object params, ClientReplyHandler on_reply);

  void respond(json::value result);
  void fail(int code, std::string_view message, const json::value* data = nullptr);

  // Runs `hook` if the request is cancelled before it finishes (at most once; at once if it
  // already was). Use it to stop waiting and clean up.
  void on_cancel(std::function<void()> hook);
  // notifications/cancelled or the end of the session: no response will be sent.
  void cancel();
  bool cancelled() const;

 private:
  bool finish(std::string_view json_text);

  const std::shared_ptr<Session> session_;
  const Caller caller_;
  const json::value id_;
  const std::string method_;
  const std::optional<json::value> progress_token_;
  const std::shared_ptr<RequestChannel> channel_;

  mutable std::mutex mutex_;
  bool finished_ = false;
  bool cancelled_ = false;
  std::function<void()> cancel_hook_;
  std::vector<json::value> client_request_ids_;
};

}  // namespace bmcp::mcp
