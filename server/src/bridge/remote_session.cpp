#include "bridge/remote_session.hpp"

#include <spdlog/spdlog.h>

#include "jsonrpc/message.hpp"
#include "mcp/protocol_version.hpp"
#include "mcp/session_ids.hpp"

namespace bmcp::bridge {
namespace {

// Refresh this long before the access token expires (contract §9.5 uses the same margin), or
// half way through the token's lifetime when that is shorter, so that short-lived tokens are
// not refreshed on every call.
constexpr auto kRefreshMargin = std::chrono::seconds(60);
constexpr auto kFirstRetry = std::chrono::milliseconds(500);
constexpr auto kLongestRetry = std::chrono::seconds(5);

// A short description of a failed reply: status and the start of its body.
std::string describe(const HttpReply& reply) {
  std::string text = "HTTP " + std::to_string(reply.status);
  if (auto parsed = parse_json(reply.body); parsed && parsed->is_object()) {
    const auto& object = parsed->as_object();
    if (const auto* detail = find_string(object, "detail"))
      return text + ": " + std::string(*detail);
    if (const auto* error = object.if_contains("error"); error && error->is_object()) {
      if (const auto* message = find_string(error->as_object(), "message"))
        return text + ": " + std::string(*message);
    }
  }
  if (!reply.body.empty())
    text += ": " + reply.body.substr(0, 200);
  return text;
}

bool is_success(int status) {
  return status >= 200 && status < 300;
}

}  // namespace

RemoteSession::RemoteSession(const HttpExchange& http, const Clock& clock, Sleep sleep,
                             Credentials credentials, std::string client_version)
    : http_(http),
      clock_(clock),
      sleep_(std::move(sleep)),
      credentials_(std::move(credentials)),
      client_version_(std::move(client_version)) {
  if (!credentials_.access_token.empty()) {
    auth_.access_token = credentials_.access_token;
    auth_.refresh_at = SteadyTime::max();
  }
}

Result<json::object, std::string> RemoteSession::open() {
  if (credentials_.access_token.empty()) {
    if (auto ok = login(); !ok)
      return Unexpected{ok.error()};
  }
  return initialize("");
}

Result<HttpReply, std::string> RemoteSession::post_auth(std::string_view endpoint,
                                                        const json::object& body) {
  HttpCall call{"POST", http_.url().path(endpoint), {}, to_json_text(body)};
  return http_.send(call);
}

bool RemoteSession::store_tokens(const HttpReply& reply) {
  auto parsed = parse_json(reply.body);
  const auto* object = parsed && parsed->is_object() ? &parsed->as_object() : nullptr;
  const auto* access = object ? find_string(*object, "access_token") : nullptr;
  const auto* refresh_token = object ? find_string(*object, "refresh_token") : nullptr;
  const auto* expires_in = object ? object->if_contains("expires_in") : nullptr;
  if (!access || !refresh_token || !expires_in || !expires_in->is_number())
    return false;
  std::lock_guard lock(mutex_);
  auth_.access_token = std::string(*access);
  auth_.refresh_token = std::string(*refresh_token);
  const auto lifetime =
      std::chrono::seconds(static_cast<std::int64_t>(expires_in->to_number<double>()));
  auth_.refresh_at =
      clock_.steady_now() + lifetime - std::min<std::chrono::seconds>(kRefreshMargin, lifetime / 2);
  return true;
}

Result<void, std::string> RemoteSession::login() {
  auto reply = post_auth("/auth/login", json::object{{"username", credentials_.username},
                                                     {"password", credentials_.password}});
  if (!reply)
    return Unexpected{reply.error()};
  if (reply->status != 200)
    return Unexpected{"login as '" + credentials_.username + "' failed: " + describe(*reply)};
  if (!store_tokens(*reply))
    return Unexpected{
        std::string("login answered without access_token, refresh_token and "
                    "expires_in")};
  return {};
}

Result<void, std::string> RemoteSession::refresh() {
  std::string refresh_token;
  {
    std::lock_guard lock(mutex_);
    refresh_token = auth_.refresh_token;
  }
  if (!refresh_token.empty()) {
    auto reply = post_auth("/auth/refresh", json::object{{"refresh_token", refresh_token}});
    if (reply && reply->status == 200 && store_tokens(*reply)) {
      spdlog::info("access token refreshed");
      return {};
    }
    spdlog::info("token refresh failed; logging in again");
  }
  return login();
}

Result<void, std::string> RemoteSession::ensure_fresh_token() {
  if (!credentials_.access_token.empty())
    return {};
  {
    std::lock_guard lock(mutex_);
    if (clock_.steady_now() < auth_.refresh_at)
      return {};
  }
  std::lock_guard init(init_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (clock_.steady_now() < auth_.refresh_at)
      return {};  // another thread refreshed it meanwhile
  }
  return refresh();
}

HttpCall RemoteSession::mcp_call(std::string method, std::string body) const {
  std::lock_guard lock(mutex_);
  HttpCall call{std::move(method), http_.url().path("/mcp"), {}, std::move(body)};
  call.headers.emplace_back("Authorization", "Bearer " + auth_.access_token);
  call.headers.emplace_back(
      "Accept", call.method == "GET" ? "text/event-stream" : "application/json, text/event-stream");
  if (!session_id_.empty()) {
    call.headers.emplace_back("Mcp-Session-Id", session_id_);
    call.headers.emplace_back("MCP-Protocol-Version", protocol_version_);
  }
  if (call.method == "GET" && last_event_id_)
    call.headers.emplace_back("Last-Event-ID", *last_event_id_);
  return call;
}

Result<json::object, std::string> RemoteSession::initialize(const std::string& stale_session) {
  std::lock_guard init(init_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (session_id_ != stale_session)
      return json::object{};  // already replaced by another thread
    session_id_.clear();
    last_event_id_.reset();
  }
  const json::object params{{"protocolVersion", std::string(mcp::kLatestVersion)},
                            {"capabilities", json::object{}},
                            {"clientInfo", json::object{{"name", "blender-mcp-stdio-bridge"},
                                                        {"version", client_version_}}}};
  auto call = mcp_call("POST", to_json_text(jsonrpc::make_request(0, "initialize", params)));
  std::optional<json::value> response;
  auto reply = http_.send(call, [&](SseEvent event) {
    if (auto parsed = parse_json(event.data);
        parsed && parsed->is_object() && parsed->as_object().contains("id"))
      response = std::move(*parsed);
  });
  if (!reply)
    return Unexpected{reply.error()};
  if (reply->status != 200)
    return Unexpected{"initialize was refused: " + describe(*reply)};
  if (!reply->is_event_stream())
    response = parse_json(reply->body).value_or(json::value{});
  const auto* session = reply->header("mcp-session-id");
  const auto* result =
      response && response->is_object() ? response->as_object().if_contains("result") : nullptr;
  if (!session || !result || !result->is_object())
    return Unexpected{std::string("initialize answered without a session id and a result")};
  // The id goes back in a header of every request: one with blanks or control characters is
  // refused here rather than sent.
  if (!mcp::parse_session_id(*session))
    return Unexpected{std::string(
        "initialize answered with an Mcp-Session-Id that is empty or not visible ASCII")};
  const auto* version = find_string(result->as_object(), "protocolVersion");
  {
    std::lock_guard lock(mutex_);
    session_id_ = *session;
    protocol_version_ = version ? std::string(*version) : std::string(mcp::kLatestVersion);
  }
  auto initialized = mcp_call("POST", to_json_text(jsonrpc::make_notification(
                                          "notifications/initialized", json::object{})));
  if (auto sent = http_.send(initialized); !sent || !is_success(sent->status))
    spdlog::warn("notifications/initialized was not accepted");
  spdlog::info("MCP session {} opened on {}", *session, http_.url().base());
  return result->as_object();
}

Result<void, std::string> RemoteSession::forward(const std::string& json_text,
                                                 const MessageSink& sink, CallAbort* abort) {
  auto to_sink = [&](SseEvent event) { sink(event.data); };
  for (int attempt = 0;; ++attempt) {
    if (auto fresh = ensure_fresh_token(); !fresh)
      return fresh;
    std::string session;
    {
      std::lock_guard lock(mutex_);
      session = session_id_;
    }
    auto reply = http_.send(mcp_call("POST", json_text), to_sink, abort);
    if (!reply)
      return Unexpected{reply.error()};
    if (reply->status == 404 && attempt == 0) {
      spdlog::warn("the server no longer knows MCP session {}; opening a new one", session);
      if (auto reopened = initialize(session); !reopened)
        return Unexpected{reopened.error()};
      continue;
    }
    if (reply->status == 401 && attempt == 0 && credentials_.access_token.empty()) {
      if (auto renewed = refresh(); !renewed)
        return renewed;
      continue;
    }
    if (!is_success(reply->status))
      return Unexpected{"the server refused the message: " + describe(*reply)};
    if (!reply->is_event_stream() && !reply->body.empty())
      sink(reply->body);
    return {};
  }
}

void RemoteSession::run_stream(const MessageSink& sink) {
  auto delay = std::chrono::milliseconds(kFirstRetry);
  auto pause = [this](std::chrono::milliseconds length) {
    const auto until = clock_.steady_now() + length;
    while (!stopping_.load() && clock_.steady_now() < until)
      sleep_(std::chrono::milliseconds(50));
  };
  while (!stopping_.load()) {
    if (auto fresh = ensure_fresh_token(); !fresh) {
      spdlog::warn("stream: {}", fresh.error());
      pause(delay);
      delay = std::min<std::chrono::milliseconds>(delay * 2, kLongestRetry);
      continue;
    }
    std::string session;
    {
      std::lock_guard lock(mutex_);
      session = session_id_;
      // A reopen always resumes, from before the first event (0) when no event carried an id
      // yet: an event the server wrote into a stream that broke before it was read is then
      // sent again instead of being taken as delivered.
      if (stream_opened_for_ == session && !last_event_id_)
        last_event_id_ = "0";
      stream_opened_for_ = session;
    }
    auto reply = http_.send(
        mcp_call("GET", ""),
        [&](SseEvent event) {
          if (event.id) {
            std::lock_guard lock(mutex_);
            if (session_id_ == session)
              last_event_id_ = event.id;
          }
          sink(event.data);
        },
        &stream_abort_);
    if (stopping_.load())
      return;
    if (reply && reply->status == 404) {
      spdlog::warn("the server no longer knows MCP session {}; opening a new one", session);
      if (auto reopened = initialize(session); !reopened)
        spdlog::warn("stream: {}", reopened.error());
    } else if (reply && reply->status == 401 && credentials_.access_token.empty()) {
      if (auto renewed = refresh(); !renewed)
        spdlog::warn("stream: {}", renewed.error());
    } else if (reply && reply->status == 200) {
      delay = kFirstRetry;  // the stream ran and ended: reconnect soon
    } else {
      spdlog::warn("stream: {}", reply ? describe(*reply) : reply.error());
    }
    pause(delay);
    delay = std::min<std::chrono::milliseconds>(delay * 2, kLongestRetry);
  }
}

void RemoteSession::close() {
  stopping_.store(true);
  stream_abort_.abort();
  std::string session;
  {
    std::lock_guard lock(mutex_);
    session = session_id_;
  }
  if (session.empty())
    return;
  auto reply = http_.send(mcp_call("DELETE", ""));
  if (!reply || !is_success(reply->status))
    spdlog::info("ending MCP session {} on the server failed", session);
}

}  // namespace bmcp::bridge
