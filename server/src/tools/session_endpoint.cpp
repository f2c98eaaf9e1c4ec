#include "tools/session_endpoint.hpp"

namespace bmcp::tools {

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
  return deliver_text(bus_notification_text(message, target_uuid), budget);
}

std::chrono::nanoseconds SessionEndpoint::offline_for() const {
  const auto& stream = session_->stream();
  if (stream.is_attached())
    return std::chrono::nanoseconds(0);
  const auto since = stream.detached_since();
  return since ? clock_.steady_now() - *since : std::chrono::nanoseconds(0);
}

void SessionEndpoint::observe_level(std::function<void(LogLevel)> observer) {
  session_->observe_level(std::move(observer));
}

bus::Delivery SessionEndpoint::deliver_text(std::string text,
                                            const std::shared_ptr<ByteBudget>& budget) {
  const auto published = session_->stream().publish(text, budget);
  using Outcome = mcp::PublishResult::Outcome;
  if (published.outcome == Outcome::kShutDown)
    return bus::Delivery::kSessionEnded;
  if (published.outcome == Outcome::kOverBudget)
    return bus::Delivery::kOverBudget;
  return published.dropped_oldest ? bus::Delivery::kQueuedDroppingOldest : bus::Delivery::kQueued;
}

std::string bus_notification_text(const bus::Message& message, std::string_view target_uuid) {
  const json::object notification{{"jsonrpc", "2.0"},
                                  {"method", "notifications/message"},
                                  {"params",
                                   {{"level", level_name(message.priority)},
                                    {"logger", bus::kBusLogger},
                                    {"data", bus::record_data(message, target_uuid)}}}};
  return to_json_text(notification);
}

}  // namespace bmcp::tools
