#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "bus/bus_service.hpp"
#include "cluster/session_feed.hpp"
#include "cluster/shared_store.hpp"
#include "core/clock.hpp"

namespace bmcp::cluster {

// The bus service of a cluster node: every user's clients, held records and pending jobs live
// in the shared store (one Redis function per registration, send or listing, so all nodes see
// one bus), records reach this node's sessions through the SessionFeed, and job updates
// routed on any node reach this node's waiters over pub/sub (bmcp:jobs).
// What stays on the node: the byte budget of records waiting in its own sessions, and its
// counters. Calls that cannot reach the store fail (bus_unavailable) having changed nothing
// here; a call whose answer was lost may have been applied there (docs/cluster.md).
// Thread safety: all methods are safe from any thread; listeners are added before serving.
class RedisBus final : public bus::BusService {
 public:
  RedisBus(SharedStore& store, const Clock& clock, bus::BusLimits limits, std::string node_id);

  // Subscribes to this node's wake-ups and to the job events of the other nodes.
  void start();
  // The arguments with which the job store applies a job update to its record (see
  // RedisJobStore::apply_arguments). Given, a job update that reaches no client (the reply to a
  // dispatch) is applied and announced by the store in the call that checks it, and its event
  // is emitted here as not local (already recorded). Set before serving.
  using JobRecording = std::function<std::vector<std::string>(const bus::JobEvent& event)>;
  void record_job_updates_with(JobRecording recording) { job_recording_ = std::move(recording); }
  // The records of this node's sessions (the heartbeat reports their state).
  SessionFeed& feed() { return feed_; }

  const bus::BusLimits& limits() const override { return limits_; }
  const bus::BusCounters& counters() const override { return counters_; }

  Result<json::object, std::pair<bus::RegisterError, std::string>> register_client(
      const std::string& user_id, bus::Registration registration,
      std::shared_ptr<bus::Endpoint> endpoint) override;
  Result<bool, bus::Unavailable> unregister_client(const std::string& user_id,
                                                   const std::string& uuid) override;
  bus::SendOutcome send(const std::string& user_id, const bus::SendRequest& request,
                        bool track_job) override;
  // The choice and the send in one call of the store; `on_chosen` runs after it.
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
  // Queue depths as the store has them: records no node took yet, plus what the serving node
  // reported waiting in the session at its last heartbeat (report_queued()).
  Result<std::vector<bus::ClientDetail>, bus::Unavailable> client_details(
      const std::string& user_id) const override;
  // Shares how many records wait unsent in each session this node serves, for the sessions whose
  // count changed since the last report that reached the store (the heartbeat calls it).
  void report_queued();

  void end_session(const std::string& user_id, const std::string& session_id) override;
  void drop_user(const std::string& user_id) override;
  void sweep() override;
  // Over the whole cluster; zero while the store cannot be reached.
  bus::HubCounts counts() const override;
  std::vector<bus::ClientState> client_states() const override;

  // The session's standalone stream opened on this node (after `last_event_id`, when the client
  // said): this node serves its records from now on, resuming where the stream left off, on
  // whichever node that was.
  void serve_stream(const std::string& user_id, std::shared_ptr<bus::Endpoint> endpoint,
                    std::optional<std::uint64_t> last_event_id);
  // Shares a session's new level (the level filter runs in the store).
  void set_level(const std::string& user_id, const std::string& session_id, LogLevel level);
  // The cluster took this node for dead and released its sessions: take back those it feeds.
  void reclaim_sessions();
  // The node stops: its sessions wait for another node to take them over (or end).
  void leave();
  // This node no longer holds the session (it goes on elsewhere): stop feeding it here.
  void forget_here(const std::string& user_id, const std::string& session_id);

 private:
  // A send whose target the store chooses (bmcp_send's route kind 'choose').
  struct Choice {
    const std::string& client_type;
    const std::string& requested_uuid;
    bus::ChosenSend& chosen;  // gets the target, or why none could be chosen
  };
  // Runs bmcp_send; `close` names a pending job (id, generation) the send settles.
  bus::SendOutcome route(const std::string& user_id, const bus::SendRequest& request,
                         bool track_job, const std::string& close_job,
                         const std::string& close_generation, const Choice* choice = nullptr);
  // The record of a job update, from the server to `route`.
  static bus::SendRequest reply_to(const std::string& user_id, const bus::JobUpdate& update,
                                   bus::Route route);
  // One client as the store lists it.
  struct Listed {
    bus::Registration registration;
    double connected_at = 0;
    double last_seen = 0;
    bool online = false;
  };
  // The user's clients by registration order (bmcp_list).
  Result<std::vector<Listed>, bus::Unavailable> listed(const std::string& user_id) const;
  std::shared_ptr<ByteBudget> budget_for(const std::string& user_id);
  void emit(const bus::JobEvent& event) const;

  SharedStore& store_;
  const Clock& clock_;
  const bus::BusLimits limits_;
  const std::string node_id_;
  mutable bus::BusCounters counters_;
  SessionFeed feed_;
  JobRecording job_recording_;
  // Listeners run on request threads and on the subscriber's I/O thread: guarded, copied out.
  mutable std::mutex listeners_mutex_;
  std::vector<bus::JobListener> job_listeners_;
  std::vector<bus::JobStartListener> job_start_listeners_;

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ByteBudget>> budgets_;  // per user, this node's share
  std::map<std::string, std::string> session_users_;            // member -> user id
  // The queue depth of each served session as last shared with the store: a heartbeat sends only
  // the ones that changed (report_queued()).
  std::mutex queued_mutex_;
  std::map<std::string, std::size_t> reported_queued_;
};

}  // namespace bmcp::cluster
