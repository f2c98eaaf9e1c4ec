#include "jobs/envelope.hpp"

#include <gtest/gtest.h>

namespace bmcp::jobs {
namespace {

TEST(Envelope, AReplyCarriesTheReportedStatusAndTheResultVerbatim) {
  const bus::JobUpdate update{"j-7a3f2c1e9b04", "completed", "3\n", "", std::nullopt, std::nullopt};
  EXPECT_EQ(to_json_text(reply_envelope("execute_code", "blender-abc", "j-7a3f2c1e9b04", update)),
            R"({"status":"completed","command":"execute_code","target_uuid":"blender-abc",)"
            R"("job_id":"j-7a3f2c1e9b04","result":"3\n","error":""})");
}

TEST(Envelope, NoClientHasTheSeedsExactHint) {
  EXPECT_EQ(
      to_json_text(target_error_envelope("get_scene_info", {TargetError::Kind::kNoClient, {}, {}})),
      R"({"status":"no_client","command":"get_scene_info","hint":"No Blender client )"
      R"(connected to your bus. Open Blender, enable the BlenderMCP addon, click Login )"
      R"(then Connect."})");
}

TEST(Envelope, AmbiguousTargetListsTheCandidates) {
  const auto envelope = target_error_envelope(
      "get_scene_info", {TargetError::Kind::kAmbiguous, {}, {"blender-abc", "blender-def"}});
  EXPECT_EQ(to_json_text(envelope),
            R"({"status":"ambiguous_target","command":"get_scene_info",)"
            R"("candidates":["blender-abc","blender-def"],"hint":"Multiple Blender clients )"
            R"(connected; pass target_uuid=<one of candidates> to disambiguate."})");
}

TEST(Envelope, UnknownAndOfflineTargetsNameTheUuid) {
  EXPECT_EQ(target_error_envelope("x", {TargetError::Kind::kUnknown, "b", {}}).at("status"),
            "unknown_target");
  EXPECT_EQ(target_error_envelope("x", {TargetError::Kind::kOffline, "b", {}}).at("target_uuid"),
            "b");
}

TEST(Envelope, TimeoutSaysHowLongItWaitedAndWhereTheReplyWillBe) {
  const auto envelope = timeout_envelope("download_polyhaven_asset", "b", "j-1", 180.0);
  EXPECT_EQ(envelope.at("status"), "timeout");
  EXPECT_EQ(envelope.at("error"), "timeout");
  EXPECT_EQ(envelope.at("result"), "");
  EXPECT_EQ(to_json_text(envelope.at("waited_seconds")), "180.0");
  EXPECT_NE(envelope.at("hint").as_string().find("blender_get_job"), std::string::npos);
}

}  // namespace
}  // namespace bmcp::jobs
