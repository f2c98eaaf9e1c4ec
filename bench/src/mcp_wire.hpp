// The bytes of MCP Streamable HTTP requests, built once per request with no JSON library:
// every body here is a fixed template with ids and caller-supplied JSON spliced in.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "url.hpp"

namespace bench {

struct McpEndpoint {
  HttpUrl url;        // .../mcp
  std::string token;  // bearer token; empty for servers without auth
  std::string protocol_version = "2025-06-18";
};

// POST with Accept: application/json, text/event-stream (what SDK clients send).
std::string post_request(const McpEndpoint& endpoint, std::string_view session_id,
                         std::string_view body);
std::string get_stream_request(const McpEndpoint& endpoint, std::string_view session_id);
std::string delete_request(const McpEndpoint& endpoint, std::string_view session_id);

std::string initialize_body(const std::string& protocol_version);
std::string initialized_notification_body();
std::string set_level_body(std::int64_t id, std::string_view level);
// `arguments_json` must be a JSON object text.
std::string tool_call_body(std::int64_t id, std::string_view tool, std::string_view arguments_json);
// A JSON string literal (with quotes) for `text`.
std::string json_string(std::string_view text);

}  // namespace bench
