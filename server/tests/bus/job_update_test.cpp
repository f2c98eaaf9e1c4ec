#include "bus/job_update.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

TEST(JobUpdate, OnlyCompletedFailedAndCancelledAreTerminal) {
  EXPECT_TRUE(is_terminal_status("completed"));
  EXPECT_TRUE(is_terminal_status("failed"));
  EXPECT_TRUE(is_terminal_status("cancelled"));
  EXPECT_FALSE(is_terminal_status("running"));
  EXPECT_FALSE(is_terminal_status("Completed"));
}

TEST(JobUpdate, ThePayloadHasTheContractKeys) {
  const JobUpdate update{"job-1", "completed", "3\n", "", std::nullopt, std::nullopt};
  EXPECT_EQ(to_json_text(job_update_payload(update)),
            R"({"kind":"job_update","job_id":"job-1","status":"completed","result":"3\n",)"
            R"("error":""})");
}

TEST(JobUpdate, ProgressIsAddedOnlyWhenGiven) {
  const JobUpdate update{"job-1", "running", "", "", 0.5, "half"};
  const auto payload = job_update_payload(update);
  EXPECT_EQ(payload.at("progress"), 0.5);
  EXPECT_EQ(payload.at("progress_message"), "half");
}

TEST(JobUpdate, ImagesAreAddedToThePayloadOnlyWhenThereAreAny) {
  JobUpdate update{"job-1", "completed", "{}", "", std::nullopt, std::nullopt};
  EXPECT_FALSE(job_update_payload(update).contains("images"));
  update.images = std::make_shared<const JobImages>();
  EXPECT_FALSE(job_update_payload(update).contains("images"));
  update.images =
      std::make_shared<const JobImages>(JobImages{{"image/png", "iVBORw0KGgo=", "front"}});
  EXPECT_EQ(job_update_payload(update).at("images"),
            (json::array{json::object{
                {"label", "front"}, {"mimeType", "image/png"}, {"data", "iVBORw0KGgo="}}}));
}

}  // namespace
}  // namespace bmcp::bus
