#include "cluster/redis_session_directory.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "cluster/session_feed.hpp"

namespace bmcp::cluster {

RedisSessionDirectory::RedisSessionDirectory(SharedStore& store, RedisBus& bus, std::string node_id,
                                             EndpointFactory endpoints,
                                             std::chrono::seconds idle_timeout)
    : store_(store),
      bus_(bus),
      node_id_(std::move(node_id)),
      endpoints_(std::move(endpoints)),
      idle_timeout_(idle_timeout) {}

void RedisSessionDirectory::start(EndedElsewhere ended_elsewhere) {
  store_.subscriber().subscribe(
      "bmcp:session-ended",
      [ended = std::move(ended_elsewhere)](const std::string&, const std::string& member) {
        // "bmcp:{<user>}:\n<session>"
        const auto cut = member.find('\n');
        const auto open = member.find('{');
        const auto close = member.rfind("}:", cut);
        if (cut == std::string::npos || open == std::string::npos || close == std::string::npos)
          return;
        ended(member.substr(cut + 1), member.substr(open + 1, close - open - 1));
      });
}

void RedisSessionDirectory::share_level(const std::shared_ptr<mcp::Session>& session) {
  std::weak_ptr<mcp::Session> weak = session;
  session->observe_level([this, weak](LogLevel level) {
    if (const auto alive = weak.lock())
      bus_.set_level(alive->user_id(), alive->id(), level);
  });
}

void RedisSessionDirectory::announce(const std::shared_ptr<mcp::Session>& session,
                                     const std::string& account_id) {
  auto done = store_.call("bmcp_announce", {user_prefix(session->user_id()), session->id(),
                                            account_id, session->protocol_version(),
                                            std::to_string(static_cast<int>(session->log_level())),
                                            std::to_string(idle_timeout_.count())});
  if (!done)
    spdlog::warn("cluster: session {} is known to this node only: {}", session->id(), done.error());
  share_level(session);
}

std::optional<mcp::SessionRecord> RedisSessionDirectory::lookup(const std::string& session_id,
                                                                const std::string& user_id) {
  auto reply = store_.call("bmcp_lookup", {user_prefix(user_id), session_id});
  if (!reply || reply->elements.size() < 4)
    return std::nullopt;
  mcp::SessionRecord record;
  record.id = session_id;
  record.user_id = user_id;
  record.account_id = reply->elements[0].text;
  record.protocol_version = reply->elements[1].text;
  int level = static_cast<int>(kDefaultSessionLevel);
  const auto& text = reply->elements[2].text;
  std::from_chars(text.data(), text.data() + text.size(), level);
  record.level = static_cast<LogLevel>(level);
  return record;
}

void RedisSessionDirectory::adopted(const std::shared_ptr<mcp::Session>& session) {
  spdlog::info("cluster: session {} taken over by this node", session->id());
  share_level(session);
}

void RedisSessionDirectory::stream_opened(const std::shared_ptr<mcp::Session>& session,
                                          std::optional<std::uint64_t> last_event_id) {
  bus_.serve_stream(session->user_id(), endpoints_(session), last_event_id);
}

bool RedisSessionDirectory::in_use_elsewhere(const std::string& session_id,
                                             const std::string& user_id) {
  auto reply = store_.call("bmcp_lookup", {user_prefix(user_id), session_id});
  return reply && reply->elements.size() >= 4 && !reply->elements[3].text.empty() &&
         reply->elements[3].text != node_id_;
}

void RedisSessionDirectory::dropped(const std::string& session_id, const std::string& user_id) {
  bus_.forget_here(user_id, session_id);
}

void RedisSessionDirectory::withdraw(const std::string& session_id, const std::string& user_id) {
  auto done = store_.call("bmcp_withdraw", {user_prefix(user_id), session_id});
  if (!done)
    spdlog::warn("cluster: the end of session {} is not shared: {}", session_id, done.error());
}

void RedisSessionDirectory::touch(const std::vector<std::shared_ptr<mcp::Session>>& sessions) {
  if (sessions.empty())
    return;
  std::vector<std::string> arguments{node_id_, std::to_string(idle_timeout_.count())};
  arguments.reserve(sessions.size() + 2);
  for (const auto& session : sessions)
    arguments.push_back(session_member(user_prefix(session->user_id()), session->id()));
  store_.call_async("bmcp_touch_sessions", std::move(arguments),
                    [](Result<redis::Reply, std::string>) {});
}

}  // namespace bmcp::cluster
