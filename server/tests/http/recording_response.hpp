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
  void end() override { ended = true; }
  void on_close(std::function<void()> callback) override { close_callbacks.push_back(callback); }
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
};

}  // namespace bmcp::http::testing
