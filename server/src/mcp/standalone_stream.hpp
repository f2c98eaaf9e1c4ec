#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "mcp/event_sink.hpp"

namespace bmcp::mcp {

struct StandaloneStreamLimits {
  std::size_t max_queued_events = 1000;   // undelivered events kept while no stream is open
  std::size_t max_retained_events = 256;  // delivered events kept for Last-Event-ID replay
};

struct StandaloneStreamStats {
  std::uint64_t published = 0;
  std::uint64_t dropped_overflow = 0;  // undelivered events dropped because the queue was full
  std::uint64_t slow_consumers = 0;    // streams closed because their sink buffer was full
};

// What became of one published event.
struct PublishResult {
  std::uint64_t id = 0;         // its event id; 0 when the stream was shut down (not kept)
  bool dropped_oldest = false;  // keeping it pushed the oldest undelivered event out

  bool accepted() const { return id != 0; }
};

// The event log behind an MCP session's standalone GET stream: ids are assigned at publish
// time (1, 2, ...), events are pushed to the attached sink in order, queued while none is
// attached, and replayed after Last-Event-ID on attach. Never blocks the publisher.
// Thread safety: all methods are safe from any thread (one mutex; the sink is a leaf lock).
class StandaloneStream {
 public:
  StandaloneStream(const Clock& clock, StandaloneStreamLimits limits);

  // Appends one JSON-RPC message. Not kept (id 0) once the stream is shut down.
  PublishResult publish(std::string_view json_text);
  // Attaches a new sink, closing the previous one. Replays retained events after
  // `last_event_id`, or every undelivered event when there is none, then goes live.
  void attach(std::shared_ptr<EventSink> sink, std::optional<std::uint64_t> last_event_id);
  // Detaches `sink` if it is still the attached one (its client went away).
  void detach(const EventSink* sink);
  // Closes the attached sink and forgets every event (the session ended).
  void shut_down();

  bool is_attached() const;
  // When the stream was last detached, or created if it was never attached; nullopt while
  // attached.
  std::optional<SteadyTime> detached_since() const;
  StandaloneStreamStats stats() const;

 private:
  struct Event {
    std::uint64_t id;
    std::shared_ptr<const std::string> frame;
  };
  void push_locked(const Event& event);
  void trim_locked();
  void detach_locked();

  const Clock& clock_;
  const StandaloneStreamLimits limits_;
  mutable std::mutex mutex_;
  std::deque<Event> events_;
  std::uint64_t next_id_ = 1;
  std::uint64_t delivered_through_ = 0;  // highest id pushed to a sink
  std::shared_ptr<EventSink> sink_;
  std::optional<SteadyTime> detached_since_;
  StandaloneStreamStats stats_;
  bool shut_down_ = false;
};

}  // namespace bmcp::mcp
