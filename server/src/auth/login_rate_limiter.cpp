#include "auth/login_rate_limiter.hpp"

#include <algorithm>
#include <functional>

namespace bmcp::auth {

namespace {

// Usernames come from request bodies; a longer one cannot exist (64 characters at most), so
// cutting it keeps keys small without letting two real usernames share a counter.
constexpr std::size_t kMaxKeyPart = 128;

std::string key_part(std::string_view text) {
  return std::string(text.substr(0, kMaxKeyPart));
}

std::uint64_t username_hash(std::string_view username) {
  return std::hash<std::string_view>{}(username.substr(0, kMaxKeyPart));
}

// Drops the entries whose time has left the window (a failure exactly one window old has).
template <class Entries, class TimeOf>
void prune(Entries& entries, SteadyTime now, std::chrono::nanoseconds window, TimeOf time_of) {
  const auto first_kept = std::find_if(entries.begin(), entries.end(), [&](const auto& entry) {
    return time_of(entry) + window > now;
  });
  entries.erase(entries.begin(), first_kept);
}

// Entries are oldest first. With `limit` or more of them the key is closed until it is below
// the limit again: attempts that passed the check together may all fail, so there can be more
// than the limit.
template <class Entries, class TimeOf>
std::optional<std::chrono::nanoseconds> wait_below(const Entries& entries, std::size_t limit,
                                                   SteadyTime now, std::chrono::nanoseconds window,
                                                   TimeOf time_of) {
  if (entries.size() < limit)
    return std::nullopt;
  return time_of(entries[entries.size() - limit]) + window - now;
}

// Keeps only the newest `limit` entries: the older ones cannot decide when the key opens.
template <class Entries>
void keep_newest(Entries& entries, std::size_t limit) {
  if (entries.size() > limit)
    entries.erase(entries.begin(), entries.end() - static_cast<std::ptrdiff_t>(limit));
}

// When an entry failed: a pair keeps bare times, an address keeps (username, time).
constexpr auto time_of_failure = [](SteadyTime at) { return at; };
constexpr auto time_of_username = [](const auto& failure) { return failure.at; };

}  // namespace

LoginRateLimiter::LoginRateLimiter(const Clock& clock, Limits limits)
    : clock_(clock),
      limits_(limits),
      by_pair_(limits.window, limits.max_tracked_keys),
      by_address_(limits.window, limits.max_tracked_keys),
      by_account_(limits.window, limits.max_tracked_keys) {}

void LoginRateLimiter::expire(SteadyTime now) {
  by_pair_.expire(now);
  by_address_.expire(now);
  by_account_.expire(now);
}

std::optional<std::chrono::nanoseconds> LoginRateLimiter::pair_wait(const PairKey& key,
                                                                    SteadyTime now) {
  auto* failures = by_pair_.find(key);
  if (failures == nullptr)
    return std::nullopt;
  prune(*failures, now, limits_.window, time_of_failure);
  return wait_below(*failures, limits_.per_address_and_username, now, limits_.window,
                    time_of_failure);
}

std::optional<std::chrono::nanoseconds> LoginRateLimiter::address_wait(const std::string& address,
                                                                       SteadyTime now) {
  auto* failures = by_address_.find(address);
  if (failures == nullptr)
    return std::nullopt;
  prune(*failures, now, limits_.window, time_of_username);
  return wait_below(*failures, limits_.usernames_per_address, now, limits_.window,
                    time_of_username);
}

std::chrono::nanoseconds LoginRateLimiter::account_delay(std::size_t failures) const {
  std::chrono::nanoseconds delay = limits_.account_first_delay;
  for (std::size_t beyond = limits_.account_free_failures; beyond < failures; ++beyond) {
    if (delay >= limits_.account_longest_delay)
      break;
    delay *= 2;
  }
  return std::min<std::chrono::nanoseconds>(delay, limits_.account_longest_delay);
}

std::optional<std::chrono::nanoseconds> LoginRateLimiter::account_wait(const std::string& username,
                                                                       SteadyTime now) {
  const auto* account = by_account_.find(username);
  if (account == nullptr || account->count < limits_.account_free_failures)
    return std::nullopt;
  const SteadyTime opens = account->last + account_delay(account->count);
  if (opens <= now)
    return std::nullopt;
  return opens - now;
}

std::optional<std::chrono::seconds> LoginRateLimiter::retry_after(std::string_view address,
                                                                  std::string_view username) {
  const SteadyTime now = clock_.steady_now();
  const std::lock_guard lock(mutex_);
  expire(now);
  const std::string address_key = key_part(address);
  const std::string username_key = key_part(username);
  std::optional<std::chrono::nanoseconds> longest;
  for (const auto& wait : {pair_wait({address_key, username_key}, now),
                           address_wait(address_key, now), account_wait(username_key, now)}) {
    if (wait)
      longest = std::max(*wait, longest.value_or(std::chrono::nanoseconds::zero()));
  }
  if (!longest)
    return std::nullopt;
  return std::max(std::chrono::ceil<std::chrono::seconds>(*longest), std::chrono::seconds(1));
}

void LoginRateLimiter::record_failure(std::string_view address, std::string_view username) {
  const SteadyTime now = clock_.steady_now();
  const std::lock_guard lock(mutex_);
  expire(now);
  const std::string address_key = key_part(address);
  const std::string username_key = key_part(username);

  auto& pair = by_pair_.touch({address_key, username_key}, now);
  prune(pair, now, limits_.window, time_of_failure);
  pair.push_back(now);
  keep_newest(pair, limits_.per_address_and_username);

  auto& usernames = by_address_.touch(address_key, now);
  prune(usernames, now, limits_.window, time_of_username);
  const std::uint64_t hash = username_hash(username_key);
  std::erase_if(usernames, [hash](const UsernameFailure& f) { return f.username_hash == hash; });
  usernames.push_back({hash, now});
  keep_newest(usernames, limits_.usernames_per_address);

  auto& account = by_account_.touch(username_key, now);
  // Past the longest delay more failures change nothing; the cap keeps the count small.
  account.count = std::min(account.count + 1, limits_.account_free_failures + 64);
  account.last = now;
}

void LoginRateLimiter::record_success(std::string_view address, std::string_view username) {
  const std::lock_guard lock(mutex_);
  const std::string address_key = key_part(address);
  const std::string username_key = key_part(username);
  by_pair_.erase({address_key, username_key});
  by_account_.erase(username_key);
  if (auto* usernames = by_address_.find(address_key)) {
    const std::uint64_t hash = username_hash(username_key);
    std::erase_if(*usernames, [hash](const UsernameFailure& f) { return f.username_hash == hash; });
    if (usernames->empty())
      by_address_.erase(address_key);
  }
}

std::size_t LoginRateLimiter::tracked_keys() {
  const std::lock_guard lock(mutex_);
  expire(clock_.steady_now());
  return by_pair_.size() + by_address_.size() + by_account_.size();
}

}  // namespace bmcp::auth
