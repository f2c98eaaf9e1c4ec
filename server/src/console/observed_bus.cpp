#include "console/observed_bus.hpp"

namespace bmcp::console {

ObservedBus::ObservedBus(bus::BusService& inner, FeedObserver& observer)
    : inner_(inner), observer_(observer) {}

const bus::BusLimits& ObservedBus::limits() const {
  return inner_.limits();
}

const bus::BusCounters& ObservedBus::counters() const {
  return inner_.counters();
}

Result<json::object, std::pair<bus::RegisterError, std::string>> ObservedBus::register_client(
    const std::string& user_id, bus::Registration registration,
    std::shared_ptr<bus::Endpoint> endpoint) {
  auto result = inner_.register_client(user_id, std::move(registration), std::move(endpoint));
  if (result)
    observer_.on_clients_changed(user_id);
  return result;
}

Result<bool, bus::Unavailable> ObservedBus::unregister_client(const std::string& user_id,
                                                              const std::string& uuid) {
  auto result = inner_.unregister_client(user_id, uuid);
  if (result && *result)
    observer_.on_clients_changed(user_id);
  return result;
}

bus::SendOutcome ObservedBus::send(const std::string& user_id, const bus::SendRequest& request,
                                   bool track_job) {
  auto outcome = inner_.send(user_id, request, track_job);
  observer_.on_send(user_id, request, outcome);
  return outcome;
}

bus::ChosenSend ObservedBus::send_to_chosen(const std::string& user_id,
                                            const std::string& client_type,
                                            const std::string& requested_uuid,
                                            bus::SendRequest request, bool track_job,
                                            const bus::ChosenCallback& on_chosen) {
  auto chosen =
      inner_.send_to_chosen(user_id, client_type, requested_uuid, request, track_job, on_chosen);
  if (!chosen.target_error && !chosen.target.empty()) {
    request.route = bus::Route::direct(chosen.target);
    observer_.on_send(user_id, request, chosen.outcome);
  }
  return chosen;
}

std::optional<bus::SendRefusal> ObservedBus::size_refusal(const std::string& user_id,
                                                          const bus::SendRequest& request) {
  return inner_.size_refusal(user_id, request);
}

Result<bus::JobUpdateOutcome, bus::JobUpdateError> ObservedBus::job_update(
    const std::string& user_id, const std::string& session_id, const bus::JobUpdate& update) {
  auto outcome = inner_.job_update(user_id, session_id, update);
  if (outcome)
    observer_.on_job_update_routed(user_id, update, *outcome);
  return outcome;
}

void ObservedBus::add_job_listener(bus::JobListener listener) {
  inner_.add_job_listener(std::move(listener));
}

void ObservedBus::add_job_start_listener(bus::JobStartListener listener) {
  inner_.add_job_start_listener(std::move(listener));
}

Result<bus::ClientLists, bus::Unavailable> ObservedBus::list(const std::string& user_id) const {
  return inner_.list(user_id);
}

Result<std::vector<bus::Candidate>, bus::Unavailable> ObservedBus::clients_of_type(
    const std::string& user_id, const std::string& client_type) const {
  return inner_.clients_of_type(user_id, client_type);
}

Result<bus::BusStats, bus::Unavailable> ObservedBus::stats(const std::string& user_id) const {
  return inner_.stats(user_id);
}

Result<std::vector<bus::ClientDetail>, bus::Unavailable> ObservedBus::client_details(
    const std::string& user_id) const {
  return inner_.client_details(user_id);
}

void ObservedBus::end_session(const std::string& user_id, const std::string& session_id) {
  inner_.end_session(user_id, session_id);
  observer_.on_clients_changed(user_id);
}

void ObservedBus::drop_user(const std::string& user_id) {
  inner_.drop_user(user_id);
  observer_.on_user_dropped(user_id);
}

void ObservedBus::sweep() {
  inner_.sweep();
}

bus::HubCounts ObservedBus::counts() const {
  return inner_.counts();
}

std::vector<bus::ClientState> ObservedBus::client_states() const {
  return inner_.client_states();
}

}  // namespace bmcp::console
