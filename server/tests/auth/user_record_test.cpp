#include "auth/user_record.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bmcp::auth {
namespace {

TEST(NewUserUid, Is128RandomBitsInLowercaseHex) {
  const std::string first = new_user_uid();
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(first.find_first_not_of("0123456789abcdef"), std::string::npos) << first;
  EXPECT_NE(first, new_user_uid());
}

TEST(IsValidUsername, AcceptsLettersDigitsDotsUnderscoresAndDashes) {
  EXPECT_TRUE(is_valid_username("demo"));
  EXPECT_TRUE(is_valid_username("A"));
  EXPECT_TRUE(is_valid_username("7"));
  EXPECT_TRUE(is_valid_username("first.last_name-2"));
}

TEST(IsValidUsername, AcceptsSixtyFourCharactersAndRefusesSixtyFive) {
  EXPECT_TRUE(is_valid_username(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_username(std::string(65, 'a')));
}

TEST(IsValidUsername, RefusesEmptyNames) {
  EXPECT_FALSE(is_valid_username(""));
}

TEST(IsValidUsername, RefusesANameThatStartsWithPunctuation) {
  EXPECT_FALSE(is_valid_username(".hidden"));
  EXPECT_FALSE(is_valid_username("_x"));
  EXPECT_FALSE(is_valid_username("-x"));
}

TEST(IsValidUsername, RefusesSpacesSlashesAndNonAscii) {
  EXPECT_FALSE(is_valid_username("a b"));
  EXPECT_FALSE(is_valid_username("a/b"));
  EXPECT_FALSE(is_valid_username("a@b"));
  EXPECT_FALSE(is_valid_username("caf\xc3\xa9"));
  EXPECT_FALSE(is_valid_username(std::string_view("a\0b", 3)));
}

TEST(UserRecord, HasRoleLooksForAnExactRole) {
  const UserRecord user{"admin", "", admin_roles(), admin_scopes(), 0, 0};
  EXPECT_TRUE(user.has_role("admin"));
  EXPECT_TRUE(user.has_role("user"));
  EXPECT_FALSE(user.has_role("Admin"));
}

TEST(UserRecord, DefaultsMatchTheContract) {
  EXPECT_EQ(default_user_roles(), std::vector<std::string>{"user"});
  EXPECT_EQ(default_user_scopes(), (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(admin_roles(), (std::vector<std::string>{"admin", "user"}));
  EXPECT_EQ(admin_scopes(), std::vector<std::string>{"*"});
}

}  // namespace
}  // namespace bmcp::auth
