#include "cluster/record_text.hpp"

#include <gtest/gtest.h>

namespace bmcp::cluster {
namespace {

bus::Message message_with(json::value payload, std::string from = "llm-1") {
  bus::Message message;
  message.user_id = "demo";
  message.from_uuid = std::move(from);
  message.routing = {{"type", "broadcast"}};
  message.payload = std::move(payload);
  message.job_id = "job-1";
  message.message_id = "00000000-0000-4000-8000-000000000000";
  message.priority = LogLevel::kWarning;
  message.timestamp = 1700000000.5;
  return message;
}

json::object parsed(const std::string& text) {
  return parse_json(text)->as_object();
}

TEST(RecordTextTest, SplicingAUuidGivesTheNotificationOneNodeWouldSend) {
  const auto message = message_with(json::object{{"x", 1}});
  const auto text = split_record_text(message);
  const auto notification = parsed(text.before + json_string("blender-1") + text.after);
  EXPECT_EQ(notification.at("method"), "notifications/message");
  const auto& params = notification.at("params").as_object();
  EXPECT_EQ(params.at("level"), "warning");
  EXPECT_EQ(params.at("logger"), "_message_bus");
  EXPECT_EQ(params.at("data"), bus::record_data(message, "blender-1"));
}

TEST(RecordTextTest, APayloadThatMimicsTheTargetKeyDoesNotMoveTheCut) {
  const auto message =
      message_with(json::object{{"target_uuid", "\x01target\x01"}}, "\"target_uuid\":");
  const auto text = split_record_text(message);
  const auto data =
      parsed(text.before + json_string("b") + text.after).at("params").at("data").as_object();
  EXPECT_EQ(data.at("target_uuid"), "b");
  EXPECT_EQ(data.at("from_uuid"), "\"target_uuid\":");
  EXPECT_EQ(data.at("payload").at("target_uuid"), "\x01target\x01");
}

TEST(RecordTextTest, ARouteToTheChosenTargetIsCutTooAndSplicedGivesOneNodesRecord) {
  auto message = message_with(json::object{{"target_uuid", "\x01target\x01"}});
  message.routing = {{"type", "direct"}, {"target_uuid", kChosenTarget}};
  const auto text = split_record_text(message);
  ASSERT_TRUE(text.after_route);
  const auto uuid = json_string("blender-1");
  const auto data = parsed(text.before + uuid + text.after + uuid + *text.after_route)
                        .at("params")
                        .at("data")
                        .as_object();
  auto expected = message;
  expected.routing = {{"type", "direct"}, {"target_uuid", "blender-1"}};
  EXPECT_EQ(data, bus::record_data(expected, "blender-1"));
  // Other routes have no second cut, even with the marker in the payload.
  EXPECT_FALSE(split_record_text(message_with(json::object{{"t", "\x01target\x01"}})).after_route);
}

TEST(RecordTextTest, UuidsAreEscapedAsJsonStrings) {
  EXPECT_EQ(json_string("a\"b"), "\"a\\\"b\"");
}

}  // namespace
}  // namespace bmcp::cluster
