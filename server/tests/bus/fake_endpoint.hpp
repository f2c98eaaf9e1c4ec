#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "bus/endpoint.hpp"

namespace bmcp::bus::testing {

// A session as the bus sees it, recording every record delivered to it.
class FakeEndpoint final : public Endpoint {
 public:
  struct Received {
    Message message;
    std::string target_uuid;
  };

  explicit FakeEndpoint(std::string session_id, LogLevel level = LogLevel::kDebug)
      : session_id_(std::move(session_id)), level_(level) {}

  const std::string& session_id() const override { return session_id_; }
  LogLevel level() const override { return level_; }
  bool online(std::chrono::nanoseconds) const override { return is_online; }
  double last_request_at() const override { return last_request; }
  Delivery deliver(const Message& message, std::string_view target_uuid,
                   const std::shared_ptr<ByteBudget>& budget) override {
    if (ended)
      return Delivery::kSessionEnded;
    if (charge_budget) {
      auto charge = ByteCharge::take(budget, message.text_bytes);
      if (!charge)
        return Delivery::kOverBudget;
      charges.push_back(std::move(*charge));
    }
    received.push_back({message, std::string(target_uuid)});
    return overflowing ? Delivery::kQueuedDroppingOldest : Delivery::kQueued;
  }

  // Records delivered as text arrive on another thread (the cluster's store I/O thread): they
  // are kept under a lock and read as copies.
  Delivery deliver_text(std::string text, std::uint64_t event_id,
                        const std::shared_ptr<ByteBudget>&) override {
    if (ended)
      return Delivery::kSessionEnded;
    std::lock_guard lock(text_mutex_);
    texts_.push_back(std::move(text));
    event_ids_.push_back(event_id);
    return Delivery::kQueued;
  }
  std::vector<std::string> texts() const {
    std::lock_guard lock(text_mutex_);
    return texts_;
  }
  std::vector<std::uint64_t> event_ids() const {
    std::lock_guard lock(text_mutex_);
    return event_ids_;
  }
  std::chrono::nanoseconds offline_for() const override {
    return is_online ? std::chrono::nanoseconds(0) : std::chrono::hours(1);
  }

  // Records it took but has not sent: every one it received while offline, as a session
  // without an open stream keeps them.
  std::size_t queued_records() const override {
    if (is_online)
      return 0;
    std::lock_guard lock(text_mutex_);
    return received.size() + texts_.size();
  }

  std::vector<std::string> payload_texts() const {
    std::vector<std::string> payloads;
    for (const auto& r : received)
      payloads.push_back(to_json_text(r.message.payload));
    return payloads;
  }

  bool is_online = true;
  bool ended = false;
  bool overflowing = false;
  bool charge_budget = false;  // keep every record charged, as a stream that never sends would
  std::vector<ByteCharge> charges;
  double last_request = 0;
  std::vector<Received> received;

 private:
  mutable std::mutex text_mutex_;
  std::vector<std::string> texts_;
  std::vector<std::uint64_t> event_ids_;
  std::string session_id_;
  LogLevel level_;
};

}  // namespace bmcp::bus::testing
