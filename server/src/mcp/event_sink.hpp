#pragma once

#include <memory>
#include <string>

namespace bmcp::mcp {

// Where server-to-client messages go: an open SSE response. Implemented by the transport.
// Thread safety: push() and close() may be called from any thread; push() never blocks.
// Lock order: callers may hold their own lock while pushing (a sink's lock is a leaf lock).
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Queues one complete SSE frame. False when the sink is closed or its bounded buffer is full
  // (a slow consumer); the sink then closes itself and the caller should stop using it.
  virtual bool push(std::shared_ptr<const std::string> frame) = 0;
  // Ends the stream once queued frames are written.
  virtual void close() = 0;
};

// Formats one SSE event; `id` 0 means "no id line" (POST response streams carry no ids).
std::string format_sse_event(std::uint64_t id, std::string_view json_text);

}  // namespace bmcp::mcp
