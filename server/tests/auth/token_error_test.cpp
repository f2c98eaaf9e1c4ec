#include "auth/token_error.hpp"

#include <gtest/gtest.h>

namespace bmcp::auth {
namespace {

// The texts are part of the wire contract (3.3), so they are checked literally here, once.
TEST(TokenErrorDetail, EachErrorHasTheContractText) {
  EXPECT_EQ(token_error_detail(TokenError::kMalformed), "Invalid token: malformed token");
  EXPECT_EQ(token_error_detail(TokenError::kAlgNotAllowed), "Invalid token: alg not allowed");
  EXPECT_EQ(token_error_detail(TokenError::kBadSignature),
            "Invalid token: signature verification failed");
  EXPECT_EQ(token_error_detail(TokenError::kExpired), "Invalid token: token expired");
  EXPECT_EQ(token_error_detail(TokenError::kMissingSub), "Token missing sub");
}

// Not in the contract: the account id claim (docs/architecture.md, "Accounts and their ids").
TEST(TokenErrorDetail, AMissingUidNamesTheClaim) {
  EXPECT_EQ(token_error_detail(TokenError::kMissingUid), "Invalid token: missing uid");
}

}  // namespace
}  // namespace bmcp::auth
