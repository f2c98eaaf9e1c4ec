#include "console/console_feed.hpp"

#include <algorithm>
#include <set>

#include "core/log_level.hpp"

namespace bmcp::console {
namespace {

// `text` cut to at most `bytes` bytes at a UTF-8 character boundary, with "…" when cut.
std::string cut_utf8(std::string text, std::size_t bytes) {
  if (text.size() <= bytes)
    return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  text.resize(end);
  return text + "\u2026";
}

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& value : values)
    out.emplace_back(value);
  return out;
}

// A client's listing without the fields that change every second by themselves.
json::object stable_client(const json::value& info) {
  json::object out = info.as_object();
  out.erase("last_seen_seconds_ago");
  out.erase("last_seen");
  return out;
}

// The console's view of one listed client: its stable ClientInfo keys plus `queued`, `held`
// (persistent clients that are offline only), `blender_version` and `host` (where reported).
json::object console_client(const json::value& info,
                            const std::map<std::string, bus::ClientDetail, std::less<>>& details) {
  json::object out = stable_client(info);
  const auto* uuid = out.if_contains("uuid");
  const auto found = uuid && uuid->is_string() ? details.find(std::string_view(uuid->get_string()))
                                               : details.end();
  if (found == details.end())
    return out;
  const auto& detail = found->second;
  out["queued"] = detail.queued;
  const auto* persistent = out.if_contains("is_persistent");
  const auto* online = out.if_contains("online");
  if (persistent && persistent->is_bool() && persistent->get_bool() && online &&
      online->is_bool() && !online->get_bool())
    out["held"] = detail.held;
  if (detail.blender_version)
    out["blender_version"] = *detail.blender_version;
  if (detail.host)
    out["host"] = *detail.host;
  return out;
}

json::array console_clients(const json::array& clients,
                            const std::map<std::string, bus::ClientDetail, std::less<>>& details) {
  json::array out;
  for (const auto& client : clients)
    out.push_back(console_client(client, details));
  return out;
}

}  // namespace

std::string sse_frame(std::string_view event, const json::value& data) {
  std::string frame = "event: ";
  frame.append(event);
  frame.append("\ndata: ");
  frame.append(to_json_text(data));
  frame.append("\n\n");
  return frame;
}

ConsoleFeed::ConsoleFeed(const bus::BusService& bus, const Clock& clock, FeedLimits limits)
    : bus_(bus), clock_(clock), limits_(limits), jobs_(limits.jobs_per_user) {}

std::uint64_t ConsoleFeed::subscribe(const std::string& user_id, FrameSink sink, std::string tag) {
  auto clients = list_clients(user_id);
  std::lock_guard lock(mutex_);
  if (pages_locked(user_id) >= limits_.pages_per_user)
    return 0;
  const auto id = next_subscriber_++;
  listed_clients_[user_id] = to_json_text(clients);
  json::array tail;
  if (const auto found = tails_.find(user_id); found != tails_.end())
    tail = json::array(found->second.begin(), found->second.end());
  const std::string frames =
      sse_frame("clients", clients) +
      sse_frame("jobs", json::object{{"jobs", jobs_.list(user_id)}}) +
      sse_frame("tail", json::object{{"records", std::move(tail)}}) +
      sse_frame("images", json::object{{"images", images_json_locked(user_id)}});
  if (sink(std::make_shared<const std::string>(frames)))
    subscribers_.emplace(id, Subscriber{user_id, std::move(sink), std::move(tag)});
  return id;
}

void ConsoleFeed::unsubscribe(std::uint64_t subscription) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(subscription);
}

std::map<std::uint64_t, std::string> ConsoleFeed::pages() const {
  std::lock_guard lock(mutex_);
  std::map<std::uint64_t, std::string> out;
  for (const auto& [id, subscriber] : subscribers_)
    out.emplace(id, subscriber.tag);
  return out;
}

void ConsoleFeed::end_pages(const std::function<bool(const std::string& tag)>& ended) {
  std::lock_guard lock(mutex_);
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    if (!ended(it->second.tag)) {
      ++it;
      continue;
    }
    it->second.sink(nullptr);
    it = subscribers_.erase(it);
  }
}

bool ConsoleFeed::has_room(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  return pages_locked(user_id) < limits_.pages_per_user;
}

