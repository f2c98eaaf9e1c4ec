#include "http/types.hpp"

#include <gtest/gtest.h>

namespace bmcp::http {
namespace {

TEST(Headers, LookupIgnoresCase) {
  Headers headers;
  headers.add("Content-Type", "application/json");
  EXPECT_EQ(headers.get("content-type"), "application/json");
  EXPECT_FALSE(headers.get("accept").has_value());
}

TEST(Iequals, FoldsAsciiLettersOnly) {
  EXPECT_TRUE(iequals("Mcp-Session-Id", "mcp-session-id"));
  EXPECT_TRUE(iequals("X-Z", "x-z"));
  EXPECT_FALSE(iequals("a-b", "a_b"));
  EXPECT_FALSE(iequals("[", "{"));  // 0x5B and 0x7B differ by the case bit, but are no letters
  EXPECT_FALSE(iequals("Accept", "Accepts"));
  EXPECT_FALSE(iequals("\xC4", "\xE4"));  // bytes above ASCII are compared as they are
}

TEST(Headers, SetReplacesEveryFieldOfThatName) {
  Headers headers;
  headers.add("X", "1");
  headers.add("x", "2");
  headers.set("X", "3");
  EXPECT_EQ(headers.fields().size(), 1u);
  EXPECT_EQ(headers.get("x"), "3");
}

TEST(DetailResponse, HasTheContractShape) {
  auto response = detail_response(404, "Not Found");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, R"({"detail":"Not Found"})");
  EXPECT_EQ(response.headers.get("Content-Type"), "application/json");
}

TEST(HeaderListsMediaType, FindsTypesAmongParametersAndSpaces) {
  EXPECT_TRUE(header_lists_media_type("application/json, text/event-stream", "text/event-stream"));
  EXPECT_TRUE(header_lists_media_type("application/json; charset=utf-8", "application/json"));
  EXPECT_FALSE(header_lists_media_type("text/html", "application/json"));
  EXPECT_FALSE(header_lists_media_type("", "application/json"));
}

}  // namespace
}  // namespace bmcp::http
