#pragma once

#include "bus/bus_service.hpp"
#include "console/feed_observer.hpp"

namespace bmcp::console {

// The bus every other layer uses, with the console watching: each call goes to `inner`
// unchanged, and what it did is then told to `observer`. Only calls made on this node are
// seen (in a cluster, another node's sends and registrations are not).
// Thread safety: as `inner`.
class ObservedBus : public bus::BusService {
 public:
  // Both must outlive this.
  ObservedBus(bus::BusService& inner, FeedObserver& observer);

  const bus::BusLimits& limits() const override;
  const bus::BusCounters& counters() const override;
  Result<json::object, std::pair<bus::RegisterError, std::string>> register_client(
      const std::string& user_id, bus::Registration registration,
      std::shared_ptr<bus::Endpoint> endpoint) override;
  Result<bool, bus::Unavailable> unregister_client(const std::string& user_id,
                                                   const std::string& uuid) override;
  bus::SendOutcome send(const std::string& user_id, const bus::SendRequest& request,
                        bool track_job) override;
  bus::ChosenSend send_to_chosen(const std::string& user_id, const std::string& client_type,
                                 const std::string& requested_uuid, bus::SendRequest request,
                                 bool track_job, const bus::ChosenCallback& on_chosen) override;
  std::optional<bus::SendRefusal> size_refusal(const std::string& user_id,
                                               const bus::SendRequest& request) override;
  Result<bus::JobUpdateOutcome, bus::JobUpdateError> job_update(
      const std::string& user_id, const std::string& session_id,
      const bus::JobUpdate& update) override;
  void add_job_listener(bus::JobListener listener) override;
  void add_job_start_listener(bus::JobStartListener listener) override;
  Result<bus::ClientLists, bus::Unavailable> list(const std::string& user_id) const override;
  Result<std::vector<bus::Candidate>, bus::Unavailable> clients_of_type(
      const std::string& user_id, const std::string& client_type) const override;
  Result<bus::BusStats, bus::Unavailable> stats(const std::string& user_id) const override;
  Result<std::vector<bus::ClientDetail>, bus::Unavailable> client_details(
      const std::string& user_id) const override;
  void end_session(const std::string& user_id, const std::string& session_id) override;
  void drop_user(const std::string& user_id) override;
  void sweep() override;
  bus::HubCounts counts() const override;
  std::vector<bus::ClientState> client_states() const override;

 private:
  bus::BusService& inner_;
  FeedObserver& observer_;
};

}  // namespace bmcp::console
