#pragma once

#include "console/feed_observer.hpp"
#include "jobs/job_store.hpp"

namespace bmcp::console {

// The job store every other layer uses, with the console watching: each call goes to `inner`
// unchanged, then the change is told to `observer`.
// Thread safety: as `inner`.
class ObservedJobStore : public jobs::JobStore {
 public:
  // Both must outlive this.
  ObservedJobStore(jobs::JobStore& inner, FeedObserver& observer);

  void start(const std::string& user_id, jobs::JobRecord record) override;
  void track(const std::string& user_id, jobs::JobRecord record) override;
  void mark_timed_out(const std::string& user_id, const std::string& job_id) override;
  void mark_cancelled(const std::string& user_id, const std::string& job_id) override;
  void forget(const std::string& user_id, const std::string& job_id) override;
  void apply(const bus::JobEvent& event) override;
  Result<std::optional<jobs::JobRecord>, std::string> find(
      const std::string& user_id, const std::string& job_id) const override;
  void sweep() override;
  std::optional<std::size_t> size() const override;

 private:
  jobs::JobStore& inner_;
  FeedObserver& observer_;
};

}  // namespace bmcp::console
