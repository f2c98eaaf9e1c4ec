#include "console/console_api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "console/assets.hpp"
#include "console/embedded_files.hpp"
#include "console/request_body.hpp"
#include "core/base64.hpp"

namespace bmcp::console {
namespace {

constexpr std::string_view kApi = "/console/api/";
// The dispatch tools the run box may call.
constexpr std::string_view kRunTools[] = {"blender_execute_code", "blender_get_scene_info"};
constexpr std::size_t kMaxCodeBytes = 64 * 1024;

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& value : values)
    out.emplace_back(value);
  return out;
}

WebReply refusal_of(const auth::AuthFailure& failure) {
  switch (failure.kind) {
    case auth::AuthFailure::Kind::kBadRequest:
      return error_reply(400, failure.detail);
    case auth::AuthFailure::Kind::kUnauthorized:
      return error_reply(401, failure.detail);
    case auth::AuthFailure::Kind::kRateLimited:
    case auth::AuthFailure::Kind::kUnavailable: {
      auto reply = error_reply(failure.kind == auth::AuthFailure::Kind::kRateLimited ? 429 : 503,
                               failure.detail);
      reply.headers.emplace_back("Retry-After", std::to_string(failure.retry_after.count()));
      return reply;
    }
  }
  return error_reply(500, "Internal Server Error");
}

ConsoleUser user_of(const auth::UserRecord& record) {
  return ConsoleUser{record.username, record.uid, record.roles, record.scopes};
}

// The store's refusal as a reply: 404 for an unknown user, 409 for a conflict.
WebReply store_refusal(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound:
      return error_reply(404, error.message.empty() ? "no such user" : error.message);
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return error_reply(409, error.message);
    default:
      return error_reply(500, error.message);
  }
}

// The session table could not be read or changed (its shared store is unreachable): 503, so
// that a browser neither loses its sign-in nor takes the failure for a sign-out. The detail
// (the store's address, the reason) goes to the log, not to a client that may not be signed in.
WebReply sessions_unavailable(const std::string& detail) {
  spdlog::warn("console: sign-ins unavailable: {}", detail);
  auto reply = error_reply(
      503,
      "console sign-ins are unavailable: this node cannot reach the shared store that keeps "
      "them (Redis); try again shortly");
  reply.headers.emplace_back("Retry-After", "2");
  return reply;
}

// A 303 to `location`, never cached, with the console's security headers.
WebReply see_other(std::string location) {
  WebReply reply;
  reply.status = 303;
  reply.headers.emplace_back("Location", std::move(location));
  reply.headers.emplace_back("Cache-Control", "no-store");
  add_security_headers(reply);
  return reply;
}

bool is_admin_path(std::string_view path) {
  return path.substr(0, kApi.size() + 6) == "/console/api/admin/";
}

}  // namespace

ConsoleApi::ConsoleApi(auth::AuthService& auth, auth::UserStore& users,
                       const auth::PasswordHasher& hasher, auth::OAuthStore* grants,
                       ConsoleSessions& sessions, ConsoleFeed& feed, ToolRunner& runner,
                       AdminSources admin, ConsoleOptions options, oauth::FirstPartyFlow* sign_on)
    : auth_(auth),
      users_(users),
      hasher_(hasher),
      grants_(grants),
      sessions_(sessions),
      feed_(feed),
      runner_(runner),
      admin_(std::move(admin)),
      options_(options),
      sign_on_(sign_on) {}

std::vector<ConsoleRoute> ConsoleApi::routes() {
  std::vector<ConsoleRoute> routes{{"/console", "GET"},
                                   {"/console/", "GET"},
                                   {std::string(kOAuthStartPath), "GET"},
                                   {std::string(kOAuthCallbackPath), "GET"}};
  for (const auto& file : embedded_files())
    routes.push_back({"/console/" + std::string(file.name), "GET"});
  for (const auto* path : {"me", "image", "admin/users", "admin/sessions", "admin/status"})
    routes.push_back({std::string(kApi) + path, "GET"});
  for (const auto* path : {"login", "logout", "run", "admin/users", "admin/users/password",
                           "admin/users/roles", "admin/users/remove"})
    routes.push_back({std::string(kApi) + path, "POST"});
  return routes;
}

