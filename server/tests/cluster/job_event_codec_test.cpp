#include "cluster/job_event_codec.hpp"

#include <gtest/gtest.h>

namespace bmcp::cluster {
namespace {

TEST(JobEventCodecTest, AnEventSurvivesTheTripWithItsImagesAndIsNoLongerLocal) {
  bus::JobEvent event;
  event.user_id = "demo";
  event.update.job_id = "j-1";
  event.update.status = "completed";
  event.update.result = "3\n";
  event.update.progress = 0.5;
  event.update.progress_message = "half";
  // A 1x1 PNG signature is enough for the format check.
  event.update.images = std::make_shared<const bus::JobImages>(
      bus::JobImages{{"image/png", "iVBORw0KGgo=", "front"}});
  event.terminal = true;
  event.pending = true;
  const auto decoded = decode_job_event(encode_job_event("node-a", event));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->node_id, "node-a");
  EXPECT_EQ(decoded->event.user_id, "demo");
  EXPECT_EQ(decoded->event.update.result, "3\n");
  EXPECT_EQ(decoded->event.update.progress, 0.5);
  EXPECT_EQ(decoded->event.update.progress_message, "half");
  ASSERT_TRUE(decoded->event.update.images);
  EXPECT_EQ(decoded->event.update.images->at(0).label, "front");
  EXPECT_TRUE(decoded->event.terminal);
  EXPECT_TRUE(decoded->event.pending);
  EXPECT_FALSE(decoded->event.local);
}

TEST(JobEventCodecTest, TextThatIsNotAnEventIsRefused) {
  EXPECT_FALSE(decode_job_event("not json"));
  EXPECT_FALSE(decode_job_event("{}"));
  EXPECT_FALSE(decode_job_event(R"({"node":"a","user":"u","update":{"job_id":"j"}})"));
}

}  // namespace
}  // namespace bmcp::cluster
