#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/json_text.hpp"
#include "mcp/event_sink.hpp"
#include "mcp/request_channel.hpp"

namespace bmcp::mcp::testing {

// Records what the engine sends back for one request.
class RecordingChannel final : public RequestChannel {
 public:
  explicit RecordingChannel(bool can_stream = true) : can_stream_(can_stream) {}
  bool send_related(std::string_view json_text) override {
    std::lock_guard lock(mutex_);
    if (!can_stream_)
      return false;
    related.push_back(*parse_json(json_text));
    return true;
  }
  void complete(std::string_view json_text) override {
    std::lock_guard lock(mutex_);
    response = *parse_json(json_text);
  }
  void abandon() override {
    std::lock_guard lock(mutex_);
    abandoned = true;
  }

  std::vector<json::value> related;
  std::optional<json::value> response;
  bool abandoned = false;

 private:
  std::mutex mutex_;
  bool can_stream_;
};

// An SSE sink that keeps its frames. Its buffer holds `capacity` bytes; frames stay in it
// (counted against the room) until the test calls drain(), as a client that reads would.
class RecordingSink final : public EventSink {
 public:
  explicit RecordingSink(std::size_t capacity = 1u << 20) : capacity_(capacity) {}
  bool push(std::shared_ptr<const std::string> frame) override {
    std::lock_guard lock(mutex_);
    if (closed || frame->size() > capacity_ - buffered_) {
      closed = true;
      return false;
    }
    buffered_ += frame->size();
    frames.push_back(*frame);
    return true;
  }
  std::size_t room() const override {
    std::lock_guard lock(mutex_);
    return capacity_ - buffered_;
  }
  std::size_t capacity() const override { return capacity_; }
  void close() override {
    std::lock_guard lock(mutex_);
    closed = true;
  }
  // The client read everything pushed so far.
  void drain() {
    std::lock_guard lock(mutex_);
    buffered_ = 0;
  }

  std::vector<std::string> frames;
  bool closed = false;

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::size_t buffered_ = 0;
};

}  // namespace bmcp::mcp::testing
