#include "tools/dispatch_result.hpp"

#include <gtest/gtest.h>

namespace bmcp::tools {
namespace {

const json::object kEnvelope{{"status", "completed"},
                             {"command", "look"},
                             {"target_uuid", "blender-1"},
                             {"job_id", "j-1"},
                             {"result", R"({"images":[{"index":1,"label":"top"}]})"},
                             {"error", ""}};

TEST(DispatchResult, WithoutImagesItIsTheEnvelopeAlone) {
  const auto result = dispatch_tool_result({kEnvelope, nullptr}, "2025-06-18");
  ASSERT_EQ(result.at("content").as_array().size(), 1u);
  EXPECT_EQ(result.at("content").at(0).at("type"), "text");
  EXPECT_EQ(parse_json(result.at("content").at(0).at("text").as_string()), json::value(kEnvelope));
  EXPECT_EQ(result.at("structuredContent"), kEnvelope);
  EXPECT_EQ(result.at("isError"), false);
  const auto empty =
      dispatch_tool_result({kEnvelope, std::make_shared<const bus::JobImages>()}, "2025-06-18");
  EXPECT_EQ(empty.at("content").as_array().size(), 1u);
}

TEST(DispatchResult, EachImageBecomesAnImageItemAfterTheEnvelopeInOrder) {
  const auto images = std::make_shared<const bus::JobImages>(bus::JobImages{
      {"image/png", "iVBORw0KGgo=", "top"}, {"image/jpeg", "/9j/4AAQSkZJRg==", "front"}});
  const auto result = dispatch_tool_result({kEnvelope, images}, "2025-06-18");
  const auto& content = result.at("content").as_array();
  ASSERT_EQ(content.size(), 3u);
  EXPECT_EQ(content[0].at("type"), "text");
  EXPECT_EQ(content[1],
            (json::object{{"type", "image"}, {"data", "iVBORw0KGgo="}, {"mimeType", "image/png"}}));
  EXPECT_EQ(
      content[2],
      (json::object{{"type", "image"}, {"data", "/9j/4AAQSkZJRg=="}, {"mimeType", "image/jpeg"}}));
}

TEST(DispatchResult, TheBase64IsNeverInTheEnvelope) {
  const auto images = std::make_shared<const bus::JobImages>(
      bus::JobImages{{"image/png", "iVBORw0KGgoAAAANSUhEUg==", "top"}});
  const auto result = dispatch_tool_result({kEnvelope, images}, "2025-06-18");
  const auto text = result.at("content").at(0).at("text").as_string();
  EXPECT_EQ(std::string_view(text).find("iVBORw0KGgo"), std::string_view::npos);
  EXPECT_EQ(to_json_text(result.at("structuredContent")).find("iVBORw0KGgo"), std::string::npos);
}

TEST(DispatchResult, OlderProtocolVersionsGetNoStructuredContentButStillTheImages) {
  const auto images =
      std::make_shared<const bus::JobImages>(bus::JobImages{{"image/png", "iVBORw0KGgo=", ""}});
  const auto result = dispatch_tool_result({kEnvelope, images}, "2025-03-26");
  EXPECT_FALSE(result.contains("structuredContent"));
  EXPECT_EQ(result.at("content").as_array().size(), 2u);
}

}  // namespace
}  // namespace bmcp::tools
