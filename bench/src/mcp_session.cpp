#include "mcp_session.hpp"

#include <stdexcept>

#include "text_scan.hpp"

namespace bench {

std::string login(const HttpUrl& base, const std::string& username, const std::string& password) {
  BlockingConnection connection(base);
  std::string body =
      "{\"username\":" + json_string(username) + ",\"password\":" + json_string(password) + "}";
  std::string request =
      "POST /auth/login HTTP/1.1\r\nHost: " + base.host_header() +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  const auto& response = connection.round_trip(request);
  auto token = string_field(response.body(), "access_token");
  if (response.status() != 200 || !token)
    throw std::runtime_error("login of " + username + " failed: HTTP " +
                             std::to_string(response.status()) + " " + response.body());
  return *token;
}

std::string open_session(BlockingConnection& connection, const McpEndpoint& endpoint) {
  const auto& init =
      connection.round_trip(post_request(endpoint, "", initialize_body(endpoint.protocol_version)));
  std::string session_id = init.header("Mcp-Session-Id");
  if (init.status() != 200 || session_id.empty())
    throw std::runtime_error("initialize failed: HTTP " + std::to_string(init.status()) + " " +
                             init.body().substr(0, 300));
  const auto& note =
      connection.round_trip(post_request(endpoint, session_id, initialized_notification_body()));
  if (note.status() != 202 && note.status() != 200)
    throw std::runtime_error("notifications/initialized got HTTP " + std::to_string(note.status()));
  return session_id;
}

std::string call(BlockingConnection& connection, const McpEndpoint& endpoint,
                 std::string_view session_id, std::string_view body) {
  const auto& response = connection.round_trip(post_request(endpoint, session_id, body));
  std::string json = response_json(response.header("Content-Type"), response.body());
  if (response.status() != 200 || json.find("\"error\":{") != std::string::npos)
    throw std::runtime_error("request failed: HTTP " + std::to_string(response.status()) + " " +
                             json.substr(0, 300) + " for " + std::string(body.substr(0, 200)));
  return json;
}

void end_session(BlockingConnection& connection, const McpEndpoint& endpoint,
                 std::string_view session_id) {
  try {
    connection.round_trip(delete_request(endpoint, session_id));
  } catch (const std::exception&) {
  }
}

}  // namespace bench
