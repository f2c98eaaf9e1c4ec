#include "mcp_wire.hpp"

#include <cstdio>

namespace bench {

namespace {
std::string common_headers(const McpEndpoint& endpoint, std::string_view session_id) {
  std::string h;
  h.reserve(256 + endpoint.token.size());
  h += "Host: " + endpoint.url.host_header() + "\r\n";
  if (!endpoint.token.empty())
    h += "Authorization: Bearer " + endpoint.token + "\r\n";
  if (!session_id.empty()) {
    h += "Mcp-Session-Id: ";
    h += session_id;
    h += "\r\nMcp-Protocol-Version: " + endpoint.protocol_version + "\r\n";
  }
  return h;
}
}  // namespace

std::string post_request(const McpEndpoint& endpoint, std::string_view session_id,
                         std::string_view body) {
  std::string r = "POST " + endpoint.url.path + " HTTP/1.1\r\n";
  r += common_headers(endpoint, session_id);
  r += "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  r += body;
  return r;
}

std::string get_stream_request(const McpEndpoint& endpoint, std::string_view session_id) {
  std::string r = "GET " + endpoint.url.path + " HTTP/1.1\r\n";
  r += common_headers(endpoint, session_id);
  r += "Accept: text/event-stream\r\n\r\n";
  return r;
}

std::string delete_request(const McpEndpoint& endpoint, std::string_view session_id) {
  std::string r = "DELETE " + endpoint.url.path + " HTTP/1.1\r\n";
  r += common_headers(endpoint, session_id);
  r += "Content-Length: 0\r\n\r\n";
  return r;
}

std::string initialize_body(const std::string& protocol_version) {
  return R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")" +
         protocol_version +
         R"(","capabilities":{},"clientInfo":{"name":"blender-mcp-bench","version":"1.0.0"}}})";
}

std::string initialized_notification_body() {
  return R"({"jsonrpc":"2.0","method":"notifications/initialized"})";
}

std::string set_level_body(std::int64_t id, std::string_view level) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"logging/setLevel","params":{"level":")" + std::string(level) + "\"}}";
}

std::string tool_call_body(std::int64_t id, std::string_view tool,
                           std::string_view arguments_json) {
  std::string b = R"({"jsonrpc":"2.0","id":)";
  b += std::to_string(id);
  b += R"(,"method":"tools/call","params":{"name":")";
  b += tool;
  b += R"(","arguments":)";
  b += arguments_json;
  b += "}}";
  return b;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace bench
