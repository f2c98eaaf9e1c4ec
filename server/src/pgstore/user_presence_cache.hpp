#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"

namespace bmcp::pgstore {

// Remembers for a short time whether users exist, so that the user check of every request
// need not ask PostgreSQL when nothing changed. An entry is dropped when a change notification
// names its user (forget), every entry when notifications may have been missed (forget_all,
// disable), and any entry once it is `ttl` old, so an answer is never older than `ttl` even if
// a notification was lost.
// A reader records generation() before it queries and passes it to remember(): an answer
// read before a later forget is not stored, so a removal that raced with the read is not
// hidden for `ttl`.
// Starts disabled (nothing is remembered until the notifications are known to arrive).
// Thread safety: every method may be called from any thread.
class UserPresenceCache {
 public:
  UserPresenceCache(const Clock& clock, std::chrono::milliseconds ttl);

  // The remembered answer, or nullopt when there is none (or it is too old, or disabled).
  std::optional<bool> lookup(std::string_view username);
  std::uint64_t generation() const;
  void remember(const std::string& username, bool exists, std::uint64_t read_at_generation);

  void forget(std::string_view username);
  void forget_all();
  // While disabled nothing is remembered and lookups find nothing.
  void enable();
  void disable();

 private:
  struct Entry {
    bool exists = false;
    SteadyTime stored_at;
  };

  const Clock& clock_;
  const std::chrono::milliseconds ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t generation_ = 0;
  bool enabled_ = false;
};

}  // namespace bmcp::pgstore
