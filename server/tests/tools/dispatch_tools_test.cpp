#include "tools/dispatch_tools.hpp"

#include <gtest/gtest.h>

#include "jobs/memory_job_store.hpp"
#include "tool_harness.hpp"

namespace bmcp::tools {
namespace {

using namespace std::chrono_literals;
using testing::ToolHarness;

class DispatchToolsTest : public ::testing::Test, protected ToolHarness {
 protected:
  DispatchToolsTest() {
    hub_.add_job_listener([this](const bus::JobEvent& e) { store_.apply(e); });
    hub_.add_job_listener([this](const bus::JobEvent& e) { waiter_.on_event(e); });
    add_dispatch_tools(registry_, dispatcher_, store_);
    add_scene_resources(registry_, dispatcher_);
  }
  void TearDown() override { end_all(); }

  Peer blender(const char* uuid) {
    auto peer = open("demo");
    call(peer, "blender_register_client",
         {{"client_uuid", uuid}, {"client_type", "blender"}, {"is_persistent", true}});
    return peer;
  }

  // Starts a request whose answer comes later; returns its channel.
  std::shared_ptr<mcp::testing::RecordingChannel> start(
      const Peer& peer, const char* method, json::object params,
      std::optional<json::value> progress_token = std::nullopt) {
    auto channel = std::make_shared<mcp::testing::RecordingChannel>();
    last_context_ = std::make_shared<mcp::RequestContext>(
        peer.session, mcp::Caller{peer.user, peer.user, {"user"}, {}}, 7, method, progress_token,
        channel);
    engine_.handle_request(last_context_, params);
    return channel;
  }

  // The command_dispatch payload the peer received last.
  json::object last_command(const Peer& peer) {
    return peer.records().back().at("payload").as_object();
  }

  static json::object envelope(const mcp::testing::RecordingChannel& channel) {
    const auto& text = channel.response->at("result").at("content").at(0).at("text").as_string();
    return parse_json(text)->as_object();
  }

