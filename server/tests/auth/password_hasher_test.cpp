#include "auth/password_hasher.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace bmcp::auth {
namespace {

constexpr std::string_view kContractPrefix = "$argon2id$v=19$m=19456,t=2,p=1$";

// One hasher for the suite: each construction costs a full Argon2id hash.
const PasswordHasher& shared_hasher() {
  static const PasswordHasher hasher;
  return hasher;
}

class PasswordHasherTest : public ::testing::Test {
 protected:
  const PasswordHasher* hasher_ = &shared_hasher();
};

TEST_F(PasswordHasherTest, AHashIsAnArgon2idPhcStringWithTheContractParameters) {
  const std::string phc = hasher_->hash("correct horse");
  EXPECT_EQ(phc.substr(0, kContractPrefix.size()), kContractPrefix);
  // 16-byte salt and 32-byte hash, base64 without padding: 22 and 43 characters.
  const std::string rest = phc.substr(kContractPrefix.size());
  const auto dollar = rest.find('$');
  ASSERT_NE(dollar, std::string::npos);
  EXPECT_EQ(dollar, 22u);
  EXPECT_EQ(rest.size() - dollar - 1, 43u);
}

TEST_F(PasswordHasherTest, TheRightPasswordVerifiesAndAWrongOneDoesNot) {
  const std::string phc = hasher_->hash("correct horse");
  EXPECT_TRUE(hasher_->verify(phc, "correct horse"));
  EXPECT_FALSE(hasher_->verify(phc, "correct horsE"));
  EXPECT_FALSE(hasher_->verify(phc, ""));
}

TEST_F(PasswordHasherTest, TwoHashesOfOnePasswordDifferByTheirSalt) {
  EXPECT_NE(hasher_->hash("same"), hasher_->hash("same"));
}

TEST_F(PasswordHasherTest, AStringThatIsNotAPhcStringNeverVerifies) {
  EXPECT_FALSE(hasher_->verify("", "x"));
  EXPECT_FALSE(hasher_->verify("plain text", "plain text"));
  EXPECT_FALSE(hasher_->verify(std::string(500, '$'), "x"));
}

TEST_F(PasswordHasherTest, VerificationUsesTheParametersStoredInTheString) {
  char phc[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(phc, "old", 3, 3, std::size_t{8} * 1024 * 1024,
                                  crypto_pwhash_ALG_ARGON2ID13),
            0);
  ASSERT_NE(std::string(phc).find("m=8192,t=3"), std::string::npos);
  EXPECT_TRUE(hasher_->verify(phc, "old"));
}

TEST_F(PasswordHasherTest, TheDummyHashHasTheSameParametersAndMatchesNoGuess) {
  const std::string& dummy = hasher_->dummy_hash();
  EXPECT_EQ(dummy.substr(0, kContractPrefix.size()), kContractPrefix);
  EXPECT_FALSE(hasher_->verify(dummy, ""));
  EXPECT_FALSE(hasher_->verify(dummy, "password"));
}

TEST_F(PasswordHasherTest, EachHasherMakesItsOwnDummyHash) {
  const PasswordHasher other;
  EXPECT_NE(other.dummy_hash(), hasher_->dummy_hash());
}

}  // namespace
}  // namespace bmcp::auth
