#include "auth/user_presence_cache.hpp"

namespace bmcp::auth {

namespace {

// Bounds memory when many distinct names are checked (tokens of many users): past this many
// entries the cache starts over, which costs one query per user.
constexpr std::size_t kMaxEntries = 100000;

}  // namespace

UserPresenceCache::UserPresenceCache(const Clock& clock, std::chrono::milliseconds ttl)
    : clock_(clock), ttl_(ttl) {}

const UserPresenceCache::Entry* UserPresenceCache::find_locked(std::string_view username) {
  if (!enabled_) {
    return nullptr;
  }
  const auto found = entries_.find(std::string(username));
  if (found == entries_.end()) {
    return nullptr;
  }
  if (clock_.steady_now() - found->second.stored_at >= ttl_) {
    entries_.erase(found);
    return nullptr;
  }
  return &found->second;
}

std::optional<std::string> UserPresenceCache::lookup(std::string_view username) {
  std::lock_guard lock(mutex_);
  const Entry* entry = find_locked(username);
  return entry ? std::optional<std::string>(entry->uid) : std::nullopt;
}

std::optional<bool> UserPresenceCache::holds(std::string_view username, std::string_view uid) {
  std::lock_guard lock(mutex_);
  const Entry* entry = find_locked(username);
  return entry ? std::optional<bool>(entry->uid == uid) : std::nullopt;
}

std::uint64_t UserPresenceCache::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void UserPresenceCache::remember(const std::string& username, std::string uid,
                                 std::uint64_t read_at_generation) {
  std::lock_guard lock(mutex_);
  if (!enabled_ || read_at_generation != generation_) {
    return;
  }
  if (entries_.size() >= kMaxEntries) {
    entries_.clear();
  }
  entries_[username] = Entry{std::move(uid), clock_.steady_now()};
}

void UserPresenceCache::forget(std::string_view username) {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.erase(std::string(username));
}

void UserPresenceCache::forget_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.clear();
}

void UserPresenceCache::enable() {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.clear();
  enabled_ = true;
}

void UserPresenceCache::disable() {
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.clear();
  enabled_ = false;
}

}  // namespace bmcp::auth
