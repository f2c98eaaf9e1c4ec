#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.hpp"

namespace bmcp::auth {

// Counts failed logins over a sliding window (contract 3.5), per (remote address, username)
// and per remote address. Memory: each key keeps at most its limit of timestamps, and keys
// with no failure inside the window are dropped, so the table holds only recent attackers.
// Thread safety: every method may be called from any thread.
class LoginRateLimiter {
 public:
  struct Limits {
    std::chrono::seconds window{300};
    std::size_t per_address_and_username = 5;
    std::size_t per_address = 20;
  };

  explicit LoginRateLimiter(const Clock& clock) : LoginRateLimiter(clock, Limits{}) {}
  LoginRateLimiter(const Clock& clock, Limits limits) : clock_(clock), limits_(limits) {}

  // nullopt when an attempt may go ahead. Otherwise the whole seconds (at least 1) until the
  // oldest counted failure of every exhausted key has left the window.
  std::optional<std::chrono::seconds> retry_after(std::string_view address,
                                                  std::string_view username);
  // Counts one failed attempt against both keys.
  void record_failure(std::string_view address, std::string_view username);
  // Clears the (address, username) counter; the address counter stays.
  void record_success(std::string_view address, std::string_view username);

  // Keys currently held (both kinds); for tests of the memory bound.
  std::size_t tracked_keys();

 private:
  using Failures = std::deque<SteadyTime>;
  using PairKey = std::pair<std::string, std::string>;

  static PairKey pair_key(std::string_view address, std::string_view username);
  // Drops failures that have left the window; true when none are left.
  bool prune(Failures& failures, SteadyTime now) const;
  std::optional<std::chrono::nanoseconds> wait_for(Failures* failures, std::size_t limit,
                                                   SteadyTime now) const;
  void sweep(SteadyTime now);
  template <class Map>
  void drop_empty(Map& map, SteadyTime now) const;

  const Clock& clock_;
  const Limits limits_;
  std::mutex mutex_;
  std::map<PairKey, Failures> by_pair_;
  std::map<std::string, Failures> by_address_;
  SteadyTime last_sweep_{};
};

}  // namespace bmcp::auth
