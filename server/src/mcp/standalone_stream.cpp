#include "mcp/standalone_stream.hpp"

#include <fmt/format.h>

namespace bmcp::mcp {

std::string format_sse_event(std::uint64_t id, std::string_view json_text) {
  if (id == 0)
    return fmt::format("event: message\ndata: {}\n\n", json_text);
  return fmt::format("id: {}\nevent: message\ndata: {}\n\n", id, json_text);
}

StandaloneStream::StandaloneStream(const Clock& clock, StandaloneStreamLimits limits)
    : clock_(clock), limits_(limits), detached_since_(clock.steady_now()) {}

PublishResult StandaloneStream::publish(std::string_view json_text) {
  std::lock_guard lock(mutex_);
  if (shut_down_)
    return {};
  const std::uint64_t id = next_id_++;
  Event event{id, std::make_shared<const std::string>(format_sse_event(id, json_text))};
  ++stats_.published;
  events_.push_back(event);
  if (sink_)
    push_locked(event);
  const std::uint64_t dropped_before = stats_.dropped_overflow;
  trim_locked();
  return {id, stats_.dropped_overflow != dropped_before};
}

void StandaloneStream::attach(std::shared_ptr<EventSink> sink,
                              std::optional<std::uint64_t> last_event_id) {
  std::lock_guard lock(mutex_);
  if (shut_down_) {
    sink->close();
    return;
  }
  if (sink_)
    sink_->close();
  sink_ = std::move(sink);
  detached_since_.reset();
  const std::uint64_t after = last_event_id.value_or(delivered_through_);
  for (const auto& event : events_) {
    if (!sink_)
      break;
    if (event.id > after)
      push_locked(event);
  }
  trim_locked();
}

void StandaloneStream::detach(const EventSink* sink) {
  std::lock_guard lock(mutex_);
  if (sink_.get() == sink)
    detach_locked();
}

void StandaloneStream::shut_down() {
  std::lock_guard lock(mutex_);
  shut_down_ = true;
  if (sink_)
    sink_->close();
  sink_.reset();
  events_.clear();
}

bool StandaloneStream::is_attached() const {
  std::lock_guard lock(mutex_);
  return sink_ != nullptr;
}

std::optional<SteadyTime> StandaloneStream::detached_since() const {
  std::lock_guard lock(mutex_);
  return detached_since_;
}

StandaloneStreamStats StandaloneStream::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void StandaloneStream::push_locked(const Event& event) {
  if (sink_->push(event.frame)) {
    if (event.id > delivered_through_)
      delivered_through_ = event.id;
    return;
  }
  // A full sink is a slow consumer: drop the stream, keep the events for a resume.
  ++stats_.slow_consumers;
  detach_locked();
}

void StandaloneStream::detach_locked() {
  if (sink_)
    sink_->close();
  sink_.reset();
  detached_since_ = clock_.steady_now();
}

void StandaloneStream::trim_locked() {
  // Events are ordered by id and delivered in order, so the delivered ones form a prefix.
  std::size_t delivered = 0;
  while (delivered < events_.size() && events_[delivered].id <= delivered_through_)
    ++delivered;
  while (delivered > limits_.max_retained_events) {
    events_.pop_front();
    --delivered;
  }
  while (events_.size() - delivered > limits_.max_queued_events) {
    events_.erase(events_.begin() + static_cast<std::ptrdiff_t>(delivered));
    ++stats_.dropped_overflow;
  }
}

}  // namespace bmcp::mcp
