#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_text.hpp"

namespace bmcp::console {

// One request to the console as the transport hands it over: plain data, no sockets.
struct WebRequest {
  std::string method;
  std::string path;   // without the query string
  std::string query;  // after '?', undecoded
  std::string body;
  std::string content_type;
  std::string cookies;         // the Cookie header
  std::string csrf_token;      // the X-CSRF-Token header
  std::string client_address;  // from the transport's trusted-proxy rules
};

// The console's answer; the transport copies it onto the HTTP response.
struct WebReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The console's Content-Security-Policy: everything from this origin only, no inline script
// or style, images also as data: URLs (the pictures Blender returned), no framing.
std::string_view content_security_policy();
// CSP, nosniff, no referrer, no framing: on every console reply.
void add_security_headers(WebReply& reply);
// A JSON reply that is never cached.
WebReply json_reply(int status, const json::value& body);
// {"detail": detail} with `status`.
WebReply error_reply(int status, std::string_view detail);
// The value of cookie `name` in a Cookie header, nullopt when absent.
std::optional<std::string> cookie_value(std::string_view cookies, std::string_view name);
// The decoded value of `name` in an application/x-www-form-urlencoded query, nullopt when
// absent, or when the query is badly encoded or repeats a name (core::parse_form).
std::optional<std::string> query_value(std::string_view query, std::string_view name);
// Equal strings, compared in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace bmcp::console
