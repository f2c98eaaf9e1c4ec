#include "bus/message.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

TEST(RecordData, HasExactlyTheNineContractKeysInOrder) {
  Message message;
  message.user_id = "demo";
  message.from_uuid = "llm-1";
  message.routing = {{"type", "broadcast"}};
  message.payload = {{"kind", "announcement"}};
  message.job_id = "job-1";
  message.message_id = "6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b";
  message.priority = LogLevel::kNotice;
  message.timestamp = 1763726432.004;
  EXPECT_EQ(to_json_text(record_data(message, "blender-1")),
            R"({"user_id":"demo","from_uuid":"llm-1","target_uuid":"blender-1",)"
            R"("routing":{"type":"broadcast"},"payload":{"kind":"announcement"},)"
            R"("job_id":"job-1","message_id":"6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b",)"
            R"("priority":5,"timestamp":1763726432.004})");
}

TEST(WireTimestamp, RoundsToMilliseconds) {
  EXPECT_EQ(to_json_text(json::value(wire_timestamp(1763726432.0041999))), "1763726432.004");
}

}  // namespace
}  // namespace bmcp::bus