std::string ConsoleApi::session_cookie(std::string_view value, long max_age) const {
  std::string cookie =
      std::string(kSessionCookie) + "=" + std::string(value) +
      "; Path=/console; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
  if (options_.secure_cookie)
    cookie += "; Secure";
  return cookie;
}

Result<ConsoleSession, WebReply> ConsoleApi::signed_in(const WebRequest& request) {
  const auto id = cookie_value(request.cookies, kSessionCookie);
  if (!id)
    return Unexpected{error_reply(401, "not signed in")};
  auto found = sessions_.find(*id);
  if (!found)
    return Unexpected{sessions_unavailable(found.error())};
  auto& session = *found;
  if (!session)
    return Unexpected{error_reply(401, "not signed in")};
  bool exists = false;
  try {
    exists = users_.exists_with_uid(session->user.username, session->user.uid);
  } catch (const auth::StoreUnavailable&) {
    return Unexpected{error_reply(503, "User store unavailable; try again shortly")};
  }
  if (!exists) {
    (void)sessions_.remove(session->id);  // refused either way; the store expires it otherwise
    return Unexpected{error_reply(401, "the account was removed; sign in again")};
  }
  return std::move(*session);
}

void ConsoleApi::handle(const WebRequest& request, const Reply& reply) {
  if (request.method == "GET" && (request.path == "/console" || request.path == "/console/")) {
    reply(asset_reply(*find_asset("index.html")));
    return;
  }
  if (request.method == "GET" && request.path == kOAuthStartPath) {
    reply(oauth_start());
    return;
  }
  if (request.method == "GET" && request.path == kOAuthCallbackPath) {
    reply(oauth_callback(request));
    return;
  }
  if (request.path.substr(0, kApi.size()) != kApi) {
    const auto asset = find_asset(std::string_view(request.path).substr(kConsolePath.size() + 1));
    reply(asset ? asset_reply(*asset) : error_reply(404, "Not Found"));
    return;
  }
  if (request.path == "/console/api/login" && request.method == "POST") {
    reply(login(request));
    return;
  }
  auto session = signed_in(request);
  if (!session) {
    reply(session.error());
    return;
  }
  if (request.method != "GET" && !(session->csrf_token.size() == request.csrf_token.size() &&
                                   constant_time_equal(session->csrf_token, request.csrf_token))) {
    reply(error_reply(403, "the X-CSRF-Token header is missing or wrong"));
    return;
  }
  if (is_admin_path(request.path)) {
    reply(admin(*session, request));
  } else if (request.path == "/console/api/logout") {
    reply(logout(*session));
  } else if (request.path == "/console/api/me") {
    reply(me(*session));
  } else if (request.path == "/console/api/image") {
    reply(image(*session, request));
  } else if (request.path == "/console/api/run") {
    run(*session, request, reply);
  } else {
    reply(error_reply(404, "Not Found"));
  }
}

void ConsoleApi::end_stale_pages() {
  std::set<std::string> stale;
  for (const auto& [page, session_id] : feed_.pages()) {
    if (stale.contains(session_id))
      continue;
    const auto contained = sessions_.contains(session_id);
    if (!contained)
      continue;  // unknown while the session store is unreachable: checked again next time
    auto found = *contained ? sessions_.find(session_id)
                            : Result<std::optional<ConsoleSession>, std::string>(std::nullopt);
    if (!found)
      continue;
    const auto& session = *found;
    bool gone = !session;
    if (session) {
      try {
        gone = !users_.exists_with_uid(session->user.username, session->user.uid);
      } catch (const auth::StoreUnavailable&) {
        gone = false;  // unknown while the store is unreachable: checked again next time
      }
      if (gone)
        (void)sessions_.remove(session_id);  // the pages end either way
    }
    if (gone)
      stale.insert(session_id);
  }
  if (!stale.empty())
    feed_.end_pages([&stale](const std::string& tag) { return stale.contains(tag); });
}

