#include "console/observed_job_store.hpp"

#include <gtest/gtest.h>

#include "jobs/memory_job_store.hpp"

namespace bmcp::console {
namespace {

// Records which job calls the wrapper passed on to its observer.
class JobCalls : public FeedObserver {
 public:
  void on_send(const std::string&, const bus::SendRequest&, const bus::SendOutcome&) override {}
  void on_job_update_routed(const std::string&, const bus::JobUpdate&,
                            const bus::JobUpdateOutcome&) override {}
  void on_clients_changed(const std::string&) override {}
  void on_user_dropped(const std::string&) override {}
  void on_job_started(const std::string&, const jobs::JobRecord& record, bool track_only) override {
    calls.push_back((track_only ? "track " : "start ") + record.job_id);
  }
  void on_job_event(const bus::JobEvent& event) override {
    calls.push_back("event " + event.update.job_id);
  }
  void on_job_timed_out(const std::string&, const std::string& job_id) override {
    calls.push_back("timed_out " + job_id);
  }
  void on_job_cancelled(const std::string&, const std::string& job_id) override {
    calls.push_back("cancelled " + job_id);
  }
  void on_job_forgotten(const std::string&, const std::string& job_id) override {
    calls.push_back("forgotten " + job_id);
  }

  std::vector<std::string> calls;
};

jobs::JobRecord job(const std::string& id) {
  jobs::JobRecord record;
  record.job_id = id;
  return record;
}

TEST(ObservedJobStore, TheStoreGetsEveryCallAndTheObserverHearsOfIt) {
  FakeClock clock;
  jobs::MemoryJobStore store(clock, {});
  JobCalls observer;
  ObservedJobStore jobs(store, observer);
  jobs.start("demo", job("j1"));
  jobs.track("demo", job("j2"));
  jobs.mark_timed_out("demo", "j1");
  jobs.mark_cancelled("demo", "j2");
  jobs.start("demo", job("j3"));
  jobs.forget("demo", "j3");
  bus::JobEvent event;
  event.user_id = "demo";
  event.update.job_id = "j1";
  event.update.status = "completed";
  jobs.apply(event);
  EXPECT_EQ(observer.calls,
            (std::vector<std::string>{"start j1", "track j2", "timed_out j1", "cancelled j2",
                                      "start j3", "forgotten j3", "event j1"}));
  EXPECT_EQ(jobs.find("demo", "j1").value()->state, jobs::JobState::kCompleted);
  EXPECT_EQ(jobs.find("demo", "j2").value()->state, jobs::JobState::kCancelled);
  EXPECT_FALSE(jobs.find("demo", "j3").value());
  EXPECT_EQ(jobs.size(), store.size());
}

}  // namespace
}  // namespace bmcp::console
