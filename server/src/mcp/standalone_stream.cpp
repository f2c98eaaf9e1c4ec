#include "mcp/standalone_stream.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace bmcp::mcp {

std::string format_sse_event(std::uint64_t id, std::string_view json_text) {
  // Built in place (one allocation): every recipient of a broadcast gets its own frame.
  constexpr std::string_view kEvent = "event: message\ndata: ";
  std::string frame;
  if (id == 0) {
    frame.reserve(kEvent.size() + json_text.size() + 2);
  } else {
    const auto digits = fmt::format_int(id);
    frame.reserve(4 + digits.size() + 1 + kEvent.size() + json_text.size() + 2);
    frame += "id: ";
    frame.append(digits.data(), digits.size());
    frame += '\n';
  }
  frame += kEvent;
  frame += json_text;
  frame += "\n\n";
  return frame;
}

StandaloneStream::StandaloneStream(const Clock& clock, StandaloneStreamLimits limits)
    : clock_(clock), limits_(limits), detached_since_(clock.steady_now()) {}

PublishResult StandaloneStream::publish_with_id(std::uint64_t id, std::string_view json_text,
                                                const std::shared_ptr<ByteBudget>& budget) {
  std::lock_guard lock(mutex_);
  if (!shut_down_ && id < next_id_) {
    PublishResult repeat;
    repeat.outcome = PublishResult::Outcome::kKept;
    repeat.id = id;
    return repeat;
  }
  if (!shut_down_)
    next_id_ = id;
  return publish_locked(json_text, budget);
}

PublishResult StandaloneStream::publish(std::string_view json_text,
                                        const std::shared_ptr<ByteBudget>& budget) {
  std::lock_guard lock(mutex_);
  return publish_locked(json_text, budget);
}

PublishResult StandaloneStream::publish_locked(std::string_view json_text,
                                               const std::shared_ptr<ByteBudget>& budget) {
  PublishResult result;
  if (shut_down_)
    return result;
  const std::uint64_t id = next_id_;
  auto frame = std::make_shared<const std::string>(format_sse_event(id, json_text));
  const bool sends_now = sink_ && sent_through_ == delivered_through_ &&
                         delivered_through_ + 1 == id && frame->size() <= sink_->room();
  std::optional<ByteCharge> charge;
  const std::uint64_t dropped_before = stats_.dropped_overflow;
  if (!sends_now && budget && !make_room_locked(budget, frame->size(), charge)) {
    ++stats_.dropped_budget;
    result.outcome = PublishResult::Outcome::kOverBudget;
    result.dropped_oldest = stats_.dropped_overflow != dropped_before;
    return result;
  }
  ++next_id_;
  ++stats_.published;
  queued_bytes_ += frame->size();
  events_.push_back(Event{id, std::move(frame), charge ? std::move(*charge) : ByteCharge()});
  pump_locked();
  trim_locked();
  result.outcome = PublishResult::Outcome::kKept;
  result.id = id;
  result.dropped_oldest = stats_.dropped_overflow != dropped_before;
  return result;
}

bool StandaloneStream::make_room_locked(const std::shared_ptr<ByteBudget>& budget,
                                        std::size_t bytes, std::optional<ByteCharge>& charge) {
  // This stream's own backlog gives way first (oldest first), as a count bound would drop it.
  for (;;) {
    charge = ByteCharge::take(budget, bytes);
    if (charge)
      return true;
    if (!drop_oldest_undelivered_locked())
      return false;
  }
}

bool StandaloneStream::drop_oldest_undelivered_locked() {
  const auto it = first_after_locked(delivered_through_);
  if (it == events_.end())
    return false;
  queued_bytes_ -= it->frame->size();
  events_.erase(it);
  ++stats_.dropped_overflow;
  return true;
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
  // Events up to a Last-Event-ID the client has seen count as delivered.
  const std::uint64_t seen = std::min(last_event_id.value_or(0), next_id_ - 1);
  for (auto& event : events_) {
    if (event.id > delivered_through_ && event.id <= seen)
      mark_delivered_locked(event);
  }
  delivered_through_ = std::max(delivered_through_, seen);
  sent_through_ = last_event_id ? seen : delivered_through_;
  pump_locked();
  trim_locked();
}

