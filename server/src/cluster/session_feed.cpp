#include "cluster/session_feed.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

namespace bmcp::cluster {
namespace {

constexpr std::size_t kReadBatch = 256;

// The stream key of a member "<prefix>\n<session>": "<prefix>e:<session>".
std::string events_key(const std::string& member) {
  const auto cut = member.find('\n');
  return member.substr(0, cut) + "e:" + member.substr(cut + 1);
}

// The event id of a stream entry id "0-<n>".
std::uint64_t event_id_of(const std::string& entry_id) {
  std::uint64_t id = 0;
  const auto dash = entry_id.find('-');
  if (dash == std::string::npos)
    return 0;
  std::from_chars(entry_id.data() + dash + 1, entry_id.data() + entry_id.size(), id);
  return id;
}

}  // namespace

std::string session_member(const std::string& user_prefix, const std::string& session_id) {
  return user_prefix + "\n" + session_id;
}

std::string user_prefix(const std::string& user_id) {
  return "bmcp:{" + user_id + "}:";
}

SessionFeed::SessionFeed(SharedStore& store, std::string node_id, bus::BusCounters& counters)
    : store_(store), node_id_(std::move(node_id)), counters_(counters) {}

void SessionFeed::start() {
  // Wake-ups published before Redis confirmed the subscription (at start, or while the
  // connection was down) were lost: every stream is read again once it is confirmed.
  store_.subscriber().subscribe(
      "bmcp:wake:" + node_id_,
      [this](const std::string&, const std::string& message) { wake(message); },
      [this] { fetch_all(); });
}

void SessionFeed::wake(const std::string& message) {
  // "<prefix>\n<session>" or "<prefix>\n<session>\n<event id>\n<text>".
  const auto first = message.find('\n');
  const auto second = first == std::string::npos ? first : message.find('\n', first + 1);
  if (second == std::string::npos) {
    fetch(message);
    return;
  }
  const auto third = message.find('\n', second + 1);
  const std::string member = message.substr(0, second);
  std::uint64_t id = 0;
  const auto* id_begin = message.data() + second + 1;
  const auto* id_end =
      third == std::string::npos ? message.data() + message.size() : message.data() + third;
  const auto parsed = std::from_chars(id_begin, id_end, id);
  if (third == std::string::npos || parsed.ec != std::errc() || parsed.ptr != id_end) {
    fetch(member);
    return;
  }
  offer(member, {id, std::string_view(message).substr(third + 1)});
}

std::optional<SessionFeed::ReadStart> SessionFeed::start_reading(const std::string& member) {
  std::lock_guard lock(mutex_);
  const auto found = feeds_.find(member);
  if (found == feeds_.end())
    return std::nullopt;
  const auto& feed = found->second;
  if (feed->reading) {
    feed->again = true;  // the read under way reads again when it is done
    return std::nullopt;
  }
  feed->reading = true;
  feed->again = false;
  return ReadStart{feed, feed->last_id};
}

void SessionFeed::offer(const std::string& member, Entry entry) {
  auto start = start_reading(member);
  if (!start)
    return;
  if (entry.id > 0 && start->after == "0-" + std::to_string(entry.id - 1))
    deliver(member, start->feed, {entry}, false);
  else
    read(member, start->feed, std::move(start->after));
}

void SessionFeed::serve(const std::string& member, std::shared_ptr<bus::Endpoint> endpoint,
                        std::shared_ptr<ByteBudget> budget, std::uint64_t after) {
  {
    std::lock_guard lock(mutex_);
    auto fresh = std::make_shared<Feed>();
    fresh->endpoint = std::move(endpoint);
    fresh->budget = std::move(budget);
    fresh->last_id = "0-" + std::to_string(after);
    feeds_[member] = std::move(fresh);
  }
  fetch(member);
}

bool SessionFeed::serves(const std::string& member) const {
  std::lock_guard lock(mutex_);
  return feeds_.contains(member);
}

std::vector<std::string> SessionFeed::members() const {
  std::vector<std::string> members;
  std::lock_guard lock(mutex_);
  for (const auto& [member, feed] : feeds_)
    members.push_back(member);
  return members;
}

void SessionFeed::remove(const std::string& member) {
  std::lock_guard lock(mutex_);
  feeds_.erase(member);
}

void SessionFeed::fetch_all() {
  for (const auto& member : members())
    fetch(member);
}

void SessionFeed::fetch(const std::string& member) {
  if (auto start = start_reading(member))
    read(member, start->feed, std::move(start->after));
}

void SessionFeed::read(const std::string& member, const std::shared_ptr<Feed>& feed,
                       std::string after) {
  store_.command_async(
      {"XRANGE", events_key(member), "(" + after, "+", "COUNT", std::to_string(kReadBatch)},
      [this, member, feed](Result<redis::Reply, std::string> reply) {
        if (!reply || reply->is_error()) {
          // Read again on the next wake-up or the next fetch_all().
          std::lock_guard lock(mutex_);
          feed->reading = false;
          return;
        }
        take(member, feed, *reply);
      });
}

void SessionFeed::take(const std::string& member, const std::shared_ptr<Feed>& feed,
                       const redis::Reply& entries) {
  std::vector<Entry> taken;
  taken.reserve(entries.elements.size());
  for (const auto& entry : entries.elements) {
    if (entry.elements.size() < 2 || entry.elements[1].elements.size() < 2)
      continue;
    taken.push_back({event_id_of(entry.elements[0].text), entry.elements[1].elements[1].text});
  }
  deliver(member, feed, taken, entries.elements.size() == kReadBatch);
}

void SessionFeed::deliver(const std::string& member, const std::shared_ptr<Feed>& feed,
                          const std::vector<Entry>& entries, bool read_more) {
  for (const auto& entry : entries) {
    const auto outcome =
        feed->endpoint->deliver_text(std::string(entry.text), entry.id, feed->budget);
    switch (outcome) {
      case bus::Delivery::kQueued:
        ++counters_.delivered;
        break;
      case bus::Delivery::kQueuedDroppingOldest:
        ++counters_.delivered;
        ++counters_.stream_overflow;
        break;
      case bus::Delivery::kOverBudget:
        ++counters_.budget_dropped;
        break;
      case bus::Delivery::kSessionEnded:
        break;
    }
  }
  std::string next;
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    if (!entries.empty())
      feed->last_id = "0-" + std::to_string(entries.back().id);
    more = feed->again || read_more;
    feed->again = false;
    feed->reading = more;
    next = feed->last_id;
  }
  if (!entries.empty()) {
    const auto cut = member.find('\n');
    store_.call_async("bmcp_delivered",
                      {member.substr(0, cut), member.substr(cut + 1),
                       std::to_string(entries.back().id), std::to_string(kKeptForReplay)},
                      [](Result<redis::Reply, std::string>) {});
  }
  if (more)
    read(member, feed, std::move(next));
}

std::vector<FeedSessionState> SessionFeed::states() const {
  std::vector<FeedSessionState> states;
  std::lock_guard lock(mutex_);
  states.reserve(feeds_.size());
  for (const auto& [member, feed] : feeds_) {
    const auto offline = feed->endpoint->offline_for();
    states.push_back({member, offline.count() == 0,
                      std::chrono::duration_cast<std::chrono::milliseconds>(offline).count(),
                      feed->endpoint->last_request_at(), feed->endpoint->queued_records()});
  }
  return states;
}

}  // namespace bmcp::cluster
