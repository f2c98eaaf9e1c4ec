#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace bmcp::mcp {

// Where server-to-client messages go: an open SSE response. Implemented by the transport.
// Thread safety: every method may be called from any thread; push() never blocks.
// Lock order: callers may hold their own lock while calling (a sink's lock is a leaf lock).
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Queues one complete SSE frame. False when the sink is closed or the frame is larger than
  // room(); the sink then closes itself and the caller should stop using it.
  virtual bool push(std::shared_ptr<const std::string> frame) = 0;
  // Bytes that push() accepts now: the bounded buffer less what is queued or being written.
  // It grows again as the client reads; the owner of the sink learns of that separately.
  virtual std::size_t room() const = 0;
  // room() of an empty sink: a frame larger than this can never be sent.
  virtual std::size_t capacity() const = 0;
  // Ends the stream once queued frames are written.
  virtual void close() = 0;
};

// Formats one SSE event; `id` 0 means "no id line" (POST response streams carry no ids).
std::string format_sse_event(std::uint64_t id, std::string_view json_text);

}  // namespace bmcp::mcp
