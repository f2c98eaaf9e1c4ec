#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace bmcp::auth {

// Who an access token issued by an external identity provider names, once verified.
struct ExternalIdentity {
  std::string username;  // a valid user name (is_valid_username)
  bool admin = false;    // the token's roles claim names the role `admin`
};

// Verifies access tokens that an external OpenID provider issued (docs/authorization.md,
// "External identity providers"). Implemented by oidc::TokenVerifier; AuthService asks it
// about every token that is not one of ours (any alg but HS256).
// Thread safety: verify() may be called from any thread.
class ExternalTokenVerifier {
 public:
  virtual ~ExternalTokenVerifier() = default;
  // The provider's issuer URL, for markers of the accounts it created.
  virtual const std::string& issuer() const = 0;
  // The error is the whole detail of the 401, e.g. "Invalid token: wrong issuer".
  virtual Result<ExternalIdentity, std::string> verify(std::string_view token) = 0;
};

}  // namespace bmcp::auth
