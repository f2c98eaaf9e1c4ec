#include "bus/bus_hub.hpp"

namespace bmcp::bus {

std::string_view error_word(JobUpdateError error) {
  switch (error) {
    case JobUpdateError::kNotJobTarget:
      return "not_job_target";
    case JobUpdateError::kRecordTooLarge:
      return "record_too_large";
    case JobUpdateError::kUnavailable:
      return kBusUnavailable;
  }
  return "error";
}

std::string server_origin(std::string_view user_id) {
  return "server:" + std::string(user_id);
}

BusHub::BusHub(const Clock& clock, BusLimits limits)
    : clock_(clock), limits_(limits), pending_jobs_(clock, limits_, counters_) {}

std::shared_ptr<Bus> BusHub::bus_for(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto& bus = buses_[user_id];
  if (!bus)
    bus = std::make_shared<Bus>(user_id, clock_, limits_, counters_);
  return bus;
}

std::shared_ptr<Bus> BusHub::find(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  const auto found = buses_.find(user_id);
  return found == buses_.end() ? nullptr : found->second;
}

Result<json::object, std::pair<RegisterError, std::string>> BusHub::register_client(
    const std::string& user_id, Registration registration, std::shared_ptr<Endpoint> endpoint) {
  if (auto problem = registration_problem(registration, limits_))
    return Unexpected{std::move(*problem)};
  auto info = bus_for(user_id)->register_client(std::move(registration), std::move(endpoint));
  if (!info)
    return Unexpected{std::pair<RegisterError, std::string>(info.error(), "")};
  return std::move(info.value());
}

Result<bool, Unavailable> BusHub::unregister_client(const std::string& user_id,
                                                    const std::string& uuid) {
  const auto bus = find(user_id);
  return bus && bus->unregister_client(uuid);
}

std::optional<SendRefusal> BusHub::size_refusal(const std::string& user_id,
                                                const SendRequest& request) {
  return bus_for(user_id)->size_refusal(request);
}

Result<ClientLists, Unavailable> BusHub::list(const std::string& user_id) const {
  if (const auto bus = find(user_id))
    return bus->list();
  return ClientLists{};
}

Result<std::vector<Candidate>, Unavailable> BusHub::clients_of_type(
    const std::string& user_id, const std::string& client_type) const {
  if (const auto bus = find(user_id))
    return bus->clients_of_type(client_type);
  return std::vector<Candidate>{};
}

Result<std::vector<ClientDetail>, Unavailable> BusHub::client_details(
    const std::string& user_id) const {
  if (const auto bus = find(user_id))
    return bus->details();
  return std::vector<ClientDetail>{};
}

Result<BusStats, Unavailable> BusHub::stats(const std::string& user_id) const {
  BusStats stats;
  if (const auto bus = find(user_id)) {
    stats.persistent = bus->persistent_count();
    stats.ephemeral = bus->ephemeral_count();
  }
  stats.pending_jobs = pending_jobs_for(user_id);
  return stats;
}

ChosenSend BusHub::send_to_chosen(const std::string& user_id, const std::string& client_type,
                                  const std::string& requested_uuid, SendRequest request,
                                  bool track_job, const ChosenCallback& on_chosen) {
  ChosenSend chosen;
  auto target = choose_target(bus_for(user_id)->clients_of_type(client_type), requested_uuid);
  if (!target) {
    chosen.target_error = std::move(target.error());
    return chosen;
  }
  chosen.target = std::move(*target);
  request.route = Route::direct(chosen.target);
  // Refused before on_chosen, so a send too large to go leaves no trace anywhere. The record is
  // built once: measured here, routed below.
  const auto bus = bus_for(user_id);
  auto message = bus->prepare(request);
  if (auto refusal = bus->size_refusal(*message)) {
    chosen.outcome.refused = std::move(*refusal);
    return chosen;
  }
  on_chosen(chosen.target);
  chosen.outcome = send_prepared(user_id, *bus, request, track_job, std::move(message));
  return chosen;
}

SendOutcome BusHub::send(const std::string& user_id, const SendRequest& request, bool track_job) {
  const auto bus = bus_for(user_id);
  return send_prepared(user_id, *bus, request, track_job, bus->prepare(request));
}

SendOutcome BusHub::send_prepared(const std::string& user_id, Bus& bus, const SendRequest& request,
                                  bool track_job, std::shared_ptr<const Message> prepared) {
  BeforeDelivery record_job;
  if (track_job) {
    record_job = [this, &user_id, &request](const Message& message,
                                            const std::vector<std::string>& targets) {
      if (!pending_jobs_.record(user_id, message.job_id, request.origin, targets) ||
          job_start_listeners_.empty())
        return;
      const JobStart start{user_id, message.job_id, targets, request.origin};
      for (const auto& listener : job_start_listeners_)
        listener(start);
    };
  }
  return bus.send(request, record_job, std::move(prepared));
}

Result<JobUpdateOutcome, JobUpdateError> BusHub::job_update(const std::string& user_id,
                                                            const std::string& session_id,
                                                            const JobUpdate& update) {
  const auto pending = pending_jobs_.find(user_id, update.job_id);
  const auto bus = bus_for(user_id);
  if (pending && !bus->is_bound_to_any(pending->target_uuids, session_id))
    return Unexpected{JobUpdateError::kNotJobTarget};

  JobUpdateOutcome outcome{pending.has_value(), {}};
  // A reply to one of the server's own origins (a dispatch) reaches no client: no record is
  // built; the waiter hears of it through the job listeners below.
  if (!pending || !is_reserved_origin(pending->originator_uuid)) {
    SendRequest reply;
    reply.route = pending ? Route::direct(pending->originator_uuid) : Route::broadcast();
    reply.payload = job_update_payload(update);
    reply.priority = LogLevel::kNotice;
    reply.origin = server_origin(user_id);
    reply.job_id = update.job_id;
    outcome.sent = bus->send(reply);
    if (outcome.sent.refused)
      return Unexpected{JobUpdateError::kRecordTooLarge};  // nothing routed, the job stays open
  }

  const bool terminal = is_terminal_status(update.status);
  if (pending && terminal)
    pending_jobs_.close(user_id, update.job_id, pending->generation);
  const JobEvent event{user_id, update, terminal, pending.has_value()};
  for (const auto& listener : job_listeners_)
    listener(event);
  return outcome;
}

void BusHub::add_job_start_listener(JobStartListener listener) {
  job_start_listeners_.push_back(std::move(listener));
}

void BusHub::add_job_listener(JobListener listener) {
  job_listeners_.push_back(std::move(listener));
}

void BusHub::end_session(const std::string& user_id, const std::string& session_id) {
  if (const auto bus = find(user_id))
    bus->end_session(session_id);
}

void BusHub::drop_user(const std::string& user_id) {
  {
    std::lock_guard lock(mutex_);
    buses_.erase(user_id);
  }
  pending_jobs_.drop_user(user_id);
}

void BusHub::sweep() {
  for (const auto& bus : all_buses())
    bus->expire_held();
  pending_jobs_.expire();
}

HubCounts BusHub::counts() const {
  HubCounts counts;
  for (const auto& bus : all_buses()) {
    const std::size_t clients = bus->persistent_count() + bus->ephemeral_count();
    counts.clients += clients;
    counts.buses += clients > 0 ? 1 : 0;
  }
  return counts;
}

std::vector<ClientState> BusHub::client_states() const {
  std::vector<ClientState> states;
  for (const auto& bus : all_buses()) {
    const auto lists = bus->list();
    for (const auto* bucket : {&lists.persistent, &lists.ephemeral}) {
      for (const auto& info : *bucket) {
        const auto& client = info.as_object();
        states.push_back(ClientState{std::string(client.at("client_type").as_string()),
                                     client.at("online").as_bool()});
      }
    }
  }
  return states;
}

std::size_t BusHub::pending_jobs_for(const std::string& user_id) const {
  return pending_jobs_.count_for(user_id);
}

std::vector<std::shared_ptr<Bus>> BusHub::all_buses() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Bus>> buses;
  buses.reserve(buses_.size());
  for (const auto& [user, bus] : buses_)
    buses.push_back(bus);
  return buses;
}

}  // namespace bmcp::bus
