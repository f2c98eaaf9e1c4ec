#include "feedrelay/relay_codec.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace bmcp::feedrelay {
namespace {

json::object send_record() {
  return json::object{{"kind", "send"},
                      {"at", 1700000000.5},
                      {"from", "llm-1"},
                      {"to", json::array{"blender-1", "blender-2"}},
                      {"priority", "info"},
                      {"routing", json::object{{"mode", "broadcast"}}},
                      {"job_id", ""},
                      {"summary", "{\"text\":\"<script>\"}"},
                      {"offline", json::array{"blender-2"}}};
}

RelayedEvent record_event() {
  RelayedEvent event;
  event.node_id = "node-a";
  event.user_id = "demo";
  event.kind = RelayedKind::kRecord;
  event.record = send_record();
  return event;
}

TEST(RelayCodecTest, ATailRecordSurvivesTheTrip) {
  const auto decoded = decode_relayed(encode_relayed(record_event()));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->node_id, "node-a");
  EXPECT_EQ(decoded->user_id, "demo");
  EXPECT_EQ(decoded->kind, RelayedKind::kRecord);
  EXPECT_EQ(decoded->record, send_record());
}

TEST(RelayCodecTest, AJobStartSurvivesTheTripWithItsCommandAndTargets) {
  RelayedEvent event;
  event.node_id = "node-b";
  event.user_id = "demo";
  event.kind = RelayedKind::kJobStarted;
  event.job.job_id = "j-1";
  event.job.command = "execute_code";
  event.job.target_uuids = {"blender-1"};
  event.job.created_at = 12.25;
  event.track_only = false;
  const auto decoded = decode_relayed(encode_relayed(event));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->kind, RelayedKind::kJobStarted);
  EXPECT_EQ(decoded->job.job_id, "j-1");
  EXPECT_EQ(decoded->job.command, "execute_code");
  EXPECT_EQ(decoded->job.target_uuids, std::vector<std::string>{"blender-1"});
  EXPECT_EQ(decoded->job.created_at, 12.25);
  EXPECT_EQ(decoded->job.state, jobs::JobState::kPending);
  EXPECT_FALSE(decoded->track_only);

  event.job.command.reset();
  event.track_only = true;
  const auto bus_job = decode_relayed(encode_relayed(event));
  ASSERT_TRUE(bus_job) << bus_job.error();
  EXPECT_FALSE(bus_job->job.command);
  EXPECT_TRUE(bus_job->track_only);
}

TEST(RelayCodecTest, TheJobEndsCarryTheirJobId) {
  for (const auto kind :
       {RelayedKind::kJobTimedOut, RelayedKind::kJobCancelled, RelayedKind::kJobForgotten}) {
    RelayedEvent event;
    event.node_id = "node-a";
    event.user_id = "demo";
    event.kind = kind;
    event.job_id = "j-9";
    const auto decoded = decode_relayed(encode_relayed(event));
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_EQ(decoded->kind, kind);
    EXPECT_EQ(decoded->job_id, "j-9");
  }
}

TEST(RelayCodecTest, FieldsARecordDoesNotHaveAreLeftBehind) {
  auto text = encode_relayed(record_event());
  auto object = parse_json(text)->as_object();
  object["record"].as_object()["html"] = "<b>";
  const auto decoded = decode_relayed(to_json_text(object));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_FALSE(decoded->record.contains("html"));
}

// Each bad text is refused with a reason naming what was wrong.
TEST(RelayCodecTest, BadTextIsRefusedWithItsReason) {
  const auto refused = [](const std::string& text, const std::string& reason) {
    const auto decoded = decode_relayed(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_NE(decoded.error().find(reason), std::string::npos) << decoded.error();
  };
  refused("", "not a JSON object");
  refused("not json", "not a JSON object");
  refused("[1]", "not a JSON object");
  refused(R"({"node":"a","user":"u","kind":"record"})", "v is not 1");
  refused(R"({"v":2,"node":"a","user":"u","kind":"record"})", "v is not 1");
  refused(R"({"v":1,"user":"u","kind":"record"})", "node is missing");
  refused(R"({"v":1,"node":7,"user":"u","kind":"record"})", "node is not a string");
  refused(R"({"v":1,"node":"","user":"u","kind":"job_forgotten","job_id":"j"})", "empty");
  refused(R"({"v":1,"node":"a","user":"u","kind":"party"})", "unknown kind party");
  refused(R"({"v":1,"node":"a","user":"u","kind":"record"})", "record is not an object");
  refused(R"({"v":1,"node":"a","user":"u","kind":"job_timed_out"})", "job_id is missing");
  refused(R"({"v":1,"node":"a","user":"u","kind":"job_cancelled","job_id":""})", "empty");
  refused(R"({"v":1,"node":"a","user":"u","kind":"job_started","track_only":true,"job":{}})",
          "job.job_id is missing");
  refused(R"({"v":1,"node":"a","user":"u","kind":"job_started","job":{"job_id":"j",)"
          R"("target_uuids":[],"created_at":1}})",
          "track_only is not a boolean");
  refused(R"({"v":1,"node":"a","user":"u","kind":"job_started","track_only":false,)"
          R"("job":{"job_id":"j","target_uuids":[1],"created_at":1}})",
          "job.target_uuids holds something other than short strings");

  auto record = [](const std::function<void(json::object&)>& change) {
    auto event = record_event();
    change(event.record);
    return encode_relayed(event);
  };
  refused(record([](json::object& r) { r["kind"] = "shout"; }), "neither send nor job_update");
  refused(record([](json::object& r) { r.erase("summary"); }), "record.summary is missing");
  refused(record([](json::object& r) { r["to"] = "blender-1"; }), "record.to is not an array");
  refused(record([](json::object& r) { r["at"] = "now"; }), "record.at is not a number");
  refused(record([](json::object& r) { r["routing"] = 1; }), "record.routing is not an object");
  refused(record([](json::object& r) { r["summary"] = std::string(5000, 'x'); }),
          "record.summary is longer than 4096 bytes");
  refused(record([](json::object& r) { r["offline"] = json::array{json::object{}}; }),
          "record.offline holds something other than short strings");
  refused(std::string(kMaxRelayedBytes + 1, ' '), "larger than");
}

}  // namespace
}  // namespace bmcp::feedrelay
