#include "console/request_body.hpp"

#include <gtest/gtest.h>

namespace bmcp::console {
namespace {

WebRequest post(std::string body, std::string type = "application/json") {
  WebRequest request;
  request.method = "POST";
  request.body = std::move(body);
  request.content_type = std::move(type);
  return request;
}

TEST(ConsoleRequestBody, RefusesOtherContentTypesNonObjectsAndUnknownFields) {
  EXPECT_EQ(json_body(post("{}", "text/plain"), {}).error().status, 415);
  EXPECT_EQ(json_body(post("[1]"), {}).error().body,
            R"({"detail":"the body must be a JSON object"})");
  EXPECT_EQ(json_body(post("{"), {}).error().status, 400);
  EXPECT_EQ(json_body(post(R"({"username":"a","admin":true})"), {"username"}).error().body,
            R"({"detail":"unknown field 'admin'"})");
  EXPECT_TRUE(
      json_body(post(R"({"username":"a"})", "application/json; charset=utf-8"), {"username"}));
}

TEST(ConsoleRequestBody, StringFieldsMustBeNonEmptyStringsWithinTheBound) {
  const auto body = parse_json(R"({"a":"x","b":"","c":3,"d":"12345"})")->as_object();
  EXPECT_EQ(**string_field(body, "a", true), "x");
  EXPECT_EQ(string_field(body, "b", true).error().body,
            R"({"detail":"'b' must be a non-empty string"})");
  EXPECT_EQ(string_field(body, "c", false).error().status, 400);
  EXPECT_EQ(string_field(body, "d", true, 4).error().body,
            R"({"detail":"'d' is longer than 4 bytes"})");
  EXPECT_EQ(string_field(body, "missing", true).error().body,
            R"({"detail":"'missing' is required"})");
  EXPECT_FALSE(*string_field(body, "missing", false));
}

TEST(ConsoleRequestBody, RolesAreDistinctRoleNames) {
  const auto roles = [](std::string_view text) {
    return roles_field(parse_json(text)->as_object(), true);
  };
  EXPECT_EQ(**roles(R"({"roles":["user","admin"]})"), (std::vector<std::string>{"user", "admin"}));
  EXPECT_FALSE(roles(R"({"roles":[]})"));
  EXPECT_FALSE(roles(R"({"roles":"admin"})"));
  EXPECT_FALSE(roles(R"({"roles":["<b>"]})"));
  EXPECT_FALSE(roles(R"({"roles":["a","a"]})"));
  EXPECT_FALSE(roles("{}"));
}

}  // namespace
}  // namespace bmcp::console
