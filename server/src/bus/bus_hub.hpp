#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bus/bus.hpp"
#include "bus/bus_service.hpp"
#include "bus/job_update.hpp"
#include "bus/pending_jobs.hpp"

namespace bmcp::bus {

// The embedded bus service: all buses in this process, one per user id, created on first use,
// and the pending-job table. Nothing here routes between buses.
// Thread safety: all methods are safe from any thread; listeners are added before serving.
// Job listeners run outside every lock; job-start listeners under the bus's lock. No call
// ever fails with Unavailable.
class BusHub final : public BusService {
 public:
  BusHub(const Clock& clock, BusLimits limits);

  // The user's bus, created if needed.
  std::shared_ptr<Bus> bus_for(const std::string& user_id);
  // send() of a record `bus` prepared from `request`.
  SendOutcome send_prepared(const std::string& user_id, Bus& bus, const SendRequest& request,
                            bool track_job, std::shared_ptr<const Message> prepared);
  // The user's bus if it exists.
  std::shared_ptr<Bus> find(const std::string& user_id) const;

  const BusLimits& limits() const override { return limits_; }
  const BusCounters& counters() const override { return counters_; }

  Result<json::object, std::pair<RegisterError, std::string>> register_client(
      const std::string& user_id, Registration registration,
      std::shared_ptr<Endpoint> endpoint) override;
  Result<bool, Unavailable> unregister_client(const std::string& user_id,
                                              const std::string& uuid) override;
  SendOutcome send(const std::string& user_id, const SendRequest& request, bool track_job) override;
  ChosenSend send_to_chosen(const std::string& user_id, const std::string& client_type,
                            const std::string& requested_uuid, SendRequest request, bool track_job,
                            const ChosenCallback& on_chosen) override;
  std::optional<SendRefusal> size_refusal(const std::string& user_id,
                                          const SendRequest& request) override;
  // A job id that only another user has is an unknown job here, so it is broadcast on the
  // caller's bus and the other user's entry is not touched.
  Result<JobUpdateOutcome, JobUpdateError> job_update(const std::string& user_id,
                                                      const std::string& session_id,
                                                      const JobUpdate& update) override;
  void add_job_listener(JobListener listener) override;
  void add_job_start_listener(JobStartListener listener) override;

  Result<ClientLists, Unavailable> list(const std::string& user_id) const override;
  Result<std::vector<Candidate>, Unavailable> clients_of_type(
      const std::string& user_id, const std::string& client_type) const override;
  Result<BusStats, Unavailable> stats(const std::string& user_id) const override;
  Result<std::vector<ClientDetail>, Unavailable> client_details(
      const std::string& user_id) const override;

  void end_session(const std::string& user_id, const std::string& session_id) override;
  void drop_user(const std::string& user_id) override;
  void sweep() override;
  HubCounts counts() const override;

  // Every client on every bus, in no particular order.
  std::vector<ClientState> client_states() const override;
  std::size_t pending_jobs_for(const std::string& user_id) const;
  PendingJobs& pending_jobs() { return pending_jobs_; }

 private:
  std::vector<std::shared_ptr<Bus>> all_buses() const;

  const Clock& clock_;
  const BusLimits limits_;
  BusCounters counters_;
  PendingJobs pending_jobs_;
  std::vector<JobListener> job_listeners_;
  std::vector<JobStartListener> job_start_listeners_;

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Bus>, std::less<>> buses_;
};

}  // namespace bmcp::bus
