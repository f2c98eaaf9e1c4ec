#include "bus/bus.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/random.hpp"

namespace bmcp::bus {

std::string_view error_word(RegisterError error) {
  switch (error) {
    case RegisterError::kInvalidClientUuid:
      return "invalid_client_uuid";
    case RegisterError::kInvalidClientType:
      return "invalid_client_type";
    case RegisterError::kInvalidGroupId:
      return "invalid_group_id";
    case RegisterError::kInvalidCapabilities:
      return "invalid_capabilities";
    case RegisterError::kInvalidBlenderVersion:
      return "invalid_blender_version";
    case RegisterError::kInvalidHost:
      return "invalid_host";
    case RegisterError::kTooManyClients:
      return "too_many_clients";
    case RegisterError::kUnavailable:
      return "bus_unavailable";
  }
  return "error";
}

Bus::Bus(std::string user_id, const Clock& clock, const BusLimits& limits, BusCounters& counters)
    : user_id_(std::move(user_id)),
      clock_(clock),
      limits_(limits),
      counters_(counters),
      budget_(std::make_shared<ByteBudget>(limits.max_user_bytes)) {}

std::optional<std::pair<RegisterError, std::string>> registration_problem(
    const Registration& registration, const BusLimits& limits) {
  using Problem = std::pair<RegisterError, std::string>;
  if (!is_valid_client_uuid(registration.uuid))
    return Problem{RegisterError::kInvalidClientUuid,
                   "client_uuid must be 1 to 128 characters without spaces or control "
                   "characters, and must not start with server: or server-dispatch:"};
  const auto& type = registration.client_type;
  if (type.empty() || type.size() > limits.max_client_type_length)
    return Problem{
        RegisterError::kInvalidClientType,
        fmt::format("client_type must be 1 to {} characters", limits.max_client_type_length)};
  if (registration.group_id && registration.group_id->size() > limits.max_group_id_length)
    return Problem{
        RegisterError::kInvalidGroupId,
        fmt::format("group_id must be at most {} characters", limits.max_group_id_length)};
  const auto& capabilities = registration.capabilities;
  if (capabilities.size() > limits.max_capabilities)
    return Problem{
        RegisterError::kInvalidCapabilities,
        fmt::format("capabilities may list at most {} entries", limits.max_capabilities)};
  for (const auto& capability : capabilities) {
    if (capability.size() > limits.max_capability_length)
      return Problem{RegisterError::kInvalidCapabilities,
                     fmt::format("each capability must be at most {} characters",
                                 limits.max_capability_length)};
  }
  if (!is_reported_text(registration.blender_version, limits.max_blender_version_length))
    return Problem{RegisterError::kInvalidBlenderVersion,
                   fmt::format("blender_version must be 1 to {} characters without control "
                               "characters",
                               limits.max_blender_version_length)};
  if (!is_reported_text(registration.host, limits.max_host_length))
    return Problem{RegisterError::kInvalidHost,
                   fmt::format("host must be 1 to {} characters without control characters",
                               limits.max_host_length)};
  return std::nullopt;
}

Result<json::object, RegisterError> Bus::register_client(Registration registration,
                                                         std::shared_ptr<Endpoint> endpoint) {
  if (const auto problem = registration_problem(registration, limits_))
    return Unexpected{problem->first};
  const double now = clock_.unix_seconds();
  std::lock_guard lock(mutex_);
  auto found = clients_.find(registration.uuid);
  if (found == clients_.end()) {
    if (clients_.size() >= limits_.max_clients_per_bus)
      return Unexpected{RegisterError::kTooManyClients};
    Client client;
    client.order = next_order_++;
    client.connected_at = now;
    client.registration.uuid = registration.uuid;
    client.registration.is_persistent = registration.is_persistent;
    found = clients_.emplace(registration.uuid, std::move(client)).first;
  }
  Client& client = found->second;
  client.registration.client_type = std::move(registration.client_type);
  client.registration.capabilities = std::move(registration.capabilities);
  client.registration.group_id = std::move(registration.group_id);
  client.registration.blender_version = std::move(registration.blender_version);
  client.registration.host = std::move(registration.host);
  client.registered_at = now;
  client.endpoint = std::move(endpoint);
  flush_held_locked(client);
  return client.info(now, limits_.stream_grace);
}

bool Bus::unregister_client(std::string_view uuid) {
  std::lock_guard lock(mutex_);
  const auto found = clients_.find(uuid);
  if (found == clients_.end())
    return false;
  clients_.erase(found);
  return true;
}

std::shared_ptr<Message> make_message(const std::string& user_id, const SendRequest& request,
                                      double unix_seconds) {
  auto message = std::make_shared<Message>();
  message->user_id = user_id;
  message->from_uuid = request.origin;
  message->routing = request.route.to_json();
  message->payload = request.payload;
  message->message_id = random_uuid4();
  message->job_id = request.job_id.value_or(message->message_id);
  message->priority = request.priority;
  message->timestamp = wire_timestamp(unix_seconds);
  // Rendered once here, for its measured size and for every recipient's record.
  message->text = std::make_shared<const RecordText>(render_record_text(*message));
  message->text_bytes = record_text_bytes(*message);
  return message;
}

SendRefusal record_too_large(const Message& message, std::size_t max_record_bytes) {
  return SendRefusal{"record_too_large",
                     fmt::format("the record would be {} bytes; the limit is {} bytes "
                                 "(max_record_bytes)",
                                 message.text_bytes, max_record_bytes)};
}

std::shared_ptr<const Message> Bus::prepare(const SendRequest& request) const {
  return make_message(user_id_, request, clock_.unix_seconds());
}

std::optional<SendRefusal> Bus::size_refusal(const SendRequest& request) const {
  return size_refusal(*prepare(request));
}

std::optional<SendRefusal> Bus::size_refusal(const Message& prepared) const {
  if (prepared.text_bytes > limits_.max_record_bytes)
    return record_too_large(prepared, limits_.max_record_bytes);
  return std::nullopt;
}

SendOutcome Bus::send(const SendRequest& request, const BeforeDelivery& before_delivery) {
  return send(request, before_delivery, prepare(request));
}

SendOutcome Bus::send(const SendRequest& request, const BeforeDelivery& before_delivery,
                      std::shared_ptr<const Message> message) {
  SendOutcome outcome;
  std::lock_guard lock(mutex_);
  const auto recipients = recipients_locked(request.route, request.origin);
  if (!recipients.empty() && message->text_bytes > limits_.max_record_bytes) {
    ++counters_.record_too_large;
    outcome.refused = record_too_large(*message, limits_.max_record_bytes);
    return outcome;
  }
  ++counters_.routed;
  outcome.message_id = message->message_id;
  outcome.job_id = message->job_id;
  outcome.routing = message->routing;
  for (const Client* client : recipients)
    outcome.targets.push_back(client->registration.uuid);
  if (before_delivery)
    before_delivery(*message, outcome.targets);
  for (Client* client : recipients)
    deliver_locked(*client, message, outcome);
  return outcome;
}

std::vector<Client*> Bus::recipients_locked(const Route& route, std::string_view origin) {
  std::vector<Client*> recipients;
  if (route.kind == Route::Kind::kDirect) {
    if (auto found = clients_.find(route.key); found != clients_.end())
      recipients.push_back(&found->second);
    return recipients;
  }
  for (auto& [uuid, client] : clients_) {
    const auto& registration = client.registration;
    bool wanted = false;
    switch (route.kind) {
      case Route::Kind::kGroup:
        wanted = registration.group_id == route.key;
        break;
      case Route::Kind::kTypeFilter:
        wanted = registration.client_type == route.key;
        break;
      case Route::Kind::kBroadcast:
        wanted = uuid != origin;
        break;
      case Route::Kind::kDirect:
        break;
    }
    if (wanted)
      recipients.push_back(&client);
  }
  std::sort(recipients.begin(), recipients.end(),
            [](const Client* a, const Client* b) { return a->order < b->order; });
  return recipients;
}

void Bus::deliver_locked(Client& client, const std::shared_ptr<const Message>& message,
                         SendOutcome& outcome) {
  const std::string& uuid = client.registration.uuid;
  if (!client.endpoint) {
    hold_locked(client, message, outcome);
    return;
  }
  if (!passes(message->priority, client.endpoint->level())) {
    outcome.filtered_by_level.push_back(uuid);
    ++counters_.filtered_by_level;
    return;
  }
  const bool online = client.online(limits_.stream_grace);
  switch (client.endpoint->deliver(*message, uuid, budget_)) {
    case Delivery::kQueued:
      ++counters_.delivered;
      break;
    case Delivery::kQueuedDroppingOldest:
      ++counters_.delivered;
      ++counters_.stream_overflow;
      outcome.dropped.push_back(uuid);
      break;
    case Delivery::kOverBudget:
      ++counters_.budget_dropped;
      outcome.dropped.push_back(uuid);
      return;
    case Delivery::kSessionEnded:
      // The session ended a moment ago and the bus has not heard yet.
      if (client.registration.is_persistent) {
        client.last_seen_when_unbound = client.last_seen();
        client.endpoint.reset();
        hold_locked(client, message, outcome);
      } else {
        outcome.dropped.push_back(uuid);
      }
      return;
  }
  if (!online)
    outcome.offline.push_back(uuid);
}

void Bus::hold_locked(Client& client, const std::shared_ptr<const Message>& message,
                      SendOutcome& outcome) {
  outcome.offline.push_back(client.registration.uuid);
  const auto held = client.hold.hold(
      message, clock_.steady_now(),
      HoldBounds{limits_.offline_hold_messages, limits_.offline_hold_bytes}, budget_);
  if (held.kept)
    ++counters_.held;
  else
    ++counters_.budget_dropped;
  if (held.dropped_oldest)
    ++counters_.hold_overflow;
  if (held.dropped_oldest || !held.kept)
    outcome.dropped.push_back(client.registration.uuid);
}

void Bus::flush_held_locked(Client& client) {
  if (client.hold.size() == 0)
    return;
  counters_.hold_expired += client.hold.expire(clock_.steady_now(), limits_.offline_hold_ttl);
  SendOutcome ignored;
  for (auto& held : client.hold.take()) {
    held.charge.reset();  // the stream charges it again while it waits there
    deliver_locked(client, held.message, ignored);
  }
}

std::vector<const Client*> Bus::ordered_locked() const {
  std::vector<const Client*> ordered;
  ordered.reserve(clients_.size());
  for (const auto& [uuid, client] : clients_)
    ordered.push_back(&client);
  std::sort(ordered.begin(), ordered.end(),
            [](const Client* a, const Client* b) { return a->order < b->order; });
  return ordered;
}

ClientLists Bus::list() const {
  const double now = clock_.unix_seconds();
  ClientLists lists;
  std::lock_guard lock(mutex_);
  for (const Client* client : ordered_locked()) {
    auto& bucket = client->registration.is_persistent ? lists.persistent : lists.ephemeral;
    bucket.push_back(client->info(now, limits_.stream_grace));
  }
  return lists;
}

std::vector<Candidate> Bus::clients_of_type(std::string_view client_type) const {
  std::vector<Candidate> candidates;
  std::lock_guard lock(mutex_);
  for (const Client* client : ordered_locked()) {
    if (client->registration.client_type == client_type)
      candidates.push_back({client->registration.uuid, client->online(limits_.stream_grace)});
  }
  return candidates;
}

std::vector<ClientDetail> Bus::details() const {
  std::vector<ClientDetail> details;
  std::lock_guard lock(mutex_);
  for (const Client* client : ordered_locked()) {
    const auto& registration = client->registration;
    details.push_back({registration.uuid, client->endpoint ? client->endpoint->queued_records() : 0,
                       client->hold.size(), registration.blender_version, registration.host});
  }
  return details;
}

std::size_t Bus::persistent_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(clients_.begin(), clients_.end(), [](auto& kv) {
    return kv.second.registration.is_persistent;
  }));
}

