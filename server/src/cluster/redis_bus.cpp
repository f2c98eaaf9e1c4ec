#include "cluster/redis_bus.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "cluster/job_event_codec.hpp"
#include "cluster/record_text.hpp"

namespace bmcp::cluster {
namespace {

using Reply = redis::Reply;

std::string_view route_kind(bus::Route::Kind kind) {
  switch (kind) {
    case bus::Route::Kind::kDirect:
      return "direct";
    case bus::Route::Kind::kGroup:
      return "group";
    case bus::Route::Kind::kTypeFilter:
      return "type_filter";
    case bus::Route::Kind::kBroadcast:
      break;
  }
  return "broadcast";
}

std::vector<std::string> strings_of(const Reply& reply) {
  std::vector<std::string> strings;
  strings.reserve(reply.elements.size());
  for (const auto& element : reply.elements)
    strings.push_back(element.text);
  return strings;
}

long long integer_of(const Reply& reply) {
  if (reply.type == Reply::Type::kInteger)
    return reply.integer;
  long long value = 0;
  std::from_chars(reply.text.data(), reply.text.data() + reply.text.size(), value);
  return value;
}

double seconds_of(const Reply& reply) {
  try {
    return reply.type == Reply::Type::kInteger ? static_cast<double>(reply.integer)
                                               : std::stod(reply.text);
  } catch (const std::exception&) {
    return 0;
  }
}

std::string milliseconds(std::chrono::nanoseconds duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

std::string capabilities_text(const std::vector<std::string>& capabilities) {
  json::array array;
  for (const auto& capability : capabilities)
    array.emplace_back(capability);
  return to_json_text(array);
}

std::vector<std::string> parse_capabilities(const std::string& text) {
  std::vector<std::string> capabilities;
  const auto parsed = parse_json(text);
  if (parsed && parsed->is_array()) {
    for (const auto& item : parsed->get_array()) {
      if (item.is_string())
        capabilities.emplace_back(item.get_string());
    }
  }
  return capabilities;
}

}  // namespace

RedisBus::RedisBus(SharedStore& store, const Clock& clock, bus::BusLimits limits,
                   std::string node_id)
    : store_(store),
      clock_(clock),
      limits_(limits),
      node_id_(std::move(node_id)),
      feed_(store, node_id_, counters_) {}

void RedisBus::start() {
  feed_.start();
  store_.subscriber().subscribe("bmcp:jobs", [this](const std::string&, const std::string& text) {
    auto decoded = decode_job_event(text);
    if (!decoded) {
      spdlog::warn("cluster: ignored a job event this node cannot read");
      return;
    }
    if (decoded->node_id != node_id_)
      emit(decoded->event);
  });
}

std::shared_ptr<ByteBudget> RedisBus::budget_for(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto& budget = budgets_[user_id];
  if (!budget)
    budget = std::make_shared<ByteBudget>(limits_.max_user_bytes);
  return budget;
}

Result<json::object, std::pair<bus::RegisterError, std::string>> RedisBus::register_client(
    const std::string& user_id, bus::Registration registration,
    std::shared_ptr<bus::Endpoint> endpoint) {
  using Failure = std::pair<bus::RegisterError, std::string>;
  if (auto problem = bus::registration_problem(registration, limits_))
    return Unexpected{std::move(*problem)};
  const std::string prefix = user_prefix(user_id);
  const std::string& session = endpoint->session_id();
  auto reply = store_.call(
      "bmcp_register",
      {prefix, registration.uuid, json_string(registration.uuid), registration.client_type,
       registration.is_persistent ? "1" : "0", capabilities_text(registration.capabilities),
       registration.group_id.value_or(""), session, node_id_,
       std::to_string(static_cast<int>(endpoint->level())),
       std::to_string(limits_.max_clients_per_bus), milliseconds(limits_.offline_hold_ttl),
       std::to_string(limits_.offline_hold_messages), registration.blender_version.value_or(""),
       registration.host.value_or("")});
  if (!reply)
    return Unexpected{Failure{bus::RegisterError::kUnavailable, reply.error()}};
  const auto& fields = reply->elements;
  if (fields.size() < 10)
    return Unexpected{Failure{bus::RegisterError::kUnavailable, "unexpected store reply"}};
  if (fields[0].text == "too_many_clients")
    return Unexpected{Failure{bus::RegisterError::kTooManyClients, ""}};
  counters_.hold_expired += static_cast<std::uint64_t>(integer_of(fields[6]));
  counters_.filtered_by_level += static_cast<std::uint64_t>(integer_of(fields[7]));

  const std::string member = session_member(prefix, session);
  {
    std::lock_guard lock(mutex_);
    session_users_[member] = user_id;
  }
  // The node that serves the session's stream feeds it; a registration does not move it.
  if (fields[8].text == node_id_ && !feed_.serves(member)) {
    feed_.serve(member, endpoint, budget_for(user_id),
                static_cast<std::uint64_t>(integer_of(fields[9])));
  }

  registration.is_persistent = fields[4].text == "1";
  const double now = clock_.unix_seconds();
  const double registered_at = seconds_of(fields[3]);
  return bus::client_info(registration, seconds_of(fields[2]),
                          std::max(registered_at, endpoint->last_request_at()), true, now);
}

void RedisBus::set_level(const std::string& user_id, const std::string& session_id,
                         LogLevel level) {
  const auto done = store_.call("bmcp_set_level", {user_prefix(user_id), session_id,
                                                   std::to_string(static_cast<int>(level))});
  if (!done)
    spdlog::warn("cluster: the level of session {} is not shared: {}", session_id, done.error());
}

Result<bool, bus::Unavailable> RedisBus::unregister_client(const std::string& user_id,
                                                           const std::string& uuid) {
  auto reply = store_.call("bmcp_unregister", {user_prefix(user_id), uuid});
  if (!reply)
    return Unexpected{bus::Unavailable{reply.error()}};
  return integer_of(*reply) == 1;
}

std::optional<bus::SendRefusal> RedisBus::size_refusal(const std::string& user_id,
                                                       const bus::SendRequest& request) {
  const auto message = bus::make_message(user_id, request, clock_.unix_seconds());
  if (message->text_bytes > limits_.max_record_bytes)
    return bus::record_too_large(*message, limits_.max_record_bytes);
  return std::nullopt;
}

bus::SendOutcome RedisBus::send(const std::string& user_id, const bus::SendRequest& request,
                                bool track_job) {
  return route(user_id, request, track_job, "", "");
}

bus::ChosenSend RedisBus::send_to_chosen(const std::string& user_id, const std::string& client_type,
                                         const std::string& requested_uuid,
                                         bus::SendRequest request, bool track_job,
                                         const bus::ChosenCallback& on_chosen) {
  bus::ChosenSend chosen;
  // The store splices the chosen target in, as the recipient and as the route's target.
  request.route = bus::Route::direct(std::string(kChosenTarget));
  const Choice choice{client_type, requested_uuid, chosen};
  chosen.outcome = route(user_id, request, track_job, "", "", &choice);
  if (!chosen.target_error && !chosen.outcome.refused)
    on_chosen(chosen.target);
  return chosen;
}

namespace {

std::optional<bus::TargetError> target_error_of(const Reply& reply) {
  const auto& fields = reply.elements;
  if (fields.size() < 3 || fields[0].text != "no_target")
    return std::nullopt;
  using Kind = bus::TargetError::Kind;
  const auto& kind = fields[1].text;
  if (kind == "ambiguous")
    return bus::TargetError{Kind::kAmbiguous, {}, strings_of(fields[2])};
  if (kind == "no_client")
    return bus::TargetError{Kind::kNoClient, {}, {}};
  return bus::TargetError{kind == "offline" ? Kind::kOffline : Kind::kUnknown, {}, {}};
}

}  // namespace

bus::SendOutcome RedisBus::route(const std::string& user_id, const bus::SendRequest& request,
                                 bool track_job, const std::string& close_job,
                                 const std::string& close_generation, const Choice* choice) {
  const auto message = bus::make_message(user_id, request, clock_.unix_seconds());
  const bool oversized = message->text_bytes > limits_.max_record_bytes;
  // An oversized record is never rendered: the store only needs to know whether it has
  // recipients.
  RecordText text = oversized ? RecordText{} : split_record_text(*message);
  bus::SendOutcome outcome;
  std::vector<std::string> arguments{
      user_prefix(user_id),
      choice ? "choose" : std::string(route_kind(request.route.kind)),
      choice ? choice->requested_uuid : request.route.key,
      request.origin,
      std::to_string(static_cast<int>(request.priority)),
      std::move(text.before),
      std::move(text.after),
      oversized ? "1" : "0",
      track_job ? "1" : "0",
      message->job_id,
      std::to_string(limits_.offline_hold_messages),
      std::to_string(limits_.offline_hold_bytes),
      std::to_string(limits_.offline_hold_messages),
      milliseconds(limits_.stream_grace),
      std::to_string(limits_.max_pending_jobs_per_user),
      std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(limits_.pending_job_ttl).count()),
      close_job,
      close_generation};
  if (choice) {
    arguments.push_back(choice->client_type);
    arguments.push_back(text.after_route.value_or(""));
  }
  auto reply = store_.call("bmcp_send", std::move(arguments));
  if (!reply) {
    outcome.refused = bus::SendRefusal{std::string(bus::kBusUnavailable), reply.error()};
    return outcome;
  }
  const auto& fields = reply->elements;
  if (choice) {
    if (auto error = target_error_of(*reply)) {
      if (error->kind != bus::TargetError::Kind::kAmbiguous)
        error->target_uuid = choice->requested_uuid;
      choice->chosen.target_error = std::move(error);
      return outcome;
    }
    if (fields.size() >= 2 && fields[1].elements.size() == 1)
      choice->chosen.target = fields[1].elements[0].text;
  }
  if (fields.size() < 6) {
    outcome.refused = bus::SendRefusal{std::string(bus::kBusUnavailable), "unexpected store reply"};
    return outcome;
  }
  if (fields[0].text == "too_large") {
    ++counters_.record_too_large;
    outcome.refused = bus::record_too_large(*message, limits_.max_record_bytes);
    return outcome;
  }
  outcome.message_id = message->message_id;
  outcome.job_id = message->job_id;
  outcome.routing = message->routing;
  outcome.targets = strings_of(fields[1]);
  outcome.filtered_by_level = strings_of(fields[2]);
  outcome.offline = strings_of(fields[3]);
  outcome.dropped = strings_of(fields[4]);
  const auto& counts = fields[5].elements;
  if (counts.size() >= 5) {
    counters_.filtered_by_level += static_cast<std::uint64_t>(integer_of(counts[1]));
    counters_.held += static_cast<std::uint64_t>(integer_of(counts[2]));
    counters_.hold_overflow += static_cast<std::uint64_t>(integer_of(counts[3]));
    counters_.budget_dropped += static_cast<std::uint64_t>(integer_of(counts[4]));
  }
  if (track_job) {
    std::vector<bus::JobStartListener> listeners;
    {
      std::lock_guard lock(listeners_mutex_);
      listeners = job_start_listeners_;
    }
    const bus::JobStart start{user_id, message->job_id, outcome.targets, request.origin};
    for (const auto& listener : listeners)
      listener(start);
  }
  return outcome;
}

Result<bus::JobUpdateOutcome, bus::JobUpdateError> RedisBus::job_update(
    const std::string& user_id, const std::string& session_id, const bus::JobUpdate& update) {
  const std::string prefix = user_prefix(user_id);
  const bool terminal = bus::is_terminal_status(update.status);
  std::vector<std::string> arguments{prefix, update.job_id, session_id, terminal ? "1" : "0"};
  if (job_recording_) {
    // What the store applies and announces itself when the update reaches nobody.
    const bus::JobEvent reaching_nobody{user_id, update, terminal, true, true};
    arguments.push_back(encode_job_event(node_id_, reaching_nobody));
    auto recording = job_recording_(reaching_nobody);
    arguments.insert(arguments.end(), std::make_move_iterator(recording.begin()),
                     std::make_move_iterator(recording.end()));
  }
  auto first = store_.call("bmcp_job_reply", std::move(arguments));
  if (!first)
    return Unexpected{bus::JobUpdateError::kUnavailable};
  const auto& fields = first->elements;
  const std::string verdict = fields.empty() ? "" : fields[0].text;
  if (verdict == "not_target")
    return Unexpected{bus::JobUpdateError::kNotJobTarget};
  const bool pending = verdict == "route" || verdict == "nobody";
  bus::JobUpdateOutcome outcome{pending, {}};
  if (verdict == "nobody" && fields.size() >= 2 && fields[1].text == "1") {
    // Recorded and announced by the store already: this node's listeners only.
    emit(bus::JobEvent{user_id, update, terminal, true, false});
    return outcome;
  }
  if (verdict == "route" && fields.size() >= 3) {
    // Closes the pending job in the same call that routes the reply to its originator.
    outcome.sent = route(user_id, reply_to(user_id, update, bus::Route::direct(fields[1].text)),
                         false, terminal ? update.job_id : "", terminal ? fields[2].text : "");
  } else if (verdict == "unknown") {
    outcome.sent =
        route(user_id, reply_to(user_id, update, bus::Route::broadcast()), false, "", "");
  } else if (verdict != "nobody") {
    return Unexpected{bus::JobUpdateError::kUnavailable};
  }
  // "nobody": the originator is no client (a dispatch origin): no record is built, the store
  // already closed a terminal job.
  if (outcome.sent.refused) {
    return Unexpected{outcome.sent.refused->error == "record_too_large"
                          ? bus::JobUpdateError::kRecordTooLarge
                          : bus::JobUpdateError::kUnavailable};
  }
  // Listeners first (the job store queues the record's update), then the announcement: both
  // go out on the one command connection in that order, so a node that hears of the update
  // finds the record already updated.
  const bus::JobEvent event{user_id, update, terminal, pending, true};
  emit(event);
  store_.command_async({"PUBLISH", "bmcp:jobs", encode_job_event(node_id_, event)},
                       [job_id = update.job_id](Result<redis::Reply, std::string> published) {
                         if (!published)
                           spdlog::warn("cluster: job {} update not announced: {}", job_id,
                                        published.error());
                       });
  return outcome;
}

bus::SendRequest RedisBus::reply_to(const std::string& user_id, const bus::JobUpdate& update,
                                    bus::Route route) {
  bus::SendRequest reply;
  reply.route = std::move(route);
  reply.payload = bus::job_update_payload(update);
  reply.priority = LogLevel::kNotice;
  reply.origin = bus::server_origin(user_id);
  reply.job_id = update.job_id;
  return reply;
}

void RedisBus::emit(const bus::JobEvent& event) const {
  std::vector<bus::JobListener> listeners;
  {
    std::lock_guard lock(listeners_mutex_);
    listeners = job_listeners_;
  }
  for (const auto& listener : listeners)
    listener(event);
}

void RedisBus::add_job_listener(bus::JobListener listener) {
  std::lock_guard lock(listeners_mutex_);
  job_listeners_.push_back(std::move(listener));
}

void RedisBus::add_job_start_listener(bus::JobStartListener listener) {
  std::lock_guard lock(listeners_mutex_);
  job_start_listeners_.push_back(std::move(listener));
}

Result<std::vector<RedisBus::Listed>, bus::Unavailable> RedisBus::listed(
    const std::string& user_id) const {
  auto reply = store_.call("bmcp_list", {user_prefix(user_id), milliseconds(limits_.stream_grace)});
  if (!reply)
    return Unexpected{bus::Unavailable{reply.error()}};
  std::vector<Listed> clients;
  clients.reserve(reply->elements.size());
  for (const auto& entry : reply->elements) {
    const auto& f = entry.elements;
    if (f.size() < 10)
      continue;
    Listed client;
    client.registration.uuid = f[0].text;
    client.registration.client_type = f[1].text;
    client.registration.is_persistent = f[2].text == "1";
    client.registration.capabilities = parse_capabilities(f[3].text);
    if (!f[4].text.empty())
      client.registration.group_id = f[4].text;
    client.connected_at = seconds_of(f[5]);
    client.online = integer_of(f[8]) == 1;
    const double registered_at = seconds_of(f[6]);
    client.last_seen = registered_at;
    if (!f[7].text.empty())
      client.last_seen = seconds_of(f[7]);  // unbound: when it was last seen bound
    else if (!f[9].text.empty())
      client.last_seen = std::max(registered_at, seconds_of(f[9]));
    clients.push_back(std::move(client));
  }
  return clients;
}

Result<bus::ClientLists, bus::Unavailable> RedisBus::list(const std::string& user_id) const {
  auto clients = listed(user_id);
  if (!clients)
    return Unexpected{clients.error()};
  const double now = clock_.unix_seconds();
  bus::ClientLists lists;
  for (const auto& client : *clients) {
    auto info = bus::client_info(client.registration, client.connected_at, client.last_seen,
                                 client.online, now);
    (client.registration.is_persistent ? lists.persistent : lists.ephemeral)
        .push_back(std::move(info));
  }
  return lists;
}

Result<std::vector<bus::Candidate>, bus::Unavailable> RedisBus::clients_of_type(
    const std::string& user_id, const std::string& client_type) const {
  auto clients = listed(user_id);
  if (!clients)
    return Unexpected{clients.error()};
  // Registration order is connected_at order: the store lists them so.
  std::vector<bus::Candidate> candidates;
  for (const auto& client : *clients) {
    if (client.registration.client_type == client_type)
      candidates.push_back({client.registration.uuid, client.online});
  }
  return candidates;
}

Result<std::vector<bus::ClientDetail>, bus::Unavailable> RedisBus::client_details(
    const std::string& user_id) const {
  auto reply = store_.call("bmcp_client_details", {user_prefix(user_id)});
  if (!reply)
    return Unexpected{bus::Unavailable{reply.error()}};
  if (reply->is_error())
    return Unexpected{bus::Unavailable{reply->text}};
  std::vector<bus::ClientDetail> details;
  details.reserve(reply->elements.size());
  for (const auto& entry : reply->elements) {
    const auto& f = entry.elements;
    if (f.size() < 5)
      continue;
    bus::ClientDetail detail;
    detail.uuid = f[0].text;
    detail.queued = static_cast<std::size_t>(std::max(0LL, integer_of(f[1])));
    detail.held = static_cast<std::size_t>(std::max(0LL, integer_of(f[2])));
    if (!f[3].text.empty())
      detail.blender_version = f[3].text;
    if (!f[4].text.empty())
      detail.host = f[4].text;
    details.push_back(std::move(detail));
  }
  return details;
}

void RedisBus::report_queued() {
  const auto states = feed_.states();
  std::vector<std::string> arguments;
  std::vector<std::string> sent;
  {
    std::lock_guard lock(queued_mutex_);
    std::map<std::string, std::size_t> current;
    for (const auto& state : states) {
      current.emplace(state.member, state.queued);
      const auto last = reported_queued_.find(state.member);
      if (last != reported_queued_.end() && last->second == state.queued)
        continue;
      arguments.push_back(state.member);
      arguments.push_back(std::to_string(state.queued));
      sent.push_back(state.member);
    }
    // Sessions this node no longer serves are forgotten: if one comes back, it is reported anew.
    reported_queued_ = std::move(current);
  }
  if (arguments.empty())
    return;
  store_.call_async("bmcp_report_queued", std::move(arguments),
                    [this, sent = std::move(sent)](Result<redis::Reply, std::string> reply) {
                      if (reply && !reply->is_error())
                        return;
                      // Not shared: the next heartbeat reports these sessions again.
                      std::lock_guard lock(queued_mutex_);
                      for (const auto& member : sent)
                        reported_queued_.erase(member);
                    });
}

Result<bus::BusStats, bus::Unavailable> RedisBus::stats(const std::string& user_id) const {
  auto reply = store_.call("bmcp_stats", {user_prefix(user_id)});
  if (!reply)
    return Unexpected{bus::Unavailable{reply.error()}};
  bus::BusStats stats;
  if (reply->elements.size() >= 3) {
    stats.persistent = static_cast<std::size_t>(integer_of(reply->elements[0]));
    stats.ephemeral = static_cast<std::size_t>(integer_of(reply->elements[1]));
    stats.pending_jobs = static_cast<std::size_t>(integer_of(reply->elements[2]));
  }
  return stats;
}

void RedisBus::end_session(const std::string& user_id, const std::string& session_id) {
  const std::string prefix = user_prefix(user_id);
  const std::string member = session_member(prefix, session_id);
  {
    std::lock_guard lock(mutex_);
    if (session_users_.erase(member) == 0)
      return;  // no client was ever bound to it on this node
  }
  feed_.remove(member);
  const auto seen = fmt::format("{:.3f}", clock_.unix_seconds());
  auto done = store_.call("bmcp_end_session",
                          {prefix, session_id, seen, std::to_string(limits_.offline_hold_messages),
                           std::to_string(limits_.offline_hold_bytes)});
  if (!done) {
    // The node's heartbeat stops naming it; its clients go offline when the store is back
    // and the session is reaped with this node's other sessions at its next restart, or now
    // if another node sees this node dead.
    spdlog::warn("cluster: session {} not ended in the shared store: {}", session_id, done.error());
  }
}

std::vector<bus::ClientState> RedisBus::client_states() const {
  std::vector<bus::ClientState> states;
  if (!store_.status().connected)
    return states;
  auto reply = store_.call("bmcp_client_states", {milliseconds(limits_.stream_grace)});
  if (!reply)
    return states;
  for (const auto& entry : reply->elements) {
    if (entry.elements.size() >= 2)
      states.push_back({entry.elements[0].text, integer_of(entry.elements[1]) == 1});
  }
  return states;
}

void RedisBus::serve_stream(const std::string& user_id, std::shared_ptr<bus::Endpoint> endpoint,
                            std::optional<std::uint64_t> last_event_id) {
  const std::string prefix = user_prefix(user_id);
  const std::string member = session_member(prefix, endpoint->session_id());
  auto claimed = store_.call("bmcp_claim", {prefix, endpoint->session_id(), node_id_});
  if (!claimed) {
    spdlog::warn("cluster: session {} not taken over: {}", endpoint->session_id(), claimed.error());
    return;
  }
  if (claimed->elements.size() < 2)
    return;  // no client is bound to it: nothing to feed
  const bool already_here = claimed->elements[1].text == node_id_ && feed_.serves(member);
  if (already_here)
    return;
  {
    std::lock_guard lock(mutex_);
    session_users_[member] = user_id;
  }
  const auto delivered = static_cast<std::uint64_t>(integer_of(claimed->elements[0]));
  feed_.serve(member, std::move(endpoint), budget_for(user_id), last_event_id.value_or(delivered));
}

void RedisBus::reclaim_sessions() {
  for (const auto& member : feed_.members()) {
    const auto cut = member.find('\n');
    store_.call_async("bmcp_claim", {member.substr(0, cut), member.substr(cut + 1), node_id_},
                      [](Result<redis::Reply, std::string>) {});
  }
}

void RedisBus::forget_here(const std::string& user_id, const std::string& session_id) {
  const std::string member = session_member(user_prefix(user_id), session_id);
  {
    std::lock_guard lock(mutex_);
    session_users_.erase(member);
  }
  feed_.remove(member);
}

void RedisBus::leave() {
  auto done = store_.call("bmcp_leave", {node_id_, std::to_string(limits_.offline_hold_messages),
                                         std::to_string(limits_.offline_hold_bytes)});
  if (!done)
    spdlog::warn("cluster: this node's sessions were not released: {}", done.error());
}

void RedisBus::drop_user(const std::string& user_id) {
  const std::string prefix = user_prefix(user_id);
  std::vector<std::string> members;
  {
    std::lock_guard lock(mutex_);
    for (auto it = session_users_.begin(); it != session_users_.end();) {
      if (it->second == user_id) {
        members.push_back(it->first);
        it = session_users_.erase(it);
      } else {
        ++it;
      }
    }
    budgets_.erase(user_id);
  }
  for (const auto& member : members)
    feed_.remove(member);
  auto done = store_.call("bmcp_drop_user", {prefix});
  if (!done)
    spdlog::warn("cluster: user {} not dropped from the shared store: {}", user_id, done.error());
}

void RedisBus::sweep() {
  store_.call_async("bmcp_expire_held", {milliseconds(limits_.offline_hold_ttl)},
                    [this](Result<redis::Reply, std::string> reply) {
                      if (reply && !reply->is_error())
                        counters_.hold_expired += static_cast<std::uint64_t>(integer_of(*reply));
                    });
}

bus::HubCounts RedisBus::counts() const {
  bus::HubCounts counts;
  if (!store_.status().connected)
    return counts;  // /health answers at once while the store is away
  auto reply = store_.call("bmcp_counts", {});
  if (reply && reply->elements.size() >= 2) {
    counts.buses = static_cast<std::size_t>(integer_of(reply->elements[0]));
    counts.clients = static_cast<std::size_t>(integer_of(reply->elements[1]));
  }
  return counts;
}

}  // namespace bmcp::cluster