std::size_t ConsoleFeed::pages_locked(const std::string& user_id) const {
  return static_cast<std::size_t>(
      std::count_if(subscribers_.begin(), subscribers_.end(),
                    [&user_id](const auto& entry) { return entry.second.user_id == user_id; }));
}

std::size_t ConsoleFeed::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

void ConsoleFeed::refresh_clients() {
  std::set<std::string> users;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, subscriber] : subscribers_)
      users.insert(subscriber.user_id);
  }
  for (const auto& user : users)
    publish_clients(user, list_clients(user));
}

json::object ConsoleFeed::list_clients(const std::string& user_id) const {
  const auto listed = bus_.list(user_id);
  if (!listed)
    return json::object{{"error", listed.error().detail}};
  // A second read, after the listing: a client that left in between is shown without its
  // counts until the next refresh (every second).
  const auto details = bus_.client_details(user_id);
  std::map<std::string, bus::ClientDetail, std::less<>> by_uuid;
  if (details) {
    for (const auto& detail : *details)
      by_uuid.emplace(detail.uuid, detail);
  }
  json::object clients{{"persistent", console_clients(listed->persistent, by_uuid)},
                       {"ephemeral", console_clients(listed->ephemeral, by_uuid)}};
  if (!details)
    clients["details_error"] = details.error().detail;
  return clients;
}

void ConsoleFeed::publish_clients(const std::string& user_id, json::object clients) {
  auto text = to_json_text(clients);
  std::lock_guard lock(mutex_);
  auto& last = listed_clients_[user_id];
  if (last == text)
    return;
  last = std::move(text);
  send_locked(user_id, "clients", clients);
}

void ConsoleFeed::on_clients_changed(const std::string& user_id) {
  {
    std::lock_guard lock(mutex_);
    const bool watched =
        std::any_of(subscribers_.begin(), subscribers_.end(),
                    [&user_id](const auto& entry) { return entry.second.user_id == user_id; });
    if (!watched) {
      listed_clients_.erase(user_id);
      return;
    }
  }
  publish_clients(user_id, list_clients(user_id));
}

void ConsoleFeed::on_user_dropped(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    if (it->second.user_id != user_id) {
      ++it;
      continue;
    }
    it->second.sink(nullptr);
    it = subscribers_.erase(it);
  }
  jobs_.drop_user(user_id);
  tails_.erase(user_id);
  images_.erase(user_id);
  listed_clients_.erase(user_id);
}

std::string ConsoleFeed::summary(const json::value& payload) const {
  return cut_utf8(to_json_text(payload), limits_.summary_bytes);
}

json::object ConsoleFeed::send_record(const bus::SendRequest& request,
                                      const bus::SendOutcome& outcome) const {
  json::object record{{"kind", "send"},
                      {"at", clock_.unix_seconds()},
                      {"from", request.origin},
                      {"to", strings(outcome.targets)},
                      {"priority", level_name(request.priority)},
                      {"routing", outcome.routing},
                      {"job_id", outcome.job_id},
                      {"summary", summary(request.payload)}};
  if (outcome.refused)
    record["refused"] = outcome.refused->error + ": " + outcome.refused->detail;
  if (!outcome.offline.empty())
    record["offline"] = strings(outcome.offline);
  if (!outcome.dropped.empty())
    record["dropped"] = strings(outcome.dropped);
  return record;
}

json::object ConsoleFeed::job_update_record(const bus::JobUpdate& update,
                                            const bus::JobUpdateOutcome& outcome) const {
  json::object payload = bus::job_update_payload(update);
  if (payload.contains("images"))
    payload["images"] =
        "(" + std::to_string(update.images ? update.images->size() : 0) + " images)";
  return json::object{{"kind", "job_update"},
                      {"at", clock_.unix_seconds()},
                      {"from", "job " + update.job_id},
                      {"to", strings(outcome.sent.targets)},
                      {"priority", "info"},
                      {"routing", outcome.sent.routing},
                      {"job_id", update.job_id},
                      {"summary", summary(payload)}};
}

void ConsoleFeed::add_record(const std::string& user_id, json::object record) {
  std::lock_guard lock(mutex_);
  add_tail_locked(user_id, std::move(record));
}

void ConsoleFeed::on_send(const std::string& user_id, const bus::SendRequest& request,
                          const bus::SendOutcome& outcome) {
  add_record(user_id, send_record(request, outcome));
}

