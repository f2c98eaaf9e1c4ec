#pragma once

#include <memory>

#include "bus/endpoint.hpp"
#include "core/clock.hpp"
#include "mcp/session.hpp"

namespace bmcp::tools {

// An MCP session as a bus endpoint: records become `notifications/message` (logger
// `_message_bus`, level = the priority's name, data = the record object) on the session's
// standalone stream, where they get event ids and Last-Event-ID replay.
// Thread safety: safe from any thread; deliver() takes only the stream's leaf locks.
class SessionEndpoint final : public bus::Endpoint {
 public:
  SessionEndpoint(std::shared_ptr<mcp::Session> session, const Clock& clock);

  const std::string& session_id() const override { return session_->id(); }
  LogLevel level() const override { return session_->log_level(); }
  // A session that never opened its stream counts from its creation, so a client that
  // registers before its GET stream is up is not reported offline.
  bool online(std::chrono::nanoseconds grace) const override;
  double last_request_at() const override;
  bus::Delivery deliver(const bus::Message& message, std::string_view target_uuid,
                        const std::shared_ptr<ByteBudget>& budget) override;
  bus::Delivery deliver_text(std::string text, std::uint64_t event_id,
                             const std::shared_ptr<ByteBudget>& budget) override;
  std::chrono::nanoseconds offline_for() const override;
  std::size_t queued_records() const override;

 private:
  const std::shared_ptr<mcp::Session> session_;
  const Clock& clock_;
};

// The JSON-RPC notification text that carries one bus record.
std::string bus_notification_text(const bus::Message& message, std::string_view target_uuid);

}  // namespace bmcp::tools