WebReply ConsoleApi::login(const WebRequest& request) {
  auto body = json_body(request, {"username", "password"});
  if (!body)
    return body.error();
  auto username = string_field(*body, "username", true, 64);
  if (!username)
    return username.error();
  auto password = string_field(*body, "password", true);
  if (!password)
    return password.error();
  auto user = auth_.check_password(**username, **password, request.client_address);
  if (!user)
    return refusal_of(user.error());
  auto created = open_session(*user, request);
  if (!created)
    return created.error();
  const auto& session = *created;
  auto reply = json_reply(200, json::object{{"username", session.user.username},
                                            {"roles", strings(session.user.roles)},
                                            {"admin", session.user.is_admin()},
                                            {"csrf_token", session.csrf_token}});
  reply.headers.emplace_back("Set-Cookie",
                             session_cookie(session.id, sessions_.limits().absolute.count()));
  return reply;
}

Result<ConsoleSession, WebReply> ConsoleApi::open_session(const auth::UserRecord& user,
                                                          const WebRequest& request) {
  // A session cookie that came with the request is signed out: one browser, one session.
  if (const auto old = cookie_value(request.cookies, kSessionCookie)) {
    if (auto removed = sessions_.remove(*old); !removed)
      return Unexpected{sessions_unavailable(removed.error())};
  }
  auto created = sessions_.create(user_of(user), request.client_address);
  if (!created)
    return Unexpected{sessions_unavailable(created.error())};
  return std::move(*created);
}

WebReply ConsoleApi::oauth_start() {
  if (sign_on_ == nullptr)
    return see_other("/console?signin_error=unavailable");
  auto started = sign_on_->start();
  auto reply = see_other(started.location);
  reply.headers.emplace_back("Set-Cookie", std::move(started.set_cookie));
  return reply;
}

// Every outcome goes back to the console page: to it signed in, or to its sign-in form with
// ?signin_error=<word> (oauth::failure_word), which the page turns into a message. The flow's
// cookie is deleted either way.
WebReply ConsoleApi::oauth_callback(const WebRequest& request) {
  if (sign_on_ == nullptr)
    return see_other("/console?signin_error=unavailable");
  using Failure = oauth::FirstPartyFlow::Failure;
  const auto fail = [this](Failure failure) {
    auto reply = see_other("/console?signin_error=" + std::string(oauth::failure_word(failure)));
    reply.headers.emplace_back("Set-Cookie", sign_on_->clear_cookie());
    return reply;
  };
  auto user = sign_on_->finish(request.query, request.cookies);
  if (!user) {
    // Only a redeemed code is an attempt to sign in as someone; a bad state or a refusal at
    // /authorize is not counted.
    switch (user.error()) {
      case Failure::kInvalidCode:
        auth_.count_login("", auth::AuthOutcome::kInvalidCredentials);
        break;
      case Failure::kAccountGone:
        auth_.count_login("", auth::AuthOutcome::kUserNotFound);
        break;
      case Failure::kUnavailable:
        auth_.count_login("", auth::AuthOutcome::kStoreUnavailable);
        break;
      default:
        break;
    }
    return fail(user.error());
  }
  auto created = open_session(*user, request);
  if (!created) {
    auth_.count_login(user->username, auth::AuthOutcome::kStoreUnavailable);
    return fail(Failure::kUnavailable);
  }
  auth_.count_login(user->username, auth::AuthOutcome::kSuccess);
  auto reply = see_other("/console");
  reply.headers.emplace_back("Set-Cookie", sign_on_->clear_cookie());
  reply.headers.emplace_back("Set-Cookie",
                             session_cookie(created->id, sessions_.limits().absolute.count()));
  return reply;
}

