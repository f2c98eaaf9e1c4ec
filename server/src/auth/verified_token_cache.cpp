#include "auth/verified_token_cache.hpp"

#include <sodium.h>

#include <stdexcept>

namespace bmcp::auth {

VerifiedTokenCache::VerifiedTokenCache(std::size_t capacity) : capacity_(capacity) {
  if (capacity_ == 0) {
    throw std::invalid_argument("VerifiedTokenCache: capacity must be positive");
  }
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium failed to initialise");
  }
  key_.resize(crypto_shorthash_siphashx24_KEYBYTES);
  randombytes_buf(key_.data(), key_.size());
}

VerifiedTokenCache::Digest VerifiedTokenCache::digest_of(std::string_view token) const {
  static_assert(kDigestBytes == crypto_shorthash_siphashx24_BYTES);
  Digest digest{};
  // libsodium declares its pointers nonnull, even for empty input.
  const char* data = token.data() != nullptr ? token.data() : "";
  crypto_shorthash_siphashx24(reinterpret_cast<unsigned char*>(digest.data()),
                              reinterpret_cast<const unsigned char*>(data), token.size(),
                              reinterpret_cast<const unsigned char*>(key_.data()));
  return digest;
}

std::optional<Claims> VerifiedTokenCache::lookup(std::string_view token, std::int64_t now_seconds) {
  const Digest digest = digest_of(token);
  std::lock_guard lock(mutex_);
  const auto found = by_digest_.find(std::string_view(digest.data(), digest.size()));
  if (found == by_digest_.end()) {
    return std::nullopt;
  }
  if (found->second->claims.exp <= now_seconds) {
    erase_locked(found->second);
    return std::nullopt;
  }
  return found->second->claims;
}

void VerifiedTokenCache::insert(std::string_view token, const Claims& claims) {
  const Digest digest = digest_of(token);
  std::lock_guard lock(mutex_);
  if (by_digest_.contains(std::string_view(digest.data(), digest.size()))) {
    return;  // two requests verified it at once; the claims are the same
  }
  order_.push_back(Entry{std::string(digest.data(), digest.size()), claims});
  const auto entry = std::prev(order_.end());
  by_digest_.emplace(entry->digest, entry);
  if (order_.size() > capacity_) {
    erase_locked(order_.begin());
  }
}

bool VerifiedTokenCache::erase(std::string_view token) {
  const Digest digest = digest_of(token);
  std::lock_guard lock(mutex_);
  const auto found = by_digest_.find(std::string_view(digest.data(), digest.size()));
  if (found == by_digest_.end()) {
    return false;
  }
  erase_locked(found->second);
  return true;
}

std::size_t VerifiedTokenCache::size() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

void VerifiedTokenCache::erase_locked(Order::iterator entry) {
  by_digest_.erase(entry->digest);
  order_.erase(entry);
}

}  // namespace bmcp::auth
