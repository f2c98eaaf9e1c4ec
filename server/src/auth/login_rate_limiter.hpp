#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/recent_keys.hpp"
#include "core/clock.hpp"

namespace bmcp::auth {

// Decides which login attempts may verify a password (contract 3.5, extended; the rules and why
// are in docs/architecture.md, "Login rate limits"). Three rules, over failures only:
// - per (client address, username): `per_address_and_username` failures within `window`
//   close the pair until the oldest of them leaves the window. A success clears the pair.
// - per client address: failures for `usernames_per_address` distinct usernames within
//   `window` close the address for every username (password spraying), until the oldest of
//   those usernames' latest failures leaves the window. Many failures for one username count
//   once, so one person mistyping a password (or one account under attack) behind a shared
//   address does not lock out the other accounts there. A success removes its username.
// - per username, from any address: after `account_free_failures` failures, each further
//   failure closes the account for a delay that doubles from `account_first_delay` up to
//   `account_longest_delay`, counted from that failure. The count is forgotten after a whole
//   window without failures, or by a success. This slows guessing from many addresses without
//   locking the owner out for more than the longest delay.
// Refused attempts verify nothing and are not counted.
// Memory: each kind of key is held for one window after its last failure, at most
// `max_tracked_keys` of each (the key with the oldest last failure is forgotten beyond).
// Thread safety: every method may be called from any thread.
class LoginRateLimiter {
 public:
  struct Limits {
    std::chrono::seconds window{300};
    std::size_t per_address_and_username = 5;
    std::size_t usernames_per_address = 20;
    std::size_t account_free_failures = 5;
    std::chrono::seconds account_first_delay{1};
    std::chrono::seconds account_longest_delay{60};
    std::size_t max_tracked_keys = 100'000;
  };

  explicit LoginRateLimiter(const Clock& clock) : LoginRateLimiter(clock, Limits{}) {}
  LoginRateLimiter(const Clock& clock, Limits limits);

  // nullopt when an attempt may go ahead. Otherwise the whole seconds (at least 1) until every
  // rule that refuses it would let it through.
  std::optional<std::chrono::seconds> retry_after(std::string_view address,
                                                  std::string_view username);
  // Counts one failed attempt under all three rules.
  void record_failure(std::string_view address, std::string_view username);
  // Clears the pair and the account, and removes the username from the address's list.
  void record_success(std::string_view address, std::string_view username);

  // Keys currently held (all kinds); for tests of the memory bound.
  std::size_t tracked_keys();

 private:
  using PairKey = std::pair<std::string, std::string>;
  // Failure times of one pair, oldest first; at most the limit are kept.
  using PairFailures = std::vector<SteadyTime>;
  // Per address: the usernames that failed (as hashes; the count of distinct names is what
  // matters) with their latest failure, oldest first; at most the limit are kept.
  struct UsernameFailure {
    std::uint64_t username_hash;
    SteadyTime at;
  };
  using AddressFailures = std::vector<UsernameFailure>;
  struct AccountFailures {
    std::size_t count = 0;
    SteadyTime last{};
  };

  void expire(SteadyTime now);
  std::optional<std::chrono::nanoseconds> pair_wait(const PairKey& key, SteadyTime now);
  std::optional<std::chrono::nanoseconds> address_wait(const std::string& address, SteadyTime now);
  std::optional<std::chrono::nanoseconds> account_wait(const std::string& username, SteadyTime now);
  std::chrono::nanoseconds account_delay(std::size_t failures) const;

  const Clock& clock_;
  const Limits limits_;
  std::mutex mutex_;
  RecentKeys<PairKey, PairFailures> by_pair_;
  RecentKeys<std::string, AddressFailures> by_address_;
  RecentKeys<std::string, AccountFailures> by_account_;
};

}  // namespace bmcp::auth