WebReply ConsoleApi::logout(const ConsoleSession& session) {
  if (auto removed = sessions_.remove(session.id); !removed)
    return sessions_unavailable(removed.error());
  runner_.end_session(session.user, session.mcp_session_id);
  feed_.end_pages([&session](const std::string& tag) { return tag == session.id; });
  auto reply = json_reply(200, json::object{{"message", "signed out"}});
  reply.headers.emplace_back("Set-Cookie", session_cookie("", 0));
  return reply;
}

WebReply ConsoleApi::me(const ConsoleSession& session) const {
  return json_reply(200, json::object{{"username", session.user.username},
                                      {"roles", strings(session.user.roles)},
                                      {"admin", session.user.is_admin()},
                                      {"csrf_token", session.csrf_token},
                                      {"signed_in_at", session.created_at}});
}

WebReply ConsoleApi::image(const ConsoleSession& session, const WebRequest& request) const {
  const auto client = query_value(request.query, "client");
  if (!client)
    return error_reply(400, "query parameter 'client' is required");
  std::size_t index = 0;
  if (const auto text = query_value(request.query, "index")) {
    if (text->empty() || text->size() > 3 ||
        !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }))
      return error_reply(400, "query parameter 'index' must be a number from 0");
    index = static_cast<std::size_t>(std::stoul(*text));
  }
  const auto set = feed_.images(session.user.username, *client);
  if (!set || index >= set->images->size())
    return error_reply(404, "no image of that client and index");
  const auto& picture = (*set->images)[index];
  auto bytes = base64_decode_prefix(picture.data, base64_decoded_size(picture.data));
  if (!bytes)
    return error_reply(500, "the image is not valid base64");
  WebReply reply;
  reply.headers.emplace_back("Content-Type", picture.mime_type);
  reply.headers.emplace_back("Cache-Control", "no-store");
  add_security_headers(reply);
  reply.body = std::move(*bytes);
  return reply;
}

void ConsoleApi::run(const ConsoleSession& session, const WebRequest& request, const Reply& reply) {
  auto body = json_body(request, {"tool", "target_uuid", "code"});
  if (!body) {
    reply(body.error());
    return;
  }
  auto tool = string_field(*body, "tool", true, 64);
  if (!tool) {
    reply(tool.error());
    return;
  }
  if (std::find(std::begin(kRunTools), std::end(kRunTools), **tool) == std::end(kRunTools)) {
    reply(error_reply(400, "'tool' must be blender_execute_code or blender_get_scene_info"));
    return;
  }
  auto target = string_field(*body, "target_uuid", false, 128);
  if (!target) {
    reply(target.error());
    return;
  }
  const bool wants_code = **tool == "blender_execute_code";
  auto code = string_field(*body, "code", wants_code, kMaxCodeBytes);
  if (!code) {
    reply(code.error());
    return;
  }
  if (!wants_code && *code) {
    reply(error_reply(400, "'code' is only for blender_execute_code"));
    return;
  }
  json::object arguments;
  if (*target)
    arguments["target_uuid"] = **target;
  if (*code)
    arguments["code"] = **code;
  runner_.call(session.user, session.mcp_session_id, **tool, std::move(arguments),
               [this, id = session.id, reply](std::string mcp_session, json::value response) {
                 sessions_.set_mcp_session(id, std::move(mcp_session));
                 reply(json_reply(200, json::object{{"response", std::move(response)}}));
               });
}