std::size_t Bus::ephemeral_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(clients_.begin(), clients_.end(), [](auto& kv) {
    return !kv.second.registration.is_persistent;
  }));
}

bool Bus::is_bound_to_any(const std::vector<std::string>& uuids,
                          std::string_view session_id) const {
  std::lock_guard lock(mutex_);
  return std::any_of(uuids.begin(), uuids.end(), [&](const std::string& uuid) {
    const auto found = clients_.find(uuid);
    return found != clients_.end() && found->second.endpoint &&
           found->second.endpoint->session_id() == session_id;
  });
}

void Bus::end_session(std::string_view session_id) {
  std::lock_guard lock(mutex_);
  for (auto it = clients_.begin(); it != clients_.end();) {
    Client& client = it->second;
    if (!client.endpoint || client.endpoint->session_id() != session_id) {
      ++it;
      continue;
    }
    if (!client.registration.is_persistent) {
      it = clients_.erase(it);
      continue;
    }
    client.last_seen_when_unbound = client.last_seen();
    client.endpoint.reset();
    ++it;
  }
}

void Bus::expire_held() {
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  for (auto& [uuid, client] : clients_)
    counters_.hold_expired += client.hold.expire(now, limits_.offline_hold_ttl);
}

}  // namespace bmcp::bus
