#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bmcp::auth {

// Argon2id password hashing with libsodium (contract 3.6): m=19456 KiB, t=2, p=1, 16-byte
// salt, 32-byte hash, stored as a PHC string.
// Thread safety: const methods may be called from any thread. Each hash or verify takes tens
// of milliseconds and 19 MiB of memory, so callers keep it off I/O threads.
class PasswordHasher {
 public:
  static constexpr unsigned long long kOpsLimit = 2;
  static constexpr std::size_t kMemLimitBytes = std::size_t{19456} * 1024;

  // Makes the dummy hash, so construction costs one hash.
  PasswordHasher();

  // A fresh PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`). Throws std::bad_alloc when the
  // memory for Argon2 cannot be had.
  std::string hash(std::string_view password) const;
  // True when `password` matches `phc`, using the parameters stored in `phc`. False for a
  // string that is not a PHC string.
  bool verify(std::string_view phc, std::string_view password) const;
  // A hash of a random password with the same parameters: verifying against it costs as much
  // as a real verification and never succeeds in practice (login of an unknown user).
  const std::string& dummy_hash() const { return dummy_hash_; }

 private:
  std::string dummy_hash_;
};

}  // namespace bmcp::auth