WebReply ConsoleApi::admin(const ConsoleSession& session, const WebRequest& request) {
  // The role is read again: an admin demoted a moment ago is no longer one.
  Result<auth::UserRecord> record = Unexpected{make_error(ErrorCode::kNotFound, "")};
  try {
    record = users_.find(session.user.username);
  } catch (const auth::StoreUnavailable&) {
    return error_reply(503, "User store unavailable; try again shortly");
  }
  if (!record || !record->has_role(auth::kAdminRole))
    return error_reply(403, "the admin pages need the role admin");
  try {
    const auto& path = request.path;
    if (request.method == "GET") {
      if (path == "/console/api/admin/users")
        return list_users();
      if (path == "/console/api/admin/sessions")
        return list_sessions();
      if (path == "/console/api/admin/status")
        return status();
      return error_reply(404, "Not Found");
    }
    // Each body is checked against its own fields before anything is read from it.
    const auto with_body = [&request](std::initializer_list<std::string_view> fields,
                                      const auto& work) -> WebReply {
      auto body = json_body(request, fields);
      return body ? work(*body) : body.error();
    };
    if (path == "/console/api/admin/users")
      return with_body({"username", "password", "roles"},
                       [this](const json::object& body) { return add_user(body); });
    if (path == "/console/api/admin/users/password")
      return with_body({"username", "password"},
                       [this](const json::object& body) { return reset_password(body); });
    if (path == "/console/api/admin/users/roles")
      return with_body({"username", "roles"},
                       [this](const json::object& body) { return set_roles(body); });
    if (path == "/console/api/admin/users/remove")
      return with_body({"username"},
                       [this](const json::object& body) { return remove_user(body); });
    return error_reply(404, "Not Found");
  } catch (const auth::StoreUnavailable&) {
    return error_reply(503, "User store unavailable; try again shortly");
  }
}

WebReply ConsoleApi::list_users() {
  auto signed_in_now = sessions_.list();
  if (!signed_in_now)
    return sessions_unavailable(signed_in_now.error());
  std::map<std::string, std::size_t> console_sessions;
  for (const auto& session : *signed_in_now)
    ++console_sessions[session.user.username];
  json::array users;
  for (const auto& user : users_.list()) {
    const auto console_count = console_sessions.find(user.username);
    users.push_back(json::object{
        {"username", user.username},
        {"roles", strings(user.roles)},
        {"scopes", strings(user.scopes)},
        {"created_at", user.created_at},
        {"console_sessions",
         console_count == console_sessions.end() ? std::size_t{0} : console_count->second},
        {"mcp_sessions",
         admin_.mcp_sessions_of ? admin_.mcp_sessions_of(user.username) : std::size_t{0}}});
  }
  return json_reply(200, json::object{{"users", std::move(users)}});
}

WebReply ConsoleApi::add_user(const json::object& body) {
  auto username = string_field(body, "username", true, 64);
  if (!username)
    return username.error();
  if (!auth::is_valid_username(**username)) {
    return error_reply(400,
                       "'username' must be 1 to 64 letters, digits, '.', '_' or '-', starting "
                       "with a letter or digit");
  }
  auto password = string_field(body, "password", true);
  if (!password)
    return password.error();
  auto roles = roles_field(body, false);
  if (!roles)
    return roles.error();
  auth::UserRecord record;
  record.username = **username;
  record.roles = roles->value_or(auth::default_user_roles());
  const bool admin =
      std::find(record.roles.begin(), record.roles.end(), auth::kAdminRole) != record.roles.end();
  record.scopes = admin ? auth::admin_scopes() : auth::default_user_scopes();
  record.password_hash = hasher_.hash(**password);
  if (auto added = users_.add(record); !added)
    return store_refusal(added.error());
  return json_reply(201, json::object{{"username", record.username},
                                      {"roles", strings(record.roles)},
                                      {"scopes", strings(record.scopes)}});
}

WebReply ConsoleApi::reset_password(const json::object& body) {
  auto username = string_field(body, "username", true, 64);
  if (!username)
    return username.error();
  auto password = string_field(body, "password", true);
  if (!password)
    return password.error();
  if (auto found = users_.find(**username); !found)
    return store_refusal(found.error());
  if (auto set = users_.set_password(**username, hasher_.hash(**password)); !set)
    return store_refusal(set.error());
  // As `blender-mcp user passwd`: the old password's tokens and grants end, and so do the
  // user's console sign-ins.
  users_.revoke_refresh_tokens(**username);
  if (grants_ != nullptr)
    grants_->revoke_user(**username);
  const auto signed_out = sessions_.remove_user(**username);
  if (!signed_out) {
    spdlog::warn("console: sign-ins of '{}' not ended: {}", **username, signed_out.error());
    auto reply = error_reply(503, "the password of '" + **username +
                                      "' was changed, but its console sign-ins could not be ended: "
                                      "this node cannot reach the shared store that keeps them "
                                      "(Redis); reset the password again shortly");
    reply.headers.emplace_back("Retry-After", "2");
    return reply;
  }
  end_stale_pages();
  return json_reply(
      200, json::object{{"username", **username}, {"console_sessions_signed_out", *signed_out}});
}

