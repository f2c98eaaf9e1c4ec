#include "bus/job_image.hpp"

#include <gtest/gtest.h>

namespace bmcp::bus {
namespace {

// The PNG signature and the start of an IHDR chunk; and a JPEG SOI with an APP0 marker.
constexpr const char* kPngData = "iVBORw0KGgoAAAANSUhEUg==";
constexpr const char* kJpegData = "/9j/4AAQSkZJRg==";

json::array items(json::object item) {
  return json::array{std::move(item)};
}

std::string problem(json::array input) {
  const auto parsed = parse_job_images(input);
  EXPECT_FALSE(parsed);
  return parsed ? std::string() : parsed.error();
}

TEST(JobImage, ParsesPngAndJpegItemsWithTheirLabels) {
  const auto parsed = parse_job_images(
      json::array{json::object{{"mimeType", "image/png"}, {"data", kPngData}, {"label", "front"}},
                  json::object{{"mimeType", "image/jpeg"}, {"data", kJpegData}}});
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].mime_type, "image/png");
  EXPECT_EQ((*parsed)[0].data, kPngData);
  EXPECT_EQ((*parsed)[0].label, "front");
  EXPECT_EQ((*parsed)[1].mime_type, "image/jpeg");
  EXPECT_EQ((*parsed)[1].label, "");
  EXPECT_EQ(decoded_image_bytes(*parsed), 16u + 10u);
}

TEST(JobImage, AnEmptyListIsNoImages) {
  const auto parsed = parse_job_images(json::array{});
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
}

TEST(JobImage, EachBadItemIsNamedWithWhatIsWrong) {
  EXPECT_EQ(problem(json::array{"iVBORw0KGgo="}),
            "images[0]: must be an object with mimeType and data");
  EXPECT_EQ(problem(items({{"data", kPngData}})),
            "images[0]: mimeType must be a string: image/png or image/jpeg");
  EXPECT_EQ(problem(items({{"mimeType", "image/gif"}, {"data", kPngData}})),
            "images[0]: mimeType must be image/png or image/jpeg, not 'image/gif'");
  EXPECT_EQ(problem(items({{"mimeType", "image/png"}})),
            "images[0]: data must be a string of base64");
  EXPECT_EQ(problem(items({{"mimeType", "image/png"}, {"data", "iVBO Rw0K"}})),
            "images[0]: data is not canonical base64 (A-Z a-z 0-9 + /, '=' padding, no "
            "whitespace)");
  EXPECT_EQ(problem(items({{"mimeType", "image/png"}, {"data", kJpegData}})),
            "images[0]: data does not hold a PNG image (its first bytes are not the PNG "
            "signature)");
  EXPECT_EQ(problem(items({{"mimeType", "image/jpeg"}, {"data", kPngData}})),
            "images[0]: data does not hold a JPEG image (its first bytes are not the JPEG "
            "signature)");
  EXPECT_EQ(problem(items({{"mimeType", "image/png"}, {"data", kPngData}, {"label", 3}})),
            "images[0]: label must be a string");
  EXPECT_EQ(problem(items(
                {{"mimeType", "image/png"}, {"data", kPngData}, {"label", std::string(201, 'x')}})),
            "images[0]: label must be at most 200 bytes");
  EXPECT_EQ(problem(json::array{json::object{{"mimeType", "image/png"}, {"data", kPngData}},
                                json::object{{"mimeType", "image/png"}, {"data", ""}}}),
            "images[1]: data is not canonical base64 (A-Z a-z 0-9 + /, '=' padding, no "
            "whitespace)");
}

TEST(JobImage, TheBusFormKeepsLabelTypeAndDataInOrder) {
  const JobImages images{{"image/png", kPngData, "top"}, {"image/jpeg", kJpegData, ""}};
  EXPECT_EQ(to_json_text(job_images_json(images)),
            std::string(R"([{"label":"top","mimeType":"image/png","data":")") + kPngData +
                R"("},{"label":"","mimeType":"image/jpeg","data":")" + kJpegData + R"("}])");
}

}  // namespace
}  // namespace bmcp::bus
