#include "signins/redis_console_sessions.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>
#include <map>

#include "core/json_text.hpp"
#include "oauth/secrets.hpp"

namespace bmcp::signins {
namespace {

using console::ConsoleSession;

std::string list_text(const std::vector<std::string>& values) {
  json::array array;
  for (const auto& value : values)
    array.emplace_back(value);
  return to_json_text(array);
}

std::vector<std::string> list_of(const std::string& text) {
  std::vector<std::string> out;
  const auto parsed = parse_json(text);
  if (!parsed || !parsed->is_array())
    return out;
  for (const auto& value : parsed->get_array()) {
    if (value.is_string())
      out.emplace_back(value.get_string());
  }
  return out;
}

template <class Number>
Number number_of(const std::string& text) {
  Number value{};
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string seconds_text(double unix_seconds) {
  return fmt::format("{:.6f}", unix_seconds);
}

// A session as bmcp_console_find and bmcp_console_list return it ({field, value, ...}); the
// steady deadlines are the stored Unix ones seen from `now_ms` on this node's steady clock.
Result<ConsoleSession, std::string> decode(const redis::Reply& fields, std::string id,
                                           std::int64_t now_ms, SteadyTime steady_now) {
  if (fields.type != redis::Reply::Type::kArray || fields.elements.size() % 2 != 0)
    return Unexpected{std::string("the shared store returned a console session of another shape")};
  std::map<std::string, std::string, std::less<>> record;
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2)
    record[fields.elements[i].text] = fields.elements[i + 1].text;
  for (const auto* needed : {"user", "csrf", "idle_until", "absolute_until"}) {
    if (!record.contains(needed))
      return Unexpected{
          fmt::format("a console session in the shared store lacks its '{}'", needed)};
  }
  ConsoleSession session;
  session.id = std::move(id);
  session.csrf_token = record["csrf"];
  session.user.username = record["user"];
  session.user.uid = record["uid"];
  session.user.roles = list_of(record["roles"]);
  session.user.scopes = list_of(record["scopes"]);
  session.client_address = record["address"];
  session.created_at = number_of<double>(record["created"]);
  session.last_seen = number_of<double>(record["seen"]);
  const auto at = [&](const std::string& field) {
    return steady_now + std::chrono::milliseconds(number_of<std::int64_t>(record[field]) - now_ms);
  };
  session.expires = at("idle_until");
  session.absolute_expiry = at("absolute_until");
  session.mcp_session_id = record["mcp"];
  return session;
}

std::string milliseconds_text(std::chrono::seconds value) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(value).count());
}

}  // namespace

std::string session_digest(std::string_view id) {
  return oauth::secret_digest(id);
}

RedisConsoleSessions::RedisConsoleSessions(cluster::SharedStore& store, const Clock& clock,
                                           console::ConsoleSessionLimits limits)
    : store_(store), clock_(clock), limits_(limits) {}

std::int64_t RedisConsoleSessions::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wall_now().time_since_epoch())
      .count();
}

Result<ConsoleSession, std::string> RedisConsoleSessions::create(console::ConsoleUser user,
                                                                 std::string client_address) {
  const auto now = now_ms();
  const auto session =
      new_console_session(std::move(user), std::move(client_address),
                          static_cast<double>(now) / 1000.0, clock_.steady_now(), limits_);
  auto created =
      store_.call("bmcp_console_create",
                  {session_digest(session.id), session.user.username, std::to_string(now),
                   milliseconds_text(limits_.idle), milliseconds_text(limits_.absolute),
                   std::to_string(limits_.max_per_user), std::to_string(limits_.max_sessions),
                   session.user.uid, list_text(session.user.roles), list_text(session.user.scopes),
                   session.csrf_token, session.client_address, seconds_text(session.created_at)});
  if (!created)
    return Unexpected{created.error()};
  return session;
}

Result<std::optional<ConsoleSession>, std::string> RedisConsoleSessions::lookup(std::string_view id,
                                                                                bool touch) {
  const auto now = now_ms();
  const auto steady_now = clock_.steady_now();
  auto found =
      store_.call("bmcp_console_find", {session_digest(id), std::to_string(now),
                                        touch ? milliseconds_text(limits_.idle) : std::string(),
                                        seconds_text(static_cast<double>(now) / 1000.0)});
  if (!found)
    return Unexpected{found.error()};
  if (found->is_nil())
    return std::optional<ConsoleSession>();
  auto session = decode(*found, std::string(id), now, steady_now);
  if (!session)
    return Unexpected{session.error()};
  return std::optional<ConsoleSession>(std::move(*session));
}

Result<std::optional<ConsoleSession>, std::string> RedisConsoleSessions::find(std::string_view id) {
  return lookup(id, true);
}

Result<bool, std::string> RedisConsoleSessions::contains(std::string_view id) {
  auto found = lookup(id, false);
  if (!found)
    return Unexpected{found.error()};
  return found->has_value();
}

Result<bool, std::string> RedisConsoleSessions::remove(std::string_view id) {
  auto removed = store_.call("bmcp_console_remove", {session_digest(id)});
  if (!removed)
    return Unexpected{removed.error()};
  return removed->integer == 1;
}

Result<std::size_t, std::string> RedisConsoleSessions::remove_user(std::string_view username) {
  auto removed = store_.call("bmcp_console_remove_user", {std::string(username)});
  if (!removed)
    return Unexpected{removed.error()};
  return static_cast<std::size_t>(removed->integer);
}

void RedisConsoleSessions::set_mcp_session(std::string_view id, std::string mcp_session_id) {
  store_.call_async("bmcp_console_set_mcp", {session_digest(id), std::move(mcp_session_id)},
                    [](Result<redis::Reply, std::string> reply) {
                      if (!reply || reply->is_error())
                        spdlog::warn("console: the run box's MCP session not recorded: {}",
                                     reply ? reply->text : reply.error());
                    });
}

Result<std::vector<ConsoleSession>, std::string> RedisConsoleSessions::list() {
  const auto now = now_ms();
  const auto steady_now = clock_.steady_now();
  auto listed = store_.call("bmcp_console_list", {std::to_string(now)});
  if (!listed)
    return Unexpected{listed.error()};
  std::vector<ConsoleSession> sessions;
  for (const auto& fields : listed->elements) {
    auto session = decode(fields, std::string(), now, steady_now);
    if (!session)
      return Unexpected{session.error()};
    sessions.push_back(std::move(*session));
  }
  return sessions;
}

}  // namespace bmcp::signins