WebReply ConsoleApi::set_roles(const json::object& body) {
  auto username = string_field(body, "username", true, 64);
  if (!username)
    return username.error();
  auto roles = roles_field(body, true);
  if (!roles)
    return roles.error();
  auto found = users_.find(**username);
  if (!found)
    return store_refusal(found.error());
  const auto& wanted = **roles;
  const bool stays_admin =
      std::find(wanted.begin(), wanted.end(), auth::kAdminRole) != wanted.end();
  if (found->has_role(auth::kAdminRole) && !stays_admin) {
    const auto all = users_.list();
    const auto admins = std::count_if(all.begin(), all.end(), [](const auth::UserRecord& user) {
      return user.has_role(auth::kAdminRole);
    });
    if (admins <= 1)
      return error_reply(409, "'" + **username + "' is the last admin: the role admin stays");
  }
  const auto scopes = stays_admin ? auth::admin_scopes()
                                  : (found->has_role(auth::kAdminRole) ? auth::default_user_scopes()
                                                                       : found->scopes);
  if (auto set = users_.set_roles_and_scopes(**username, wanted, scopes); !set)
    return store_refusal(set.error());
  return json_reply(
      200, json::object{
               {"username", **username}, {"roles", strings(wanted)}, {"scopes", strings(scopes)}});
}

WebReply ConsoleApi::remove_user(const json::object& body) {
  auto username = string_field(body, "username", true, 64);
  if (!username)
    return username.error();
  if (auto removed = users_.remove(**username, auth::RemovePolicy::kKeepLastAdmin); !removed)
    return store_refusal(removed.error());
  // The account is gone either way: its sessions are refused on their next use (signed_in
  // checks the account) and leave the store by expiry if it cannot be reached now.
  if (auto signed_out = sessions_.remove_user(**username); !signed_out)
    spdlog::warn("console: sign-ins of removed user '{}' not ended: {}", **username,
                 signed_out.error());
  end_stale_pages();
  return json_reply(200, json::object{{"username", **username}, {"removed", true}});
}

WebReply ConsoleApi::list_sessions() {
  auto signed_in_now = sessions_.list();
  if (!signed_in_now)
    return sessions_unavailable(signed_in_now.error());
  json::array console;
  for (const auto& session : *signed_in_now) {
    console.push_back(json::object{{"username", session.user.username},
                                   {"client_address", session.client_address},
                                   {"created_at", session.created_at},
                                   {"last_seen", session.last_seen}});
  }
  json::object mcp;
  if (admin_.mcp_sessions_of) {
    for (const auto& user : users_.list()) {
      if (const auto count = admin_.mcp_sessions_of(user.username))
        mcp[user.username] = count;
    }
  }
  return json_reply(200, json::object{{"console", std::move(console)}, {"mcp", std::move(mcp)}});
}

WebReply ConsoleApi::status() {
  json::object login;
  const auto& counters = auth_.counters();
  for (std::size_t i = 0; i < auth::kAuthOutcomeCount; ++i) {
    const auto outcome = static_cast<auth::AuthOutcome>(i);
    if (const auto value = counters.value(auth::AuthAction::kLogin, outcome))
      login[auth::outcome_word(outcome)] = value;
  }
  return json_reply(
      200, json::object{{"logins", std::move(login)},
                        {"rate_limiter_keys", auth_.login_limiter_keys()},
                        {"console_subscribers", feed_.subscribers()},
                        {"metrics", admin_.metrics_text ? admin_.metrics_text() : std::string()},
                        {"nodes", admin_.nodes ? admin_.nodes() : json::value()}});
}

}  // namespace bmcp::console
