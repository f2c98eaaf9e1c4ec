// JSON-RPC message decoding (jsonrpc::parse_message): the body of every POST /mcp and every line
// the stdio front reads. Beyond "no crash, no leak, no undefined behaviour":
//  - a refusal is -32700 (not JSON) or -32600 (not a message), with a message;
//  - a decoded message has the fields its kind needs (a request an id, a response one of
//    result and error);
//  - the reply built from it (make_result / make_error) is one line of JSON that reads back as
//    the same value, and so does the whole input value.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "jsonrpc/codes.hpp"
#include "jsonrpc/message.hpp"

namespace {

using bmcp::fuzz::require;
using bmcp::fuzz::same_json;

void require_round_trip(const bmcp::json::value& value, const char* what) {
  const auto text = bmcp::to_json_text(value);
  require(text.find('\n') == std::string::npos, what);
  const auto again = bmcp::parse_json(text);
  require(again && same_json(*again, value), what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace jsonrpc = bmcp::jsonrpc;
  const auto text = bmcp::fuzz::as_text(data, size);
  auto message = jsonrpc::parse_message(text);
  if (!message) {
    const auto& error = message.error();
    require(error.code == jsonrpc::kParseError || error.code == jsonrpc::kInvalidRequest,
            "a refusal is a parse error or an invalid request");
    require(!error.message.empty(), "a refusal has a message");
    return 0;
  }
  switch (message->kind) {
    case jsonrpc::Kind::kRequest:
      require(!message->method.empty(), "a request has a method");
      require(message->id.is_string() || message->id.is_int64() || message->id.is_uint64(),
              "a request id is a string or an integer");
      require_round_trip(jsonrpc::make_result(message->id, message->params),
                         "a result reply reads back as written");
      require_round_trip(jsonrpc::make_error(message->id, jsonrpc::kMethodNotFound,
                                             "Method not found: " + message->method),
                         "an error reply reads back as written");
      break;
    case jsonrpc::Kind::kNotification:
      require(!message->method.empty(), "a notification has a method");
      require_round_trip(jsonrpc::make_notification(message->method, message->params),
                         "a notification reads back as written");
      break;
    case jsonrpc::Kind::kResponse:
      // (a result may itself be null, so only "not both" can be told from the outside)
      require(!(message->error && !message->result.is_null()),
              "a response has one of result and error");
      break;
  }
  const auto value = bmcp::parse_json(text);
  require(value.has_value(), "a decoded message was JSON");
  require_round_trip(*value, "a message reads back as written");
  return 0;
}
