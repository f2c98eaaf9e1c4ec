#include "auth/login_rate_limiter.hpp"

#include <algorithm>
#include <iterator>

namespace bmcp::auth {

namespace {

// Usernames come from request bodies; a longer one cannot exist (64 characters at most), so
// cutting it keeps keys small without letting two real usernames share a counter.
constexpr std::size_t kMaxKeyPart = 128;

std::string key_part(std::string_view text) {
  return std::string(text.substr(0, kMaxKeyPart));
}

template <class Map>
typename Map::mapped_type* find_failures(Map& map, const typename Map::key_type& key) {
  auto found = map.find(key);
  return found == map.end() ? nullptr : &found->second;
}

}  // namespace

LoginRateLimiter::PairKey LoginRateLimiter::pair_key(std::string_view address,
                                                     std::string_view username) {
  return {key_part(address), key_part(username)};
}

bool LoginRateLimiter::prune(Failures& failures, SteadyTime now) const {
  // A failure exactly one window old has left the window.
  while (!failures.empty() && failures.front() + limits_.window <= now) {
    failures.pop_front();
  }
  return failures.empty();
}

std::optional<std::chrono::nanoseconds> LoginRateLimiter::wait_for(Failures* failures,
                                                                   std::size_t limit,
                                                                   SteadyTime now) const {
  if (failures == nullptr || failures->size() < limit) {
    return std::nullopt;
  }
  // Attempts below the limit may run concurrently and all fail, so there can be more
  // failures than the limit; the key opens when it is back below the limit.
  const SteadyTime opens = (*failures)[failures->size() - limit] + limits_.window;
  return opens - now;
}

std::optional<std::chrono::seconds> LoginRateLimiter::retry_after(std::string_view address,
                                                                  std::string_view username) {
  const SteadyTime now = clock_.steady_now();
  const std::lock_guard lock(mutex_);
  sweep(now);
  auto* pair = find_failures(by_pair_, pair_key(address, username));
  auto* per_address = find_failures(by_address_, key_part(address));
  if (pair != nullptr) {
    prune(*pair, now);
  }
  if (per_address != nullptr) {
    prune(*per_address, now);
  }
  const auto pair_wait = wait_for(pair, limits_.per_address_and_username, now);
  const auto address_wait = wait_for(per_address, limits_.per_address, now);
  if (!pair_wait && !address_wait) {
    return std::nullopt;
  }
  const auto wait = std::max(pair_wait.value_or(std::chrono::nanoseconds::zero()),
                             address_wait.value_or(std::chrono::nanoseconds::zero()));
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait);
  return std::max(seconds, std::chrono::seconds(1));
}

void LoginRateLimiter::record_failure(std::string_view address, std::string_view username) {
  const SteadyTime now = clock_.steady_now();
  const std::lock_guard lock(mutex_);
  sweep(now);
  const auto count = [now, this](Failures& failures, std::size_t limit) {
    prune(failures, now);
    failures.push_back(now);
    // Only the newest `limit` failures can decide when the key opens again.
    while (failures.size() > limit) {
      failures.pop_front();
    }
  };
  count(by_pair_[pair_key(address, username)], limits_.per_address_and_username);
  count(by_address_[key_part(address)], limits_.per_address);
}

void LoginRateLimiter::record_success(std::string_view address, std::string_view username) {
  const std::lock_guard lock(mutex_);
  by_pair_.erase(pair_key(address, username));
}

std::size_t LoginRateLimiter::tracked_keys() {
  const std::lock_guard lock(mutex_);
  sweep(clock_.steady_now());
  return by_pair_.size() + by_address_.size();
}

// Runs at most once per window: every key is visited, and those with no failure left in the
// window are dropped.
void LoginRateLimiter::sweep(SteadyTime now) {
  if (now - last_sweep_ < limits_.window) {
    return;
  }
  last_sweep_ = now;
  drop_empty(by_pair_, now);
  drop_empty(by_address_, now);
}

template <class Map>
void LoginRateLimiter::drop_empty(Map& map, SteadyTime now) const {
  for (auto it = map.begin(); it != map.end();) {
    it = prune(it->second, now) ? map.erase(it) : std::next(it);
  }
}

}  // namespace bmcp::auth
