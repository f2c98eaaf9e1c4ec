#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cluster/shared_store.hpp"
#include "core/clock.hpp"
#include "jobs/job_store.hpp"

namespace bmcp::cluster {

// The job store of a cluster: one record per (user, job id) in the shared store, as JSON
// (key bmcp:{<user>}:job:<job id>), readable from every node and kept across restarts. A
// pending record lives as long as a pending job may (a day); a settled one for the
// retention time. Changes are compare-and-set, so nodes updating one job at once do not
// overwrite each other. Only updates posted on this node are applied (JobEvent::local), and
// an update of a pending job whose record is not there yet (its tracked send and its reply
// raced between nodes) creates it. Differences from one node: a bus job is not restarted
// under the id of a settled job that is still kept, and the per-user count bound is not
// applied (records leave by expiry).
// Thread safety: all methods are safe from any thread.
class RedisJobStore final : public jobs::JobStore {
 public:
  RedisJobStore(SharedStore& store, const Clock& clock, jobs::JobStoreLimits limits,
                std::chrono::seconds pending_ttl);

  void start(const std::string& user_id, jobs::JobRecord record) override;
  void track(const std::string& user_id, jobs::JobRecord record) override;
  void mark_timed_out(const std::string& user_id, const std::string& job_id) override;
  void mark_cancelled(const std::string& user_id, const std::string& job_id) override;
  void forget(const std::string& user_id, const std::string& job_id) override;
  void apply(const bus::JobEvent& event) override;
  // The arguments of the store's job-update function (bmcp_job_apply) for `event`: the bus
  // passes them along with a job update it may apply in the same call (RedisBus).
  std::vector<std::string> apply_arguments(const bus::JobEvent& event) const;
  Result<std::optional<jobs::JobRecord>, std::string> find(
      const std::string& user_id, const std::string& job_id) const override;
  // Records expire by themselves.
  void sweep() override {}
  // Counted through the cluster-wide index of job records (bmcp:job-records, expiry times); one
  // waited-for call. nullopt while the store cannot be reached.
  std::optional<std::size_t> size() const override;

 private:
  // Reads the record, lets `change` edit it (false: leave it), writes it back if it is still
  // what was read; retried a few times when another node changed it meanwhile. `create`
  // makes the record when there is none (nullopt: nothing to do).
  template <class Change, class Create>
  void update(const std::string& user_id, const std::string& job_id, Change change, Create create);
  std::string ttl_of(const jobs::JobRecord& record) const;
  // A job's first record through `function` (bmcp_job_start or bmcp_job_track), without
  // waiting; a failure is logged.
  void write_first_record(const char* function, const std::string& user_id,
                          const jobs::JobRecord& record);

  SharedStore& store_;
  const Clock& clock_;
  const jobs::JobStoreLimits limits_;
  const std::chrono::seconds pending_ttl_;
};

// The JSON the store keeps for a record (JobRecord::to_json plus what it leaves out), and back.
std::string encode_job_record(const jobs::JobRecord& record);
std::optional<jobs::JobRecord> decode_job_record(std::string_view text);

}  // namespace bmcp::cluster
