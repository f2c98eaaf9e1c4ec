#include "tools/bus_tools.hpp"

#include <gtest/gtest.h>

#include "tool_harness.hpp"

namespace bmcp::tools {
namespace {

using testing::ToolHarness;

class BusToolsTest : public ::testing::Test, protected ToolHarness {
 protected:
  json::object register_client(const Peer& peer, const char* uuid, bool persistent = false,
                               const char* type = "llm") {
    return call(peer, "blender_register_client",
                {{"client_uuid", uuid}, {"client_type", type}, {"is_persistent", persistent}});
  }
  std::size_t client_count(const Peer& peer) {
    const auto listed = call(peer, "blender_list_available_clients");
    return listed.at("persistent").as_array().size() + listed.at("ephemeral").as_array().size();
  }
};

TEST_F(BusToolsTest, RegisterReturnsOkWithTheClientInfo) {
  const auto peer = open("demo");
  const auto result = call(peer, "blender_register_client",
                           {{"client_uuid", "llm-myclient-001"},
                            {"client_type", "llm"},
                            {"is_persistent", false},
                            {"capabilities", json::array{"chat"}}});
  EXPECT_EQ(result.at("status"), "ok");
  const auto& client = result.at("client").as_object();
  EXPECT_EQ(client.at("uuid"), "llm-myclient-001");
  EXPECT_EQ(client.at("capabilities"), json::array{"chat"});
  EXPECT_EQ(client.at("group_id"), nullptr);
  EXPECT_EQ(client.size(), 9u);
}

TEST_F(BusToolsTest, NullCapabilitiesAndAnEmptyGroupMeanNone) {
  const auto peer = open("demo");
  const auto result = call(
      peer, "blender_register_client",
      {{"client_uuid", "x"}, {"client_type", "llm"}, {"capabilities", nullptr}, {"group_id", ""}});
  EXPECT_EQ(result.at("client").at("capabilities"), json::array());
  EXPECT_EQ(result.at("client").at("group_id"), nullptr);
}

TEST_F(BusToolsTest, ABadUuidIsRefusedAndRegistersNothing) {
  const auto peer = open("demo");
  for (const char* bad :
       {"", "has space", "server:demo", "server-dispatch:x", "Server:x", "SERVER-DISPATCH:x"}) {
    EXPECT_EQ(to_json_text(register_client(peer, bad)),
              R"({"status":"error","error":"invalid_client_uuid"})");
  }
  EXPECT_EQ(client_count(peer), 0u);
}

TEST_F(BusToolsTest, CapabilitiesThatAreNotStringsAreInvalidArguments) {
  const auto peer = open("demo");
  const auto result =
      call_raw(peer, "blender_register_client",
               {{"client_uuid", "x"}, {"client_type", "llm"}, {"capabilities", json::array{1}}});
  EXPECT_EQ(result.at("isError"), true);
  EXPECT_EQ(client_count(peer), 0u);
}

// The detail of `uuid` from the bus's client_details query.
bus::ClientDetail detail_of(const bus::BusHub& hub, const std::string& uuid) {
  const auto details = hub.client_details("demo");
  EXPECT_TRUE(details);
  for (const auto& detail : *details) {
    if (detail.uuid == uuid)
      return detail;
  }
  ADD_FAILURE() << uuid << " has no details";
  return {};
}

TEST_F(BusToolsTest, TheReportedVersionAndHostAreKeptWithTheClientAndNotInItsClientInfo) {
  const auto peer = open("demo");
  const auto result = call(peer, "blender_register_client",
                           {{"client_uuid", "blender-1"},
                            {"client_type", "blender"},
                            {"is_persistent", true},
                            {"blender_version", "4.2.3 LTS"},
                            {"host", "studio-7"}});
  ASSERT_EQ(result.at("status"), "ok");
  EXPECT_EQ(result.at("client").as_object().size(), 9u);  // the contract's ClientInfo
  const auto listed = call(peer, "blender_list_available_clients");
  EXPECT_EQ(listed.at("persistent").at(0).as_object().size(), 9u);
  auto detail = detail_of(hub_, "blender-1");
  EXPECT_EQ(detail.blender_version, "4.2.3 LTS");
  EXPECT_EQ(detail.host, "studio-7");

  // A registration that does not report them (an older add-on) leaves none behind.
  call(peer, "blender_register_client",
       {{"client_uuid", "blender-1"}, {"client_type", "blender"}, {"host", nullptr}});
  detail = detail_of(hub_, "blender-1");
  EXPECT_EQ(detail.blender_version, std::nullopt);
  EXPECT_EQ(detail.host, std::nullopt);
}

TEST_F(BusToolsTest, BadReportsAreRefusedWithWhatWasWrongAndRegisterNothing) {
  const auto peer = open("demo");
  const auto refuse = [&](json::object extra, const char* error, const char* detail) {
    json::object arguments{{"client_uuid", "blender-1"}, {"client_type", "blender"}};
    for (auto& [key, value] : extra)
      arguments[key] = value;
    EXPECT_EQ(
        to_json_text(call(peer, "blender_register_client", std::move(arguments))),
        to_json_text(json::object{{"status", "error"}, {"error", error}, {"detail", detail}}));
  };
  const char* version_detail =
      "blender_version must be 1 to 64 characters without control characters";
  const char* host_detail = "host must be 1 to 255 characters without control characters";
  refuse({{"blender_version", ""}}, "invalid_blender_version", version_detail);
  refuse({{"blender_version", std::string(65, '4')}}, "invalid_blender_version", version_detail);
  refuse({{"blender_version", "4.2\n"}}, "invalid_blender_version", version_detail);
  refuse({{"host", ""}}, "invalid_host", host_detail);
  refuse({{"host", std::string(256, 'h')}}, "invalid_host", host_detail);
  refuse({{"host", "a\tb"}}, "invalid_host", host_detail);
  EXPECT_EQ(call_raw(peer, "blender_register_client",
                     {{"client_uuid", "blender-1"}, {"client_type", "blender"}, {"host", 5}})
                .at("isError"),
            true);
  EXPECT_EQ(client_count(peer), 0u);
}

TEST_F(BusToolsTest, TheQueueDepthCountsTheRecordsTheClientsStreamHasNotSentYet) {
  const auto sender = open("demo");
  const auto peer = open("demo");
  register_client(peer, "peer");
  peer.session->stream().detach(peer.sink.get());  // its GET stream went away
  for (int i = 0; i < 3; ++i)
    call(sender, "blender_send_message", {{"target_uuid", "peer"}, {"payload", {{"n", i}}}});
  EXPECT_EQ(detail_of(hub_, "peer").queued, 3u);
  EXPECT_EQ(detail_of(hub_, "peer").held, 0u);
  auto sink = std::make_shared<mcp::testing::RecordingSink>();
  peer.session->stream().attach(sink, std::nullopt);  // it comes back and gets them
  EXPECT_EQ(sink->frames.size(), 3u);
  EXPECT_EQ(detail_of(hub_, "peer").queued, 0u);
}

TEST_F(BusToolsTest, UnregisterIsIdempotent) {
  const auto peer = open("demo");
  register_client(peer, "x");
  EXPECT_EQ(to_json_text(call(peer, "blender_unregister_client", {{"client_uuid", "x"}})),
            R"({"status":"ok","client_uuid":"x"})");
  EXPECT_EQ(to_json_text(call(peer, "blender_unregister_client", {{"client_uuid", "x"}})),
            R"({"status":"not_found","client_uuid":"x"})");
}

TEST_F(BusToolsTest, SendReportsTargetsFilteredOfflineAndRouting) {
  const auto sender = open("demo");
  const auto loud = open("demo", LogLevel::kDebug);
  const auto quiet = open("demo", LogLevel::kWarning);
  register_client(loud, "loud");
  register_client(quiet, "quiet");
  const auto result =
      call(sender, "blender_send_message", {{"payload", {{"hello", 1}}}, {"priority", "INFO"}});
  EXPECT_EQ(result.at("status"), "ok");
  EXPECT_EQ(result.at("targets"), (json::array{"loud", "quiet"}));
  EXPECT_EQ(result.at("filtered_by_level"), json::array{"quiet"});
  EXPECT_EQ(result.at("offline"), json::array());
  EXPECT_EQ(result.at("routing"), (json::object{{"type", "broadcast"}}));
  EXPECT_FALSE(result.contains("dropped"));
  EXPECT_EQ(result.at("job_id"), result.at("message_id"));
  ASSERT_EQ(loud.records().size(), 1u);
  EXPECT_EQ(loud.records()[0].at("from_uuid"), "server:demo");
  EXPECT_TRUE(quiet.records().empty());
}

TEST_F(BusToolsTest, PayloadJobIdBecomesTheJobIdOfTheSendAndTheRecord) {
  const auto peer = open("demo");
  register_client(peer, "peer");
  const auto result =
      call(peer, "blender_send_message",
           {{"target_uuid", "peer"}, {"payload", {{"job_id", "job-abc123"}}}, {"priority", 6}});
  EXPECT_EQ(result.at("job_id"), "job-abc123");
  EXPECT_EQ(peer.records().at(0).at("job_id"), "job-abc123");
  EXPECT_EQ(peer.records().at(0).at("priority"), 6);
}

TEST_F(BusToolsTest, BadSendInputsAreClearErrorsThatSendNothing) {
  const auto peer = open("demo");
  register_client(peer, "peer");
  EXPECT_EQ(call(peer, "blender_send_message", {{"payload", json::object()}, {"priority", "loud"}})
                .at("error"),
            "Unknown priority: 'loud'");
  EXPECT_EQ(call(peer, "blender_send_message", {{"payload", json::object()}, {"priority", 9}})
                .at("error"),
            "Unknown priority: 9");
  EXPECT_EQ(call(peer, "blender_send_message", {{"payload", {{"job_id", 5}}}}).at("error"),
            "payload.job_id must be a string");
  EXPECT_EQ(call(peer, "blender_send_message",
                 {{"payload", json::object()}, {"from_uuid", "server:demo"}})
                .at("error"),
            "invalid_from_uuid");
  EXPECT_EQ(call(peer, "blender_send_message",
                 {{"payload", json::object()}, {"from_uuid", "Server-Dispatch:demo"}})
                .at("error"),
            "invalid_from_uuid");
  EXPECT_EQ(call_raw(peer, "blender_send_message", {}).at("isError"), true);
  EXPECT_EQ(call_raw(peer, "blender_send_message", {{"payload", "text"}}).at("isError"), true);
  EXPECT_TRUE(peer.records().empty());
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 0u);
}

TEST_F(BusToolsTest, TheStyleBRoundTripRepliesDirectlyToTheOriginator) {
  const auto llm = open("demo");
  const auto blender = open("demo");
  register_client(llm, "llm-myclient-001");
  register_client(blender, "blender-demo01", true, "blender");
  call(llm, "blender_send_message",
       {{"target_uuid", "blender-demo01"},
        {"from_uuid", "llm-myclient-001"},
        {"priority", "info"},
        {"payload", {{"message_type", "job_dispatch"}, {"job_id", "job-abc123"}}}});
  EXPECT_EQ(read(llm, "blender://bus/stats").at("pending_jobs_for_user"), 1);
  const auto updated = call(blender, "blender_job_update",
                            {{"job_id", "job-abc123"}, {"status", "completed"}, {"result", "3\n"}});
  EXPECT_EQ(updated.at("delivered"), "direct");
  EXPECT_EQ(updated.at("targets"), json::array{"llm-myclient-001"});
  const auto reply = llm.records().at(0);
  EXPECT_EQ(reply.at("payload"), (json::object{{"kind", "job_update"},
                                               {"job_id", "job-abc123"},
                                               {"status", "completed"},
                                               {"result", "3\n"},
                                               {"error", ""}}));
  EXPECT_EQ(reply.at("priority"), 5);
  EXPECT_EQ(read(llm, "blender://bus/stats").at("pending_jobs_for_user"), 0);
}

TEST_F(BusToolsTest, JobUpdateRefusesSessionsThatAreNotTargets) {
  const auto llm = open("demo");
  const auto blender = open("demo");
  register_client(llm, "llm");
  register_client(blender, "blender");
  call(llm, "blender_send_message",
       {{"target_uuid", "blender"}, {"from_uuid", "llm"}, {"payload", {{"job_id", "j1"}}}});
  EXPECT_EQ(
      call(llm, "blender_job_update", {{"job_id", "j1"}, {"status", "completed"}}).at("error"),
      "not_job_target");
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);
}

