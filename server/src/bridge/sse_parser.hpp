#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bmcp::bridge {

struct SseEvent {
  std::optional<std::string> id;  // the event's `id:` field, when it had one
  std::string data;               // `data:` lines joined with '\n'
};

// Incremental text/event-stream parser: feed() it bytes as they arrive, in pieces of any size;
// each complete event that has data goes to `on_event`. Comments, `event:` and `retry:` fields
// are read and ignored, and so is an `id:` field that holds NUL (as the SSE specification
// says). CRLF, CR and LF line ends are all accepted.
class SseParser {
 public:
  explicit SseParser(std::function<void(SseEvent)> on_event) : on_event_(std::move(on_event)) {}

  void feed(std::string_view bytes);

 private:
  void line(std::string_view text);
  void dispatch();

  std::function<void(SseEvent)> on_event_;
  std::string partial_;
  bool last_was_cr_ = false;
  SseEvent event_;
  bool has_data_ = false;
};

}  // namespace bmcp::bridge
