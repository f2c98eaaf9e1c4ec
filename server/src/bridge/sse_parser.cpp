#include "bridge/sse_parser.hpp"

namespace bmcp::bridge {

void SseParser::feed(std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n' && last_was_cr_) {
      last_was_cr_ = false;  // the LF of a CRLF pair already ended the line at the CR
      continue;
    }
    last_was_cr_ = c == '\r';
    if (c == '\r' || c == '\n') {
      line(partial_);
      partial_.clear();
    } else {
      partial_.push_back(c);
    }
  }
}

void SseParser::line(std::string_view text) {
  if (text.empty()) {
    dispatch();
    return;
  }
  if (text.front() == ':')
    return;
  const auto colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (value.starts_with(" "))
    value.remove_prefix(1);
  if (field == "data") {
    if (has_data_)
      event_.data.push_back('\n');
    event_.data.append(value);
    has_data_ = true;
  } else if (field == "id" && value.find('\0') == std::string_view::npos) {
    // An id with NUL is ignored (SSE specification): it could not go back in Last-Event-ID.
    event_.id = std::string(value);
  }
}

void SseParser::dispatch() {
  if (has_data_)
    on_event_(std::move(event_));
  event_ = SseEvent{};
  has_data_ = false;
}

}  // namespace bmcp::bridge