TEST_F(BusToolsTest, JobUpdateForAnotherUsersJobIdIsBroadcastOnTheCallersBusOnly) {
  const auto llm = open("demo");
  const auto blender = open("demo");
  const auto other = open("bob");
  register_client(llm, "llm");
  register_client(blender, "blender");
  register_client(other, "bob-llm");
  call(llm, "blender_send_message",
       {{"target_uuid", "blender"}, {"from_uuid", "llm"}, {"payload", {{"job_id", "j1"}}}});
  const auto answer =
      call(other, "blender_job_update", {{"job_id", "j1"}, {"status", "completed"}});
  EXPECT_EQ(answer.at("status"), "ok");
  EXPECT_EQ(answer.at("delivered"), "broadcast");
  EXPECT_EQ(answer.at("targets"), json::array{"bob-llm"});
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);
  EXPECT_TRUE(llm.records().empty());
}

TEST_F(BusToolsTest, JobUpdateChecksProgressAndItsMessage) {
  const auto peer = open("demo");
  EXPECT_EQ(
      call(peer, "blender_job_update", {{"job_id", "j"}, {"status", "running"}, {"progress", 1.5}})
          .at("error"),
      "progress must be between 0 and 1");
  EXPECT_EQ(
      call(peer, "blender_job_update",
           {{"job_id", "j"}, {"status", "running"}, {"progress_message", std::string(501, 'x')}})
          .at("error"),
      "progress_message must be at most 500 characters");
  EXPECT_EQ(call(peer, "blender_job_update",
                 {{"job_id", "j"}, {"status", "running"}, {"progress", "0.5"}})
                .at("delivered"),
            "broadcast");
}

