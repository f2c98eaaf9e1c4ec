#include "mcp/argument_validator.hpp"

#include <gtest/gtest.h>

namespace bmcp::mcp {
namespace {

json::object schema() {
  return parse_json(R"({"type":"object","properties":{
      "name":{"type":"string"},
      "count":{"type":"integer","default":20},
      "scale":{"type":"number"},
      "flag":{"type":"boolean"},
      "target":{"type":["string","null"]},
      "level":{"type":"string","enum":["summary","full"]},
      "tags":{"type":"array","items":{"type":"string"}}},
    "required":["name"]})")
      ->as_object();
}

Result<json::object, std::string> check(const char* arguments) {
  return validate_arguments(schema(), *parse_json(arguments));
}

TEST(ValidateArguments, AcceptsWellTypedArguments) {
  auto result = check(R"({"name":"Cube","count":3,"scale":1.5,"flag":true,"target":"x"})");
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->at("count"), 3);
}

TEST(ValidateArguments, ChecksTheTypeOfArrayItems) {
  EXPECT_TRUE(check(R"({"name":"x","tags":["a","b"]})"));
  const auto result = check(R"({"name":"x","tags":["a",1]})");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), "parameter 'tags' must be an array of string, item 1 is integer");
}

TEST(ValidateArguments, RequiresRequiredParameters) {
  auto result = check(R"({"count":3})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), "missing required parameter 'name'");
}

TEST(ValidateArguments, TreatsExplicitNullAsAbsent) {
  auto result = check(R"({"name":"a","count":null})");
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->contains("count"));
  EXPECT_FALSE(check(R"({"name":null})").ok());
}

TEST(ValidateArguments, CoercesNumericStrings) {
  auto result = check(R"({"name":"a","count":"12","scale":"2.5"})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->at("count"), 12);
  EXPECT_EQ(result->at("scale"), 2.5);
}

TEST(ValidateArguments, AcceptsIntegralNumbersAsIntegers) {
  auto result = check(R"({"name":"a","count":4.0})");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->at("count").is_int64());
  EXPECT_FALSE(check(R"({"name":"a","count":4.5})").ok());
}

TEST(ValidateArguments, NamesTheParameterAndTheExpectedType) {
  auto result = check(R"({"name":5})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), "parameter 'name' must be string, got integer");
  EXPECT_FALSE(check(R"({"name":"a","flag":"yes"})").ok());
  EXPECT_FALSE(check(R"({"name":"a","count":"many"})").ok());
}

TEST(ValidateArguments, EnforcesEnums) {
  EXPECT_TRUE(check(R"({"name":"a","level":"full"})").ok());
  EXPECT_FALSE(check(R"({"name":"a","level":"loud"})").ok());
}

TEST(ValidateArguments, KeepsUnknownArgumentsAndRefusesNonObjects) {
  auto result = check(R"({"name":"a","extra":1})");
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->contains("extra"));
  EXPECT_FALSE(check("[1]").ok());
}

}  // namespace
}  // namespace bmcp::mcp
