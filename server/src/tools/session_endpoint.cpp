#include "tools/session_endpoint.hpp"

#include <array>

namespace bmcp::tools {
namespace {

bus::Delivery outcome_of(const mcp::PublishResult& published) {
  using Outcome = mcp::PublishResult::Outcome;
  if (published.outcome == Outcome::kShutDown)
    return bus::Delivery::kSessionEnded;
  if (published.outcome == Outcome::kOverBudget)
    return bus::Delivery::kOverBudget;
  return published.dropped_oldest ? bus::Delivery::kQueuedDroppingOldest : bus::Delivery::kQueued;
}

}  // namespace

SessionEndpoint::SessionEndpoint(std::shared_ptr<mcp::Session> session, const Clock& clock)
    : session_(std::move(session)), clock_(clock) {}

bool SessionEndpoint::online(std::chrono::nanoseconds grace) const {
  if (session_->ended())
    return false;
  const auto& stream = session_->stream();
  if (stream.is_attached())
    return true;
  const auto since = stream.detached_since();
  return !since || clock_.steady_now() - *since < grace;
}

double SessionEndpoint::last_request_at() const {
  const auto ago = clock_.steady_now() - session_->last_activity();
  return clock_.unix_seconds() - std::chrono::duration<double>(ago).count();
}

bus::Delivery SessionEndpoint::deliver(const bus::Message& message, std::string_view target_uuid,
                                       const std::shared_ptr<ByteBudget>& budget) {
  return outcome_of(
      session_->stream().publish(bus_notification_text(message, target_uuid), budget));
}

std::chrono::nanoseconds SessionEndpoint::offline_for() const {
  const auto& stream = session_->stream();
  if (stream.is_attached())
    return std::chrono::nanoseconds(0);
  const auto since = stream.detached_since();
  return since ? clock_.steady_now() - *since : std::chrono::nanoseconds(0);
}

std::size_t SessionEndpoint::queued_records() const {
  return session_->stream().queued();
}

bus::Delivery SessionEndpoint::deliver_text(std::string text, std::uint64_t event_id,
                                            const std::shared_ptr<ByteBudget>& budget) {
  return outcome_of(session_->stream().publish_with_id(event_id, text, budget));
}

std::string bus_notification_text(const bus::Message& message, std::string_view target_uuid) {
  // The envelope around the record is the same for every record of one level: rendered once
  // per level (with a null record, cut off), so each recipient costs one splice of its record.
  static const auto kHeads = [] {
    std::array<std::string, 8> heads;
    for (int level = 0; level < 8; ++level) {
      const json::object envelope{{"jsonrpc", "2.0"},
                                  {"method", "notifications/message"},
                                  {"params",
                                   {{"level", level_name(static_cast<LogLevel>(level))},
                                    {"logger", bus::kBusLogger},
                                    {"data", nullptr}}}};
      heads[level] = to_json_text(envelope);
      heads[level].resize(heads[level].size() - std::string_view("null}}").size());
    }
    return heads;
  }();
  const auto index = static_cast<std::size_t>(message.priority);
  std::string text;
  text.reserve(kHeads[index].size() + message.text_bytes + target_uuid.size() + 2);
  text += kHeads[index];
  bus::append_record_text(text, message, target_uuid);
  text += "}}";
  return text;
}

}  // namespace bmcp::tools
