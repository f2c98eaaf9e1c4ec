#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_service.hpp"
#include "auth/oauth_store.hpp"
#include "auth/password_hasher.hpp"
#include "auth/user_store.hpp"
#include "console/console_feed.hpp"
#include "console/console_sessions.hpp"
#include "console/tool_runner.hpp"
#include "console/web.hpp"
#include "core/result.hpp"
#include "oauth/first_party_flow.hpp"

namespace bmcp::console {

inline constexpr std::string_view kConsolePath = "/console";
inline constexpr std::string_view kEventsPath = "/console/api/events";
inline constexpr std::string_view kSessionCookie = "bmcp_console";
// Sign-in through the authorization server (docs/console.md): the console is its built-in
// client kOAuthClientId, whose only redirect URI is the public URL + kOAuthCallbackPath.
inline constexpr std::string_view kOAuthStartPath = "/console/oauth/start";
inline constexpr std::string_view kOAuthCallbackPath = "/console/oauth/callback";
inline constexpr std::string_view kOAuthClientId = "blender-mcp-console";
inline constexpr std::string_view kOAuthClientName = "blender-mcp console";
inline constexpr std::string_view kOAuthFlowCookie = "bmcp_console_oauth";

// What the admin pages read from the rest of the server.
struct AdminSources {
  std::function<std::string()> metrics_text;  // the Prometheus text of /metrics
  // The cluster's nodes ([{...}]), or null on one node.
  std::function<json::value()> nodes;
  // The open MCP sessions of a user id.
  std::function<std::size_t(const std::string& user_id)> mcp_sessions_of;
};

struct ConsoleOptions {
  bool secure_cookie = false;  // the public URL is https: the session cookie is Secure
};

// One route the transport serves for the console: its path and method.
struct ConsoleRoute {
  std::string path;
  std::string method;
};

// The console's pages and HTTP API (docs/console.md), free of HTTP: the transport hands over
// WebRequests and writes the WebReplies. Sign-in checks passwords with the server's own
// login (AuthService::check_password: the same rate limits and refusals as POST /auth/login);
// every other API call needs the session cookie, state-changing ones (POST) also the
// session's CSRF token in X-CSRF-Token, admin ones the role admin (read from the user store on
// each call). A bad input is refused with 400 and {"detail"} naming what was wrong, before
// anything changed. While the session table cannot be reached (a cluster's shared store is
// down), sign-in and every API call answer 503 naming the shared store; nobody is signed out.
// Blocking: handle() and signed_in() hash passwords and read the user store and the session
// table: call them on a worker pool. Thread safety: every method is safe from any thread.
class ConsoleApi {
 public:
  using Reply = std::function<void(WebReply reply)>;

  // Everything given must outlive the API; `grants` may be null (no authorization server).
  // `sign_on`, the console's flow as the authorization server's built-in client, may be null:
  // then only passwords sign in (kOAuthStartPath sends back to the sign-in page with a
  // message).
  ConsoleApi(auth::AuthService& auth, auth::UserStore& users, const auth::PasswordHasher& hasher,
             auth::OAuthStore* grants, ConsoleSessions& sessions, ConsoleFeed& feed,
             ToolRunner& runner, AdminSources admin, ConsoleOptions options,
             oauth::FirstPartyFlow* sign_on = nullptr);

  // Every path and method handle() answers (the events stream is the transport's).
  static std::vector<ConsoleRoute> routes();
  // Answers one request; `reply` runs once (later for the run box, after the tool call).
  void handle(const WebRequest& request, const Reply& reply);
  // The request's signed-in session, or the refusal to send (401).
  Result<ConsoleSession, WebReply> signed_in(const WebRequest& request);
  // Ends the open pages whose session was signed out, expired, or whose account is gone (the
  // server calls it every few seconds; sign-out and removal through the console end their
  // pages at once).
  void end_stale_pages();

 private:
  WebReply login(const WebRequest& request);
  // A new session for `user` (the one of a cookie that came with the request ends), or the
  // reply that says why not.
  Result<ConsoleSession, WebReply> open_session(const auth::UserRecord& user,
                                                const WebRequest& request);
  WebReply oauth_start();
  WebReply oauth_callback(const WebRequest& request);
  WebReply logout(const ConsoleSession& session);
  WebReply me(const ConsoleSession& session) const;
  WebReply image(const ConsoleSession& session, const WebRequest& request) const;
  void run(const ConsoleSession& session, const WebRequest& request, const Reply& reply);
  WebReply admin(const ConsoleSession& session, const WebRequest& request);
  WebReply list_users();
  WebReply add_user(const json::object& body);
  WebReply reset_password(const json::object& body);
  WebReply set_roles(const json::object& body);
  WebReply remove_user(const json::object& body);
  WebReply list_sessions();
  WebReply status();
  std::string session_cookie(std::string_view value, long max_age) const;

  auth::AuthService& auth_;
  auth::UserStore& users_;
  const auth::PasswordHasher& hasher_;
  auth::OAuthStore* grants_;
  ConsoleSessions& sessions_;
  ConsoleFeed& feed_;
  ToolRunner& runner_;
  AdminSources admin_;
  ConsoleOptions options_;
  oauth::FirstPartyFlow* sign_on_;
};

}  // namespace bmcp::console
