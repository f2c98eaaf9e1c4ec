// Splits a text/event-stream byte stream into events and hands each event's data (the "data:"
// lines joined with '\n') to a callback. Comments (": keepalive") and other fields are skipped.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace bench {

class SseEventParser {
 public:
  using OnEvent = std::function<void(std::string_view data)>;
  explicit SseEventParser(OnEvent on_event) : on_event_(std::move(on_event)) {}
  void feed(std::string_view bytes);

 private:
  void line(std::string_view text);
  OnEvent on_event_;
  std::string partial_;
  std::string data_;
  bool has_data_ = false;
};

}  // namespace bench
