#pragma once

#include <chrono>
#include <string_view>

#include "auth/token_error.hpp"
#include "auth/token_service.hpp"
#include "core/clock.hpp"
#include "fuzz_support.hpp"

namespace bmcp::fuzz {

// The signing key of the fuzz targets; the seed tokens in fuzz/corpus are signed with it.
inline constexpr std::string_view kFuzzSigningKey = "fuzz-signing-key-0123456789abcdef";

// A token service on a clock that stands still at FakeClock's origin (1763726400).
inline const auth::TokenService& fuzz_token_service() {
  static const FakeClock clock;
  static const auth::TokenService service(std::string(kFuzzSigningKey), clock,
                                          std::chrono::minutes(30), std::chrono::hours(24 * 7));
  return service;
}

// Checks `token` the two ways the server does and holds them to each other: verify() (every
// request) accepts what verify_signature_only() (logout) accepts unless the token expired, with
// the same claims; an accepted token has a sub, a uid and (for verify) an exp after now.
inline void check_token(std::string_view token) {
  const auto& service = fuzz_token_service();
  const auto full = service.verify(token);
  const auto signature_only = service.verify_signature_only(token);
  if (full) {
    require(!full->sub.empty() && !full->uid.empty(), "an accepted token has a sub and a uid");
    require(full->exp > service.now_seconds(), "an accepted token has not expired");
    require(signature_only.ok(), "what verify accepts, verify_signature_only accepts");
    require(signature_only->sub == full->sub && signature_only->uid == full->uid &&
                signature_only->exp == full->exp && signature_only->jti == full->jti &&
                signature_only->typ == full->typ && signature_only->roles == full->roles,
            "both checks read the same claims");
    return;
  }
  require(!auth::token_error_detail(full.error()).empty(), "a refusal has a detail text");
  if (full.error() != auth::TokenError::kExpired) {
    require(!signature_only.ok() && signature_only.error() == full.error(),
            "a token refused for anything but its age is refused by both checks alike");
    return;
  }
  if (signature_only) {
    require(signature_only->exp <= service.now_seconds(), "an expired token's exp is past");
  } else {
    require(signature_only.error() == auth::TokenError::kMissingSub ||
                signature_only.error() == auth::TokenError::kMissingUid,
            "an expired token fails verify_signature_only only for its sub or uid");
  }
}

}  // namespace bmcp::fuzz
