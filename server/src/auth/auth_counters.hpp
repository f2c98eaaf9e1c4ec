#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bmcp::auth {

// What was asked of AuthService.
enum class AuthAction { kLogin, kRefresh, kLogout, kAccess };
inline constexpr std::size_t kAuthActionCount = 4;

// How it ended: success, or why it was refused. A fixed set, so counts by outcome stay bounded.
enum class AuthOutcome {
  kSuccess,
  kBadRequest,           // empty username or password
  kInvalidCredentials,   // unknown user or wrong password
  kRateLimited,          // too many failed logins
  kStoreUnavailable,     // the user store could not be reached
  kInvalidToken,         // malformed, bad signature, alg, missing sub or uid
  kTokenExpired,         // a token past its exp
  kWrongTokenType,       // a refresh token where an access token belongs, or the reverse
  kInvalidRefreshToken,  // unknown, revoked or already rotated
  kUserNotFound,         // the token's account no longer exists
};
inline constexpr std::size_t kAuthOutcomeCount = 10;

// The words operators see: login, refresh, logout, access.
std::string_view action_word(AuthAction action);
// success, bad_request, invalid_credentials, rate_limited, store_unavailable, invalid_token,
// token_expired, wrong_token_type, invalid_refresh_token, user_not_found.
std::string_view outcome_word(AuthOutcome outcome);

// Outcomes of AuthService calls, by action and outcome. count() is one relaxed atomic add (it
// runs on every /mcp request). Thread safety: all methods are safe from any thread.
class AuthCounters {
 public:
  void count(AuthAction action, AuthOutcome outcome) noexcept {
    counts_[index(action, outcome)].fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t value(AuthAction action, AuthOutcome outcome) const noexcept {
    return counts_[index(action, outcome)].load(std::memory_order_relaxed);
  }

 private:
  static std::size_t index(AuthAction action, AuthOutcome outcome) noexcept {
    return static_cast<std::size_t>(action) * kAuthOutcomeCount + static_cast<std::size_t>(outcome);
  }

  std::array<std::atomic<std::uint64_t>, kAuthActionCount * kAuthOutcomeCount> counts_{};
};

}  // namespace bmcp::auth
