#pragma once

#include <memory>

#include "http/response_stream.hpp"
#include "mcp/event_sink.hpp"
#include "mcp/request_channel.hpp"

namespace bmcp::transport {

// Answers one POSTed request as an SSE stream: related messages, then the response event,
// then the end of the stream. `extra` headers go on the stream (e.g. Mcp-Session-Id).
class SseRequestChannel final : public mcp::RequestChannel {
 public:
  SseRequestChannel(std::shared_ptr<http::ResponseStream> response, http::Headers extra);
  bool send_related(std::string_view json_text) override;
  void complete(std::string_view json_text) override;
  void abandon() override;

 private:
  std::shared_ptr<http::ResponseStream> response_;
};

// Answers one POSTed request with a single JSON body; related messages cannot be carried.
class JsonRequestChannel final : public mcp::RequestChannel {
 public:
  JsonRequestChannel(std::shared_ptr<http::ResponseStream> response, http::Headers extra);
  bool send_related(std::string_view) override { return false; }
  void complete(std::string_view json_text) override;
  // The request was cancelled: 202 with no body, since no JSON-RPC response may follow.
  void abandon() override;

 private:
  std::shared_ptr<http::ResponseStream> response_;
  http::Headers extra_;
};

// The standalone GET stream of a session as an event sink.
class StreamSink final : public mcp::EventSink {
 public:
  explicit StreamSink(std::shared_ptr<http::ResponseStream> response)
      : response_(std::move(response)) {}
  bool push(std::shared_ptr<const std::string> frame) override {
    return response_->push_event(std::move(frame));
  }
  std::size_t room() const override { return response_->event_room(); }
  std::size_t capacity() const override { return response_->event_capacity(); }
  void close() override { response_->end(); }

 private:
  std::shared_ptr<http::ResponseStream> response_;
};

}  // namespace bmcp::transport