void StandaloneStream::resume(const EventSink* sink) {
  std::lock_guard lock(mutex_);
  if (!sink_ || sink_.get() != sink)
    return;
  // The writer reports every write; mostly everything was sent already.
  if (events_.empty() || events_.back().id <= sent_through_)
    return;
  pump_locked();
  trim_locked();
}

std::deque<StandaloneStream::Event>::iterator StandaloneStream::first_after_locked(
    std::uint64_t id) {
  // Ids in events_ grow. Most calls ask for what follows the event sent last, which is the
  // newest or the one before it: those are looked at first, touching only the tail (a broadcast
  // reaches a thousand streams whose deques are all cold in the cache). Otherwise a binary search
  // skips the retained events, which may be hundreds.
  if (events_.empty() || events_.back().id <= id)
    return events_.end();
  if (events_.size() == 1 || events_[events_.size() - 2].id <= id)
    return std::prev(events_.end());
  return std::upper_bound(events_.begin(), events_.end(), id,
                          [](std::uint64_t value, const Event& event) { return value < event.id; });
}

void StandaloneStream::pump_locked() {
  bool waited = false;
  for (auto it = first_after_locked(sent_through_); it != events_.end(); ++it) {
    auto& event = *it;
    if (!sink_)
      return;
    const std::size_t size = event.frame->size();
    if (size > sink_->room()) {
      if (size > sink_->capacity() && event.id > delivered_through_) {
        // It can never be sent; forget it rather than stall everything behind it.
        ++stats_.dropped_oversize;
        sent_through_ = event.id;
        mark_delivered_locked(event);
        delivered_through_ = event.id;
        continue;
      }
      waited = true;
      break;
    }
    if (!sink_->push(event.frame)) {
      detach_locked();
      return;
    }
    sent_through_ = event.id;
    if (event.id > delivered_through_) {
      mark_delivered_locked(event);
      delivered_through_ = event.id;
    }
  }
  if (waited)
    ++stats_.waits_for_room;
}

void StandaloneStream::mark_delivered_locked(Event& event) {
  const std::size_t size = event.frame->size();
  queued_bytes_ -= size;
  retained_bytes_ += size;
  event.charge.reset();
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
  queued_bytes_ = 0;
  retained_bytes_ = 0;
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

std::size_t StandaloneStream::queued() const {
  std::lock_guard lock(mutex_);
  // Undelivered events are the tail of events_.
  std::size_t count = 0;
  for (auto it = events_.rbegin(); it != events_.rend() && it->id > delivered_through_; ++it)
    ++count;
  return count;
}

void StandaloneStream::detach_locked() {
  if (sink_)
    sink_->close();
  sink_.reset();
  detached_since_ = clock_.steady_now();
}

void StandaloneStream::trim_locked() {
  // Delivered events form a prefix of events_ (ids are delivered in order). The retained
  // bounds forget the oldest of them, always keeping the newest one for a resume; the queued
  // bounds drop the oldest undelivered events.
  auto retained =
      static_cast<std::size_t>(first_after_locked(delivered_through_) - events_.begin());
  const std::size_t keep_newest = limits_.max_retained_events == 0 ? 0 : 1;
  while (retained > keep_newest &&
         (retained > limits_.max_retained_events || retained_bytes_ > limits_.max_retained_bytes)) {
    retained_bytes_ -= events_.front().frame->size();
    events_.pop_front();
    --retained;
  }
  while (events_.size() - retained > limits_.max_queued_events ||
         queued_bytes_ > limits_.max_queued_bytes) {
    if (!drop_oldest_undelivered_locked())
      break;
  }
}

}  // namespace bmcp::mcp