// Canonical base64 of a PNG signature followed by zero bytes: `bytes` decoded bytes in all,
// which must be 9 plus a multiple of 3.
std::string png_base64(std::size_t bytes) {
  EXPECT_EQ((bytes - 9) % 3, 0u);
  std::string data = "iVBORw0KGgoA";
  data.reserve(bytes / 3 * 4 + 4);
  for (std::size_t n = 9; n < bytes; n += 3)
    data += "AAAA";
  return data;
}

TEST_F(BusToolsTest, AStyleBReplyCarriesItsImagesInThePayload) {
  const auto llm = open("demo");
  const auto blender = open("demo");
  register_client(llm, "llm");
  register_client(blender, "blender");
  call(llm, "blender_send_message",
       {{"target_uuid", "blender"}, {"from_uuid", "llm"}, {"payload", {{"job_id", "j1"}}}});
  const json::array images{
      json::object{{"mimeType", "image/png"}, {"data", png_base64(12)}, {"label", "top"}}};
  const auto updated = call(blender, "blender_job_update",
                            {{"job_id", "j1"}, {"status", "completed"}, {"images", images}});
  EXPECT_EQ(updated.at("delivered"), "direct");
  const auto payload = llm.records().at(0).at("payload").as_object();
  EXPECT_EQ(payload.at("images"),
            (json::array{json::object{
                {"label", "top"}, {"mimeType", "image/png"}, {"data", png_base64(12)}}}));
}

