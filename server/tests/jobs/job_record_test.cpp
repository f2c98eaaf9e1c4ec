#include "jobs/job_record.hpp"

#include <gtest/gtest.h>

namespace bmcp::jobs {
namespace {

TEST(JobRecord, OnlyTerminalStatusesHaveAState) {
  EXPECT_EQ(terminal_state("completed"), JobState::kCompleted);
  EXPECT_EQ(terminal_state("failed"), JobState::kFailed);
  EXPECT_EQ(terminal_state("cancelled"), JobState::kCancelled);
  EXPECT_FALSE(terminal_state("running"));
}

TEST(JobRecord, APendingDispatchJobHasNoFinishTimeOrProgress) {
  JobRecord record;
  record.job_id = "j-000000000001";
  record.command = "get_scene_info";
  record.target_uuids = {"blender-1"};
  record.created_at = 1763726400.125;
  EXPECT_EQ(to_json_text(record.to_json()),
            R"({"job_id":"j-000000000001","command":"get_scene_info",)"
            R"("target_uuids":["blender-1"],"state":"pending","result":"","error":"",)"
            R"("created_at":1763726400.125})");
}

TEST(JobRecord, AFinishedJobShowsItsFinishTimeAndProgress) {
  JobRecord record;
  record.state = JobState::kTimedOut;
  record.progress = 0.5;
  record.finished_at = 10.0;
  const auto json = record.to_json();
  EXPECT_EQ(json.at("state"), "timed_out");
  EXPECT_EQ(json.at("progress"), 0.5);
  EXPECT_EQ(json.at("finished_at"), 10.0);
  EXPECT_FALSE(json.contains("command"));
}

}  // namespace
}  // namespace bmcp::jobs
