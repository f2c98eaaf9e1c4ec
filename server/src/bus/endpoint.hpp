#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bus/message.hpp"
#include "core/byte_budget.hpp"
#include "core/log_level.hpp"

namespace bmcp::bus {

enum class Delivery {
  kQueued,                // in the session's event log, sent now or when its stream opens
  kQueuedDroppingOldest,  // queued, and an older undelivered record of the session was dropped
  kSessionEnded,          // the session is gone; nothing was kept
  kOverBudget,            // the user's byte budget had no room for it; nothing was kept
};

// An MCP session as the bus sees it: the place where records for the clients bound to it go.
// The bus knows nothing else of sessions (no HTTP, no JSON-RPC).
// Thread safety: implementations are safe to call from any thread, and deliver() takes only
// leaf locks (it is called with the bus lock held, docs/lock-order.md).
class Endpoint {
 public:
  virtual ~Endpoint() = default;

  virtual const std::string& session_id() const = 0;
  // Records with a priority below this level are not delivered.
  virtual LogLevel level() const = 0;
  // The session is live and its standalone stream is open, or was lost less than `grace` ago.
  virtual bool online(std::chrono::nanoseconds grace) const = 0;
  // Unix seconds of the latest request received on the session.
  virtual double last_request_at() const = 0;
  // Appends one record (the message, addressed to `target_uuid`) to the session's stream. A
  // record that has to wait there is charged to `budget` (the user's) until it is sent.
  virtual Delivery deliver(const Message& message, std::string_view target_uuid,
                           const std::shared_ptr<ByteBudget>& budget) = 0;
  // Appends one record that arrives already rendered as its notification text, with its event
  // id (records routed by the cluster's shared store, which numbers each session's records for
  // every node); charged to `budget` while it waits.
  virtual Delivery deliver_text(std::string text, std::uint64_t event_id,
                                const std::shared_ptr<ByteBudget>& budget) = 0;
  // How long the session has been without an open stream: zero while one is open, else since
  // it closed (or since the session began, if it never opened one).
  virtual std::chrono::nanoseconds offline_for() const = 0;
  // How many records wait in the session's stream, not sent yet (no stream open, or it had no
  // room). Takes only leaf locks.
  virtual std::size_t queued_records() const = 0;
};

}  // namespace bmcp::bus
