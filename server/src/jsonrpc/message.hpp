#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/json_text.hpp"
#include "core/result.hpp"

namespace bmcp::jsonrpc {

enum class Kind { kRequest, kNotification, kResponse };

// One validated JSON-RPC 2.0 message. For requests `id` is a string or an integer; for
// responses `result` or `error` is set; `params` is an object, an array or null.
struct Message {
  Kind kind = Kind::kRequest;
  json::value id;
  std::string method;
  json::value params;
  json::value result;
  std::optional<json::object> error;
};

struct ShapeError {
  int code = 0;  // kParseError or kInvalidRequest
  std::string message;
};

// Parses one message from the body of a POST. Batches (arrays) are refused.
Result<Message, ShapeError> parse_message(std::string_view text);
// Checks the shape of an already parsed value; the message takes its parts (moved, not copied).
Result<Message, ShapeError> classify(json::value value);

json::object make_result(const json::value& id, json::value result);
// The text of make_result(id, result), written directly: no message object is built (the answer
// to every request goes this way).
std::string result_text(const json::value& id, const json::value& result);
json::object make_error(const json::value& id, int code, std::string_view message,
                        const json::value* data = nullptr);
json::object make_notification(std::string_view method, json::value params);
json::object make_request(const json::value& id, std::string_view method, json::value params);

}  // namespace bmcp::jsonrpc