TEST_F(BusToolsTest, JobUpdateRefusesBadImagesWholeAndRoutesNothing) {
  const auto llm = open("demo");
  const auto blender = open("demo");
  register_client(llm, "llm");
  register_client(blender, "blender");
  call(llm, "blender_send_message",
       {{"target_uuid", "blender"}, {"from_uuid", "llm"}, {"payload", {{"job_id", "j1"}}}});
  const auto bad = call(
      blender, "blender_job_update",
      {{"job_id", "j1"},
       {"status", "completed"},
       {"images", json::array{json::object{{"mimeType", "image/gif"}, {"data", png_base64(12)}}}}});
  EXPECT_EQ(bad.at("status"), "error");
  EXPECT_EQ(bad.at("error"), "invalid_images");
  EXPECT_EQ(bad.at("detail"),
            "images[0]: mimeType must be image/png or image/jpeg, not 'image/gif'");

  ASSERT_EQ(hub_.limits().max_image_bytes, 4194304u);
  const json::array too_large{
      json::object{{"mimeType", "image/png"}, {"data", png_base64(2097156)}},
      json::object{{"mimeType", "image/png"}, {"data", png_base64(2097156)}}};
  const auto large = call(blender, "blender_job_update",
                          {{"job_id", "j1"}, {"status", "completed"}, {"images", too_large}});
  EXPECT_EQ(large.at("error"), "images_too_large");
  EXPECT_EQ(large.at("detail"),
            "the images are 4194312 bytes in all; the limit is 4194304 bytes per reply "
            "(max_image_bytes, BLENDER_MCP_MAX_IMAGE_BYTES); nothing was routed");
  EXPECT_TRUE(llm.records().empty());
  EXPECT_EQ(hub_.pending_jobs_for("demo"), 1u);

  // Within the image bound, a reply to a bus client is still a record: its base64 passes the
  // record bound. (A dispatch reply has no recipient and is not measured; see dispatch_tools.)
  const json::array within_the_limit{
      json::object{{"mimeType", "image/png"}, {"data", png_base64(2097150)}},
      json::object{{"mimeType", "image/png"}, {"data", png_base64(2097150)}}};
  const auto within =
      call(blender, "blender_job_update",
           {{"job_id", "j1"}, {"status", "completed"}, {"images", within_the_limit}});
  EXPECT_EQ(within.at("error"), "record_too_large");
  EXPECT_TRUE(llm.records().empty());
}

