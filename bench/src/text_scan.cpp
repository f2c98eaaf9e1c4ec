#include "text_scan.hpp"

#include "sse_event_parser.hpp"

namespace bench {

std::optional<std::string> string_field(std::string_view json, std::string_view key) {
  std::string pattern = "\"" + std::string(key) + "\":\"";
  auto at = json.find(pattern);
  if (at == std::string_view::npos) {
    pattern = "\"" + std::string(key) + "\": \"";
    at = json.find(pattern);
    if (at == std::string_view::npos)
      return std::nullopt;
  }
  auto start = at + pattern.size();
  auto end = json.find('"', start);
  if (end == std::string_view::npos)
    return std::nullopt;
  return std::string(json.substr(start, end - start));
}

std::optional<std::int64_t> integer_after(std::string_view text, std::string_view marker) {
  auto at = text.find(marker);
  if (at == std::string_view::npos)
    return std::nullopt;
  std::size_t i = at + marker.size();
  if (i >= text.size() || text[i] < '0' || text[i] > '9')
    return std::nullopt;
  std::int64_t value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9')
    value = value * 10 + (text[i++] - '0');
  return value;
}

std::string response_json(std::string_view content_type, std::string_view body) {
  if (content_type.find("text/event-stream") == std::string_view::npos)
    return std::string(body);
  std::string last;
  SseEventParser parser([&](std::string_view data) { last.assign(data); });
  parser.feed(body);
  parser.feed("\n\n");
  return last;
}

bool is_tool_success(std::string_view json) {
  return json.find("\"result\"") != std::string_view::npos &&
         json.find("\"isError\":true") == std::string_view::npos &&
         json.find("\"isError\": true") == std::string_view::npos;
}

}  // namespace bench
