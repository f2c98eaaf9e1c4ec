#include "jsonrpc/message.hpp"

#include <gtest/gtest.h>

#include "jsonrpc/codes.hpp"

namespace bmcp::jsonrpc {
namespace {

TEST(ParseMessage, RecognisesARequest) {
  auto message = parse_message(R"({"jsonrpc":"2.0","id":7,"method":"ping"})");
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->kind, Kind::kRequest);
  EXPECT_EQ(message->id, json::value(7));
  EXPECT_EQ(message->method, "ping");
}

TEST(ParseMessage, RecognisesANotificationByItsMissingId) {
  auto message = parse_message(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->kind, Kind::kNotification);
}

TEST(ParseMessage, RecognisesAClientResponse) {
  auto message = parse_message(R"({"jsonrpc":"2.0","id":"s-1","result":{"ok":true}})");
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->kind, Kind::kResponse);
  auto error = parse_message(R"({"jsonrpc":"2.0","id":"s-1","error":{"code":1,"message":"x"}})");
  ASSERT_TRUE(error.ok());
  EXPECT_TRUE(error->error.has_value());
}

TEST(ParseMessage, GarbageIsAParseError) {
  auto message = parse_message("{nope");
  ASSERT_FALSE(message.ok());
  EXPECT_EQ(message.error().code, kParseError);
  EXPECT_EQ(message.error().message, "Parse error");
}

TEST(ParseMessage, NumbersBeyondTheRangeOfADoubleAreAParseError) {
  // Found by fuzz/targets/jsonrpc_message: 5e308 was read as infinity and echoed as null.
  for (const char* text :
       {R"({"jsonrpc":"2.0","id":-9223372036854775808,"method":"m","params":[5e308,890]})",
        R"({"jsonrpc": "2.0", "id": 18446744073709551615, "error": {"code": -31e3082601}})"}) {
    auto message = parse_message(text);
    ASSERT_FALSE(message.ok()) << text;
    EXPECT_EQ(message.error().code, kParseError) << text;
  }
}

TEST(ParseMessage, BatchesAreRefused) {
  auto message = parse_message(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  ASSERT_FALSE(message.ok());
  EXPECT_EQ(message.error().code, kInvalidRequest);
  EXPECT_EQ(message.error().message, "Batch requests are not supported");
}

TEST(ParseMessage, WrongShapesAreInvalidRequests) {
  for (const char* text :
       {R"(42)", R"({"id":1,"method":"ping"})", R"({"jsonrpc":"1.0","id":1,"method":"x"})",
        R"({"jsonrpc":"2.0","id":1,"method":5})", R"({"jsonrpc":"2.0","id":1.5,"method":"x"})",
        R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})", R"({"jsonrpc":"2.0","id":1})",
        R"({"jsonrpc":"2.0","id":1,"result":1,"error":{}})"}) {
    auto message = parse_message(text);
    ASSERT_FALSE(message.ok()) << text;
    EXPECT_EQ(message.error().code, kInvalidRequest) << text;
  }
}

TEST(MakeError, CarriesOptionalData) {
  json::value data = json::object{{"uri", "x"}};
  auto error = make_error(1, kResourceNotFound, "Resource not found", &data);
  EXPECT_EQ(error.at("error").at("data").at("uri"), "x");
  EXPECT_EQ(error.at("error").at("code"), kResourceNotFound);
}

TEST(ResultText, IsTheTextOfMakeResult) {
  const json::value results[] = {
      json::object{},
      json::object{
          {"content", json::array{json::object{{"type", "text"}, {"text", "a \"quoted\"\nline"}}}},
          {"isError", false}},
      nullptr, 3.5, "text"};
  const json::value ids[] = {1, -7, "req-\u00e9", nullptr, 18446744073709551615ull};
  for (const auto& id : ids) {
    for (const auto& result : results) {
      EXPECT_EQ(result_text(id, result), to_json_text(make_result(id, result)))
          << to_json_text(id) << " " << to_json_text(result);
    }
  }
}

}  // namespace
}  // namespace bmcp::jsonrpc
