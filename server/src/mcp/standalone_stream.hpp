#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/byte_budget.hpp"
#include "core/clock.hpp"
#include "mcp/event_sink.hpp"

namespace bmcp::mcp {

struct StandaloneStreamLimits {
  std::size_t max_queued_events = 1000;       // undelivered events kept (no stream, or no room)
  std::size_t max_retained_events = 256;      // delivered events kept for Last-Event-ID replay
  std::size_t max_queued_bytes = 16u << 20;   // bytes of undelivered events
  std::size_t max_retained_bytes = 2u << 20;  // bytes of retained events (the newest is kept)
};

struct StandaloneStreamStats {
  std::uint64_t published = 0;
  std::uint64_t dropped_overflow = 0;  // undelivered events dropped by a count or byte bound
  std::uint64_t dropped_budget = 0;    // events not kept because the owner's budget was spent
  std::uint64_t dropped_oversize = 0;  // events larger than an empty sink could ever take
  std::uint64_t waits_for_room = 0;    // times the attached sink was full and events waited
};

// What became of one published event.
struct PublishResult {
  enum class Outcome {
    kKept,        // queued or sent
    kShutDown,    // the stream was shut down (the session ended): not kept
    kOverBudget,  // the budget has no room even after this stream dropped its own backlog
  };
  Outcome outcome = Outcome::kShutDown;
  std::uint64_t id = 0;         // its event id when kept
  bool dropped_oldest = false;  // keeping it pushed older undelivered events out

  bool accepted() const { return outcome == Outcome::kKept; }
};

// The event log behind an MCP session's standalone GET stream: ids are assigned at publish
// time (1, 2, ...), events are pushed to the attached sink in order, as far as the sink has
// room, and kept (queued) while none is attached or it is full; resume() continues once the
// sink has drained. On attach, retained events after Last-Event-ID are replayed the same way,
// so a backlog larger than the sink's buffer is delivered in pieces, never cut. Queued events
// may be charged to a ByteBudget (the user's), released when they reach a sink or are
// dropped. Never blocks the publisher.
// Thread safety: all methods are safe from any thread (one mutex; the sink is a leaf lock).
class StandaloneStream {
 public:
  StandaloneStream(const Clock& clock, StandaloneStreamLimits limits);

  // Appends one JSON-RPC message. An event that has to wait is charged to `budget` when one
  // is given; when the budget has no room even after this stream's own oldest undelivered
  // events were dropped, the event is not kept (kOverBudget).
  PublishResult publish(std::string_view json_text,
                        const std::shared_ptr<ByteBudget>& budget = nullptr);
  // The same with the event id given by the caller (records whose ids come from a store that
  // several nodes share): ids must grow; one below the next id is a repeat and is ignored
  // (kept, nothing published), a larger one moves the sequence forward.
  PublishResult publish_with_id(std::uint64_t id, std::string_view json_text,
                                const std::shared_ptr<ByteBudget>& budget = nullptr);
  // Attaches a new sink, closing the previous one. Replays retained events after
  // `last_event_id`, or every undelivered event when there is none, then goes live.
  void attach(std::shared_ptr<EventSink> sink, std::optional<std::uint64_t> last_event_id);
  // The attached `sink` has room again (it wrote what it had): sends what waits.
  void resume(const EventSink* sink);
  // Detaches `sink` if it is still the attached one (its client went away).
  void detach(const EventSink* sink);
  // Closes the attached sink and forgets every event (the session ended).
  void shut_down();

  bool is_attached() const;
  // When the stream was last detached, or created if it was never attached; nullopt while
  // attached.
  std::optional<SteadyTime> detached_since() const;
  StandaloneStreamStats stats() const;
  // How many events wait, not pushed to any sink yet.
  std::size_t queued() const;

 private:
  struct Event {
    std::uint64_t id;
    std::shared_ptr<const std::string> frame;
    ByteCharge charge;  // held while the event waits to be sent
  };
  PublishResult publish_locked(std::string_view json_text,
                               const std::shared_ptr<ByteBudget>& budget);
  // The first event whose id is above `id` (events_ is ordered by id).
  std::deque<Event>::iterator first_after_locked(std::uint64_t id);
  void pump_locked();
  bool make_room_locked(const std::shared_ptr<ByteBudget>& budget, std::size_t bytes,
                        std::optional<ByteCharge>& charge);
  bool drop_oldest_undelivered_locked();
  void mark_delivered_locked(Event& event);
  void trim_locked();
  void detach_locked();

  const Clock& clock_;
  const StandaloneStreamLimits limits_;
  mutable std::mutex mutex_;
  std::deque<Event> events_;  // retained (delivered) events, then undelivered ones, by id
  std::size_t retained_bytes_ = 0;
  std::size_t queued_bytes_ = 0;
  std::uint64_t next_id_ = 1;
  std::uint64_t delivered_through_ = 0;  // highest id pushed to any sink: later ids are queued
  std::uint64_t sent_through_ = 0;       // highest id pushed to the attached sink
  std::shared_ptr<EventSink> sink_;
  std::optional<SteadyTime> detached_since_;
  StandaloneStreamStats stats_;
  bool shut_down_ = false;
};

}  // namespace bmcp::mcp
