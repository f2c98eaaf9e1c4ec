#pragma once

#include <optional>

#include "http/response_stream.hpp"

namespace bmcp::http::testing {

// Captures what a handler answers, without a socket.
class RecordingResponse final : public ResponseStream {
 public:
  void respond(HttpResponse r) override { full = std::move(r); }
  void start_events(Headers extra, bool watch) override {
    events_started = true;
    event_headers = std::move(extra);
    watched = watch;
  }
  bool push_event(std::shared_ptr<const std::string> frame) override {
    if (ended)
      return false;
    frames.push_back(*frame);
    return true;
  }
  std::size_t event_room() const override { return room; }
  std::size_t event_capacity() const override { return capacity; }
  void on_drained(std::function<void()> callback) override {
    drained_callbacks.push_back(callback);
  }
  void end() override { ended = true; }
  void on_close(std::function<void()> callback) override { close_callbacks.push_back(callback); }
  void drain_now() {
    for (auto& callback : drained_callbacks)
      callback();
  }
  void close_now() {
    for (auto& callback : close_callbacks)
      callback();
    close_callbacks.clear();
  }

  std::optional<HttpResponse> full;
  bool events_started = false;
  bool watched = false;
  Headers event_headers;
  std::vector<std::string> frames;
  bool ended = false;
  std::vector<std::function<void()>> close_callbacks;
  std::vector<std::function<void()>> drained_callbacks;
  std::size_t room = 1u << 20;
  std::size_t capacity = 1u << 20;
};

}  // namespace bmcp::http::testing
