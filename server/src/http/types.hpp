#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_text.hpp"

namespace bmcp::http {

// Header fields in arrival order; names compare case-insensitively.
class Headers {
 public:
  std::optional<std::string_view> get(std::string_view name) const;
  void set(std::string name, std::string value);  // replaces every field of that name
  void add(std::string name, std::string value);
  void reserve(std::size_t fields);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// A complete request as the server read it. Plain data: handlers never see the socket.
struct HttpRequest {
  std::string method;  // as sent, e.g. "POST"
  std::string target;  // path and query, as sent
  std::string path;    // target without the query string
  Headers headers;
  std::string body;
  std::string remote_address;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
};

// A JSON body with Content-Type application/json.
HttpResponse json_response(int status, const json::value& body);
// The contract's non-MCP error shape: {"detail": "..."}.
HttpResponse detail_response(int status, std::string_view detail);
bool iequals(std::string_view a, std::string_view b);
// `text` without leading and trailing spaces and tabs (optional whitespace of header values).
std::string_view trim(std::string_view text);
// True when a comma-separated header value (e.g. Accept) lists `media_type`, ignoring params.
bool header_lists_media_type(std::string_view header_value, std::string_view media_type);

}  // namespace bmcp::http
