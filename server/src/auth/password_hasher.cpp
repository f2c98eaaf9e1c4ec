#include "auth/password_hasher.hpp"

#include <sodium.h>

#include <new>
#include <stdexcept>

#include "core/random.hpp"

namespace bmcp::auth {

namespace {

// sodium_init() is itself safe to call repeatedly and from several threads; the static just
// keeps it to once per process.
void ensure_sodium() {
  static const int initialised = sodium_init();
  if (initialised < 0) {
    throw std::runtime_error("libsodium failed to initialise");
  }
}

// libsodium declares its pointers nonnull, even for empty input.
const char* non_null(std::string_view text) {
  return text.data() != nullptr ? text.data() : "";
}

}  // namespace

PasswordHasher::PasswordHasher() {
  ensure_sodium();
  dummy_hash_ = hash(random_hex(16));
}

std::string PasswordHasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, non_null(password), password.size(), kOpsLimit, kMemLimitBytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::bad_alloc();
  }
  return std::string(out);
}

bool PasswordHasher::verify(std::string_view phc, std::string_view password) const {
  // libsodium reads the PHC string as a C string and expects it to fit crypto_pwhash_STRBYTES.
  if (phc.empty() || phc.size() >= crypto_pwhash_STRBYTES) {
    return false;
  }
  const std::string terminated(phc);
  return crypto_pwhash_str_verify(terminated.c_str(), non_null(password), password.size()) == 0;
}

}  // namespace bmcp::auth