void ConsoleFeed::on_job_update_routed(const std::string& user_id, const bus::JobUpdate& update,
                                       const bus::JobUpdateOutcome& outcome) {
  add_record(user_id, job_update_record(update, outcome));
}

void ConsoleFeed::add_tail_locked(const std::string& user_id, json::object record) {
  record["seq"] = next_record_++;
  auto& tail = tails_[user_id];
  tail.push_front(std::move(record));
  if (has_subscriber_locked(user_id))
    send_locked(user_id, "record", json::object{{"record", tail.front()}});
  while (tail.size() > limits_.tail_per_user)
    tail.pop_back();
}

void ConsoleFeed::on_job_started(const std::string& user_id, const jobs::JobRecord& record,
                                 bool track_only) {
  std::lock_guard lock(mutex_);
  send_job_locked(user_id, &jobs_.start(user_id, record, track_only));
}

void ConsoleFeed::on_job_event(const bus::JobEvent& event) {
  const double now = clock_.unix_seconds();
  std::lock_guard lock(mutex_);
  const JobView* view = jobs_.apply(event, now);
  send_job_locked(event.user_id, view);
  if (!event.update.images || event.update.images->empty())
    return;
  ImageSet set;
  set.client = view && !view->record.target_uuids.empty() ? view->record.target_uuids.front() : "";
  set.job_id = event.update.job_id;
  set.at = now;
  set.images = event.update.images;
  auto& by_client = images_[event.user_id].by_client;
  by_client.insert_or_assign(set.client, set);
  while (by_client.size() > limits_.image_clients_per_user) {
    auto oldest = by_client.begin();
    for (auto it = by_client.begin(); it != by_client.end(); ++it)
      if (it->second.at < oldest->second.at)
        oldest = it;
    by_client.erase(oldest);
  }
  send_locked(event.user_id, "images", json::object{{"images", images_json_locked(event.user_id)}});
}

void ConsoleFeed::on_job_timed_out(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  send_job_locked(user_id, jobs_.timed_out(user_id, job_id, clock_.unix_seconds()));
}

void ConsoleFeed::on_job_cancelled(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  send_job_locked(user_id, jobs_.cancelled(user_id, job_id, clock_.unix_seconds()));
}

void ConsoleFeed::on_job_forgotten(const std::string& user_id, const std::string& job_id) {
  std::lock_guard lock(mutex_);
  if (jobs_.forget(user_id, job_id))
    send_locked(user_id, "jobs", json::object{{"jobs", jobs_.list(user_id)}});
}

void ConsoleFeed::send_job_locked(const std::string& user_id, const JobView* view) {
  // A job's JSON view is built only for a console that is watching (most dispatches have none).
  if (view && has_subscriber_locked(user_id))
    send_locked(user_id, "job", json::object{{"job", view->to_json()}});
}

bool ConsoleFeed::has_subscriber_locked(const std::string& user_id) const {
  return std::any_of(subscribers_.begin(), subscribers_.end(),
                     [&](const auto& entry) { return entry.second.user_id == user_id; });
}

json::array ConsoleFeed::images_json_locked(const std::string& user_id) const {
  json::array out;
  const auto user = images_.find(user_id);
  if (user == images_.end())
    return out;
  for (const auto& [client, set] : user->second.by_client) {
    json::array items;
    for (const auto& image : *set.images)
      items.push_back(json::object{{"label", image.label}, {"mime_type", image.mime_type}});
    out.push_back(json::object{
        {"client", client}, {"job_id", set.job_id}, {"at", set.at}, {"images", std::move(items)}});
  }
  return out;
}

std::optional<ImageSet> ConsoleFeed::images(const std::string& user_id,
                                            const std::string& client) const {
  std::lock_guard lock(mutex_);
  const auto user = images_.find(user_id);
  if (user == images_.end())
    return std::nullopt;
  const auto found = user->second.by_client.find(client);
  if (found == user->second.by_client.end())
    return std::nullopt;
  return found->second;
}

void ConsoleFeed::send_locked(const std::string& user_id, std::string_view event,
                              const json::value& data) {
  std::shared_ptr<const std::string> frame;
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    if (it->second.user_id != user_id) {
      ++it;
      continue;
    }
    if (!frame)
      frame = std::make_shared<const std::string>(sse_frame(event, data));
    it = it->second.sink(frame) ? std::next(it) : subscribers_.erase(it);
  }
}

}  // namespace bmcp::console
