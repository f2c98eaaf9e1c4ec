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

Message tricky_message() {
  Message message;
  message.user_id = "demo";
  // A from_uuid that spells the target key: it is escaped, so the split still finds the key.
  message.from_uuid = R"(x","target_uuid":"")";
  message.routing = {{"type", "direct"}, {"target_uuid", ""}};
  message.payload = {{"target_uuid", ""}, {"text", "line\n\"quoted\""}};
  message.job_id = "job-1";
  message.message_id = "6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b";
  message.priority = LogLevel::kDebug;
  message.timestamp = 1763726432.004;
  return message;
}

TEST(RecordText, SplicedTextIsTheRecordOfEachRecipient) {
  auto message = tricky_message();
  message.text = std::make_shared<const RecordText>(render_record_text(message));
  for (const std::string_view uuid : {"blender-1", "", R"(a"b\c)", "\x7f-uuid"}) {
    std::string text = "prefix:";
    append_record_text(text, message, uuid);
    EXPECT_EQ(text, "prefix:" + to_json_text(record_data(message, uuid))) << uuid;
  }
}

TEST(RecordText, AMessageWithoutItsTextIsRenderedForTheCall) {
  const auto message = tricky_message();
  std::string text;
  append_record_text(text, message, "blender-1");
  EXPECT_EQ(text, to_json_text(record_data(message, "blender-1")));
}

TEST(RecordText, TheMeasuredSizeIsTheSameWithOrWithoutTheRenderedText) {
  auto message = tricky_message();
  const std::size_t measured = record_text_bytes(message);
  message.text = std::make_shared<const RecordText>(render_record_text(message));
  EXPECT_EQ(record_text_bytes(message), measured);
  EXPECT_EQ(measured, to_json_text(record_data(message, "")).size() + kRecordAllowanceBytes);
}

TEST(WireTimestamp, RoundsToMilliseconds) {
  EXPECT_EQ(to_json_text(json::value(wire_timestamp(1763726432.0041999))), "1763726432.004");
}

}  // namespace
}  // namespace bmcp::bus
