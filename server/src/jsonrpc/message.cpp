#include "jsonrpc/message.hpp"

#include "jsonrpc/codes.hpp"

namespace bmcp::jsonrpc {
namespace {

Unexpected<ShapeError> invalid(std::string message) {
  return Unexpected{ShapeError{kInvalidRequest, std::move(message)}};
}

bool is_valid_id(const json::value& id) {
  return id.is_string() || id.is_int64() || id.is_uint64();
}

bool is_valid_params(const json::value& params) {
  return params.is_object() || params.is_array() || params.is_null();
}

}  // namespace

Result<Message, ShapeError> parse_message(std::string_view text) {
  auto value = parse_json(text);
  if (!value)
    return Unexpected{ShapeError{kParseError, "Parse error"}};
  if (value->is_array())
    return invalid("Batch requests are not supported");
  return classify(std::move(*value));
}

Result<Message, ShapeError> classify(json::value value) {
  auto* object = value.if_object();
  if (!object)
    return invalid("Invalid Request: a message must be a JSON object");
  const auto* version = find_string(*object, "jsonrpc");
  if (!version || *version != "2.0")
    return invalid("Invalid Request: jsonrpc must be \"2.0\"");

  Message message;
  // The parts a message keeps are moved out of `value`, not copied.
  auto* id = object->if_contains("id");
  const auto* method = object->if_contains("method");
  if (method) {
    if (!method->is_string() || method->as_string().empty()) {
      return invalid("Invalid Request: method must be a non-empty string");
    }
    message.method = std::string(method->as_string());
    if (auto* params = object->if_contains("params")) {
      if (!is_valid_params(*params))
        return invalid("Invalid Request: params must be an object");
      message.params = std::move(*params);
    }
    if (!id) {
      message.kind = Kind::kNotification;
      return message;
    }
    if (!is_valid_id(*id))
      return invalid("Invalid Request: id must be a string or an integer");
    message.kind = Kind::kRequest;
    message.id = std::move(*id);
    return message;
  }

  // A response from the client (to a server-to-client request).
  if (!id)
    return invalid("Invalid Request: method is required");
  auto* result = object->if_contains("result");
  auto* error = object->if_contains("error");
  if ((result != nullptr) == (error != nullptr)) {
    return invalid("Invalid Request: a response has exactly one of result and error");
  }
  if (error && !error->is_object())
    return invalid("Invalid Request: error must be an object");
  if (!is_valid_id(*id) && !id->is_null()) {
    return invalid("Invalid Request: id must be a string or an integer");
  }
  message.kind = Kind::kResponse;
  message.id = std::move(*id);
  if (result)
    message.result = std::move(*result);
  if (error)
    message.error = std::move(error->as_object());
  return message;
}

json::object make_result(const json::value& id, json::value result) {
  return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

std::string result_text(const json::value& id, const json::value& result) {
  std::string text;
  text.reserve(160);
  text += R"({"jsonrpc":"2.0","id":)";
  append_json_text(text, id);
  text += R"(,"result":)";
  append_json_text(text, result);
  text += '}';
  return text;
}

json::object make_error(const json::value& id, int code, std::string_view message,
                        const json::value* data) {
  json::object error{{"code", code}, {"message", message}};
  if (data)
    error["data"] = *data;
  return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json::object make_notification(std::string_view method, json::value params) {
  return json::object{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

json::object make_request(const json::value& id, std::string_view method, json::value params) {
  return json::object{
      {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

}  // namespace bmcp::jsonrpc
