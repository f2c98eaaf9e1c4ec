#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"

namespace bmcp::auth {

// Remembers for a short time which account holds each username, so that the user check of
// every request need not ask PostgreSQL when nothing changed. What is remembered for a name is
// the uid of its account, or kNoAccount when no user has that name; a user removed and created
// again under the same name has another uid, so an old account's tokens never match. An entry
// is dropped when a change notification names its user (forget), every entry when
// notifications may have been missed (forget_all, disable), and any entry once it is `ttl` old,
// so an answer is never older than `ttl` even if a notification was lost.
// A reader records generation() before it queries and passes it to remember(): an answer
// read before a later forget is not stored, so a removal that raced with the read is not
// hidden for `ttl`.
// Starts disabled (nothing is remembered until the notifications are known to arrive).
// Thread safety: every method may be called from any thread.
class UserPresenceCache {
 public:
  UserPresenceCache(const Clock& clock, std::chrono::milliseconds ttl);

  // Remembered for a name no user has (uids are never empty).
  static constexpr std::string_view kNoAccount{};

  // The remembered uid (kNoAccount: no such user), or nullopt when nothing is remembered (or
  // it is too old, or the cache is disabled).
  std::optional<std::string> lookup(std::string_view username);
  // Whether the remembered account of `username` has `uid` (false for a remembered absence),
  // or nullopt when nothing is remembered: lookup() without copying the uid out.
  std::optional<bool> holds(std::string_view username, std::string_view uid);
  std::uint64_t generation() const;
  void remember(const std::string& username, std::string uid, std::uint64_t read_at_generation);

  void forget(std::string_view username);
  void forget_all();
  // While disabled nothing is remembered and lookups find nothing.
  void enable();
  void disable();

 private:
  struct Entry {
    std::string uid;  // kNoAccount when no user has the name
    SteadyTime stored_at;
  };

  // The live entry for `username`, or nullptr; drops it when it is too old. Under mutex_.
  const Entry* find_locked(std::string_view username);

  const Clock& clock_;
  const std::chrono::milliseconds ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t generation_ = 0;
  bool enabled_ = false;
};

}  // namespace bmcp::auth
