#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/token_service.hpp"

namespace bmcp::auth {

// Access tokens whose signature and claims were already verified, so a client that sends the
// same bearer token on every request pays for the HS256 check and the claim decoding once.
//
// What it stands for: "this exact token text was signed with our key and decoded to these
// claims". That never changes while the process runs (the signing key is fixed), so it may
// skip: the JWT parse, the signature check and the claim decoding. It may NOT skip anything
// that depends on time or on the user store: the caller checks `exp` against the clock on
// every hit (lookup() does it), and the user's existence is looked up in the store on every
// request (AuthService::authenticate_access), so a removed user's token is refused at once,
// also when the CLI removed it from another process.
//
// Entries are keyed by a keyed 128-bit digest of the full token text (SipHash-2-4 with 128-bit
// output, libsodium's crypto_shorthash_siphashx24, a pseudorandom function of a random key per
// cache), so the bearer tokens themselves are not kept, a lookup's timing tells nothing about
// the stored tokens, and finding a token whose digest matches a stored one without the key
// takes about 2^128 tries. It runs on every request: about 0.13 µs for a 300-byte token, where
// a keyed BLAKE2b took 0.53 µs. At most `capacity` entries; inserting beyond that evicts the oldest
// inserted. Thread safety: every method may be called from any thread (one leaf lock).
class VerifiedTokenCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 10000;

  // REQUIRES: capacity > 0.
  explicit VerifiedTokenCache(std::size_t capacity = kDefaultCapacity);

  // The claims stored for exactly this token text, when present and its exp is after
  // `now_seconds` (Unix seconds, the check TokenService::verify makes: exp <= now is expired).
  // An expired entry is removed.
  std::optional<Claims> lookup(std::string_view token, std::int64_t now_seconds);
  // Stores claims that TokenService::verify returned for `token`. REQUIRES: they did.
  void insert(std::string_view token, const Claims& claims);
  // Forgets the token (its user was removed, say); true when it was stored.
  bool erase(std::string_view token);

  std::size_t size() const;

 private:
  struct Entry {
    std::string digest;
    Claims claims;
  };
  using Order = std::list<Entry>;  // oldest inserted first

  // The keyed digest (crypto_shorthash_siphashx24_BYTES), on the stack: a lookup allocates
  // nothing for it.
  static constexpr std::size_t kDigestBytes = 16;
  using Digest = std::array<char, kDigestBytes>;
  Digest digest_of(std::string_view token) const;
  void erase_locked(Order::iterator entry);

  const std::size_t capacity_;
  std::string key_;  // the SipHash key, random per cache
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<std::string_view, Order::iterator> by_digest_;  // views into order_
};

}  // namespace bmcp::auth