  ManualScheduler scheduler_{clock_};
  jobs::JobWaiter waiter_;
  jobs::MemoryJobStore store_{clock_, jobs::JobStoreLimits{}};
  jobs::Dispatcher dispatcher_{hub_, waiter_, store_, scheduler_, clock_};
  std::shared_ptr<mcp::RequestContext> last_context_;
};

TEST_F(DispatchToolsTest, ExecuteCodeReturnsStdoutVerbatimInTheEnvelope) {
  const auto peer = blender("blender-demo01");
  const auto llm = open("demo");
  auto channel = start(llm, "tools/call",
                       {{"name", "blender_execute_code"},
                        {"arguments", {{"code", "import bpy; print(len(bpy.data.objects))"}}}});
  const auto command = last_command(peer);
  EXPECT_EQ(command.at("command"), "execute_code");
  EXPECT_EQ(command.at("params"),
            (json::object{{"code", "import bpy; print(len(bpy.data.objects))"}}));
  const std::string job_id(command.at("job_id").as_string());
  EXPECT_FALSE(channel->response);
  call(peer, "blender_job_update",
       {{"job_id", job_id}, {"status", "completed"}, {"result", "3\n"}});
  ASSERT_TRUE(channel->response);
  EXPECT_EQ(envelope(*channel), (json::object{{"status", "completed"},
                                              {"command", "execute_code"},
                                              {"target_uuid", "blender-demo01"},
                                              {"job_id", job_id},
                                              {"result", "3\n"},
                                              {"error", ""}}));
  EXPECT_EQ(channel->response->at("result").at("structuredContent"), envelope(*channel));
}

TEST_F(DispatchToolsTest, TheScreenshotsPictureIsTheSecondContentItemAndNotInTheEnvelope) {
  const auto peer = blender("blender-demo01");
  auto channel =
      start(open("demo"), "tools/call",
            {{"name", "blender_get_viewport_screenshot"}, {"arguments", json::object{}}});
  const auto command = last_command(peer);
  EXPECT_EQ(command.at("params"),
            (json::object{{"filepath", nullptr}, {"max_size", 800}, {"format", "png"}}));
  const std::string job_id(command.at("job_id").as_string());
  const std::string result = R"({"success":true,"width":2,"height":1,"filepath":null})";
  call(peer, "blender_job_update",
       {{"job_id", job_id},
        {"status", "completed"},
        {"result", result},
        {"images",
         json::array{json::object{
             {"mimeType", "image/png"}, {"data", "iVBORw0KGgo="}, {"label", "viewport"}}}}});
  ASSERT_TRUE(channel->response);
  const auto& content = channel->response->at("result").at("content").as_array();
  ASSERT_EQ(content.size(), 2u);
  EXPECT_EQ(envelope(*channel).at("result"), json::value(result));
  EXPECT_EQ(envelope(*channel).at("status"), "completed");
  EXPECT_EQ(content[1],
            (json::object{{"type", "image"}, {"data", "iVBORw0KGgo="}, {"mimeType", "image/png"}}));
  EXPECT_EQ(content[0].at("text").as_string().find("iVBORw0KGgo"), std::string::npos);
}

TEST_F(DispatchToolsTest, ADispatchReplyMayCarryImagesUpToTheImageBoundBeyondTheRecordBound) {
  const auto peer = blender("b");
  auto channel =
      start(open("demo"), "tools/call", {{"name", "blender_look"}, {"arguments", json::object{}}});
  const std::string job_id(last_command(peer).at("job_id").as_string());
  // 4,194,301 decoded bytes: a PNG signature, then zeros; 5.6 MB of base64.
  std::string data = "iVBORw0KGgoA";
  for (std::size_t n = 9; n + 3 <= hub_.limits().max_image_bytes; n += 3)
    data += "AAAA";
  ASSERT_GT(data.size(), hub_.limits().max_record_bytes);
  const auto answer = call(
      peer, "blender_job_update",
      {{"job_id", job_id},
       {"status", "completed"},
       {"result", "{}"},
       {"images",
        json::array{json::object{{"mimeType", "image/png"}, {"data", data}, {"label", "iso"}}}}});
  EXPECT_EQ(answer.at("status"), "ok");
  ASSERT_TRUE(channel->response);
  const auto& content = channel->response->at("result").at("content").as_array();
  ASSERT_EQ(content.size(), 2u);
  EXPECT_EQ(content[1].at("data").as_string().size(), data.size());
}

TEST_F(DispatchToolsTest, LookAndRenderSendTheirParametersWithDefaults) {
  const auto peer = blender("b");
  start(open("demo"), "tools/call", {{"name", "blender_look"}, {"arguments", json::object{}}});
  EXPECT_EQ(last_command(peer).at("command"), "look");
  EXPECT_EQ(last_command(peer).at("params"), (json::object{{"views", json::array{"iso"}},
                                                           {"objects", nullptr},
                                                           {"shading", "solid"},
                                                           {"max_size", 512},
                                                           {"format", "png"}}));
  start(open("demo"), "tools/call",
        {{"name", "blender_render"}, {"arguments", {{"engine", "CYCLES"}, {"samples", 16}}}});
  EXPECT_EQ(last_command(peer).at("command"), "render");
  EXPECT_EQ(last_command(peer).at("params"), (json::object{{"engine", "CYCLES"},
                                                           {"samples", 16},
                                                           {"resolution_percentage", nullptr},
                                                           {"frame", nullptr},
                                                           {"filepath", nullptr},
                                                           {"max_size", 1000},
                                                           {"format", "png"}}));
}

TEST_F(DispatchToolsTest, ParamsCarryEveryParameterWithItsDefault) {
  const auto peer = blender("b");
  start(open("demo"), "tools/call",
        {{"name", "blender_browse_data"}, {"arguments", {{"collection", "objects"}}}});
  EXPECT_EQ(last_command(peer).at("params"), (json::object{{"collection", "objects"},
                                                           {"item_name", nullptr},
                                                           {"page", 1},
                                                           {"page_size", 50},
                                                           {"detail_level", "summary"}}));
  start(open("demo"), "tools/call", {{"name", "blender_console_operations"}, {"arguments", {}}});
  EXPECT_EQ(last_command(peer).at("params"),
            (json::object{{"operation", "get_info"}, {"params", json::object()}}));
}

TEST_F(DispatchToolsTest, WithoutABlenderTheAnswerIsNoClientAtOnce) {
  auto channel = start(open("demo"), "tools/call", {{"name", "blender_get_scene_info"}});
  EXPECT_EQ(envelope(*channel).at("status"), "no_client");
}

TEST_F(DispatchToolsTest, TheTimeoutOverrideIsHonouredAndGetJobFindsTheLateReply) {
  const auto peer = blender("b");
  auto channel = start(open("demo"), "tools/call",
                       {{"name", "blender_get_scene_info"}, {"arguments", {{"_timeout", "2"}}}});
  const std::string job_id(last_command(peer).at("job_id").as_string());
  scheduler_.advance(1s);
  EXPECT_FALSE(channel->response);
  scheduler_.advance(1s);
  EXPECT_EQ(envelope(*channel).at("status"), "timeout");
  EXPECT_EQ(envelope(*channel).at("waited_seconds"), 2.0);
  call(peer, "blender_job_update", {{"job_id", job_id}, {"status", "completed"}, {"result", "{}"}});
  const auto job = call(open("demo"), "blender_get_job", {{"job_id", job_id}});
  EXPECT_EQ(job.at("job").at("state"), "completed");
  EXPECT_EQ(job.at("job").at("result"), "{}");
}

TEST_F(DispatchToolsTest, ANonPositiveTimeoutIsInvalidAndAHugeOneIsClamped) {
  const auto peer = blender("b");
  auto refused = start(open("demo"), "tools/call",
                       {{"name", "blender_get_scene_info"}, {"arguments", {{"_timeout", 0}}}});
  EXPECT_EQ(refused->response->at("result").at("isError"), true);
  auto clamped = start(open("demo"), "tools/call",
                       {{"name", "blender_get_scene_info"}, {"arguments", {{"_timeout", 1e9}}}});
  scheduler_.advance(3600s);
  EXPECT_EQ(envelope(*clamped).at("waited_seconds"), 3600.0);
}

TEST_F(DispatchToolsTest, CancellingTheCallSendsNoAnswerAndTellsThePeer) {
  const auto peer = blender("b");
  auto channel = start(open("demo"), "tools/call", {{"name", "blender_get_scene_info"}});
  last_context_->cancel();
  EXPECT_EQ(last_command(peer).at("message_type"), "cancel");
  scheduler_.advance(60s);
  EXPECT_FALSE(channel->response);
}

TEST_F(DispatchToolsTest, ProgressFromThePeerBecomesProgressNotifications) {
  const auto peer = blender("b");
  auto channel = start(open("demo"), "tools/call", {{"name", "blender_get_scene_info"}}, "tok");
  const std::string job_id(last_command(peer).at("job_id").as_string());
  call(
      peer, "blender_job_update",
      {{"job_id", job_id}, {"status", "running"}, {"progress", 0.5}, {"progress_message", "half"}});
  ASSERT_EQ(channel->related.size(), 1u);
  const auto& params = channel->related[0].at("params");
  EXPECT_EQ(params.at("progressToken"), "tok");
  EXPECT_EQ(params.at("progress"), 50.0);
  EXPECT_EQ(params.at("total"), 100.0);
  EXPECT_EQ(params.at("message"), "half");
}

TEST_F(DispatchToolsTest, GetJobNeverShowsAnotherUsersJob) {
  const auto peer = blender("b");
  start(open("demo"), "tools/call", {{"name", "blender_get_scene_info"}});
  const std::string job_id(last_command(peer).at("job_id").as_string());
  EXPECT_EQ(call(open("bob"), "blender_get_job", {{"job_id", job_id}}).at("status"), "not_found");
  EXPECT_EQ(call(open("demo"), "blender_get_job", {{"job_id", job_id}}).at("job").at("state"),
            "pending");
}

TEST_F(DispatchToolsTest, SceneResourcesReturnTheEnvelopeAsContentAndBadPagesAreNotFound) {
  auto info = start(open("demo"), "resources/read", {{"uri", "blender://scene/info"}});
  const auto& text = info->response->at("result").at("contents").at(0).at("text").as_string();
  EXPECT_EQ(parse_json(text)->at("status"), "no_client");
  auto bad = start(open("demo"), "resources/read", {{"uri", "blender://console/all/0"}});
  EXPECT_EQ(bad->response->at("error").at("code"), -32002);
  EXPECT_EQ(bad->response->at("error").at("data").at("uri"), "blender://console/all/0");
}

TEST_F(DispatchToolsTest, AConsolePageIsPassedToTheCommand) {
  const auto peer = blender("b");
  start(open("demo"), "resources/read", {{"uri", "blender://console/error/3"}});
  EXPECT_EQ(last_command(peer).at("params"),
            (json::object{{"level", "error"}, {"page", 3}, {"page_size", 50}}));
}

}  // namespace
}  // namespace bmcp::tools
