#include "oauth/secrets.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "core/random.hpp"

namespace bmcp::oauth {

namespace {

std::string base64url(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

std::string sha256(std::string_view text) {
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return digest;
}

}  // namespace

std::string random_secret(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  random_bytes(buffer.data(), buffer.size());
  return base64url(buffer.data(), buffer.size());
}

std::string secret_digest(std::string_view secret) {
  const auto digest = sha256(secret);
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(digest.data()),
                 digest.size());
  hex.pop_back();
  return hex;
}

std::string s256_challenge(std::string_view verifier) {
  const auto digest = sha256(verifier);
  return base64url(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

bool valid_pkce_text(std::string_view text) {
  return text.size() >= 43 && text.size() <= 128 &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~';
         });
}

bool same_secret(std::string_view a, std::string_view b) {
  // Compares digests, which have one length, so the time depends on neither input's content.
  const auto da = sha256(a);
  const auto db = sha256(b);
  return sodium_memcmp(da.data(), db.data(), da.size()) == 0;
}

Signer::Signer(std::string_view signing_key, std::string_view purpose)
    : key_(crypto_auth_hmacsha256_KEYBYTES, '\0') {
  if (sodium_init() < 0)
    throw std::runtime_error("libsodium cannot be initialised");
  // BLAKE2b of purpose, a zero byte and the key: a key of any length (a short configured
  // JWT_SECRET included) gives a 32-byte key that differs for each purpose.
  std::string input(purpose);
  input += '\0';
  input += signing_key;
  crypto_generichash(reinterpret_cast<unsigned char*>(key_.data()), key_.size(),
                     reinterpret_cast<const unsigned char*>(input.data()), input.size(), nullptr,
                     0);
  sodium_memzero(input.data(), input.size());
}

std::string Signer::sign(std::string_view message) const {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size(), reinterpret_cast<const unsigned char*>(key_.data()));
  return base64url(mac, sizeof mac);
}

bool Signer::verify(std::string_view message, std::string_view signature) const {
  return same_secret(sign(message), signature);
}

}  // namespace bmcp::oauth