TEST_F(BusToolsTest, ListingShowsOnlyTheCallersBus) {
  const auto demo = open("demo");
  const auto bob = open("bob");
  register_client(demo, "demo-client", true);
  register_client(bob, "bob-client");
  const auto listed = call(bob, "blender_list_available_clients");
  EXPECT_EQ(listed.at("user_id"), "bob");
  EXPECT_EQ(listed.at("persistent"), json::array());
  EXPECT_EQ(listed.at("ephemeral").at(0).at("uuid"), "bob-client");
}

TEST_F(BusToolsTest, ABroadcastNeverCrossesToAnotherUser) {
  const auto demo = open("demo");
  const auto bob = open("bob");
  register_client(demo, "demo-client");
  register_client(bob, "bob-client");
  EXPECT_EQ(call(demo, "blender_send_message", {{"payload", json::object()}}).at("targets"),
            json::array{"demo-client"});
  EXPECT_EQ(call(demo, "blender_send_message",
                 {{"target_uuid", "bob-client"}, {"payload", json::object()}})
                .at("targets"),
            json::array());
  EXPECT_TRUE(bob.records().empty());
}

TEST_F(BusToolsTest, APersistentClientGetsWhatWasSentWhileItWasAway) {
  const auto sender = open("demo");
  const auto first = open("demo");
  register_client(first, "blender-1", true, "blender");
  end(first);
  const auto sent =
      call(sender, "blender_send_message", {{"target_uuid", "blender-1"}, {"payload", {{"n", 1}}}});
  EXPECT_EQ(sent.at("offline"), json::array{"blender-1"});
  const auto back = open("demo");
  register_client(back, "blender-1", true, "blender");
  ASSERT_EQ(back.records().size(), 1u);
  EXPECT_EQ(back.records()[0].at("message_id"), sent.at("message_id"));
}

}  // namespace
}  // namespace bmcp::tools
