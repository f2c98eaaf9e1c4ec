#include "auth/auth_counters.hpp"

namespace bmcp::auth {

std::string_view action_word(AuthAction action) {
  switch (action) {
    case AuthAction::kLogin:
      return "login";
    case AuthAction::kRefresh:
      return "refresh";
    case AuthAction::kLogout:
      return "logout";
    case AuthAction::kAccess:
      return "access";
  }
  return "access";
}

std::string_view outcome_word(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::kSuccess:
      return "success";
    case AuthOutcome::kBadRequest:
      return "bad_request";
    case AuthOutcome::kInvalidCredentials:
      return "invalid_credentials";
    case AuthOutcome::kRateLimited:
      return "rate_limited";
    case AuthOutcome::kStoreUnavailable:
      return "store_unavailable";
    case AuthOutcome::kInvalidToken:
      return "invalid_token";
    case AuthOutcome::kTokenExpired:
      return "token_expired";
    case AuthOutcome::kWrongTokenType:
      return "wrong_token_type";
    case AuthOutcome::kInvalidRefreshToken:
      return "invalid_refresh_token";
    case AuthOutcome::kUserNotFound:
      return "user_not_found";
  }
  return "invalid_token";
}

}  // namespace bmcp::auth
