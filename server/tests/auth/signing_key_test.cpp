#include "auth/signing_key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>

#include "test_support.hpp"

namespace bmcp::auth {
namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) {
      return std::nullopt;
    }
    return found->second;
  };
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_base64url(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

class SigningKeyTest : public ::testing::Test {
 protected:
  std::filesystem::path key_file() const { return dir_.path() / "jwt_secret"; }
  testing::TempDir dir_;
};

TEST_F(SigningKeyTest, AConfiguredKeyWinsOverTheFile) {
  std::ofstream(key_file()) << "from-file";
  const auto key = load_or_create_signing_key("configured", dir_.path());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "configured");
}

TEST_F(SigningKeyTest, AnEmptyConfiguredKeyCountsAsUnset) {
  std::ofstream(key_file()) << "from-file";
  const auto key = load_or_create_signing_key("", dir_.path());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "from-file");
}

TEST_F(SigningKeyTest, TheFileIsReadWithSurroundingWhitespaceTrimmed) {
  std::ofstream(key_file()) << "  \n\tfrom file\r\n\n";
  const auto key = load_or_create_signing_key(std::nullopt, dir_.path());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "from file");
}

TEST_F(SigningKeyTest, WithoutAKeyOneIsGeneratedAsBase64UrlOf32RandomBytes) {
  const auto key = load_or_create_signing_key(std::nullopt, dir_.path());
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 43u);  // 32 bytes, no padding
  EXPECT_TRUE(is_base64url(*key));
}

TEST_F(SigningKeyTest, TheGeneratedKeyIsWrittenWithMode0600AndReusedNextTime) {
  const auto first = load_or_create_signing_key(std::nullopt, dir_.path());
  ASSERT_TRUE(first.ok());
  struct stat info {};
  ASSERT_EQ(::stat(key_file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777u, 0600u);
  EXPECT_EQ(read_file(key_file()), *first + "\n");
  const auto second = load_or_create_signing_key(std::nullopt, dir_.path());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);
}

TEST_F(SigningKeyTest, GenerationLeavesNoTemporaryFileBehind) {
  ASSERT_TRUE(load_or_create_signing_key(std::nullopt, dir_.path()).ok());
  const auto entries = std::distance(std::filesystem::directory_iterator(dir_.path()),
                                     std::filesystem::directory_iterator());
  EXPECT_EQ(entries, 1);
}

TEST_F(SigningKeyTest, GenerationCreatesAMissingDataDirectory) {
  const auto data_dir = dir_.path() / "new";
  const auto key = load_or_create_signing_key(std::nullopt, data_dir);
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(std::filesystem::exists(data_dir / "jwt_secret"));
}

TEST_F(SigningKeyTest, TwoGeneratedKeysDiffer) {
  const testing::TempDir other;
  const auto first = load_or_create_signing_key(std::nullopt, dir_.path());
  const auto second = load_or_create_signing_key(std::nullopt, other.path());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
}

TEST_F(SigningKeyTest, AWhitespaceOnlyFileFailsWithFailedPrecondition) {
  std::ofstream(key_file()) << " \n";
  const auto key = load_or_create_signing_key(std::nullopt, dir_.path());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(SigningKeyTest, AKeyPathThatCannotBeReadFailsWithIo) {
  std::filesystem::create_directory(key_file());
  const auto key = load_or_create_signing_key(std::nullopt, dir_.path());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::kIo);
}

TEST(ConfiguredSigningKey, OauthSecretKeyWinsOverJwtSecret) {
  EXPECT_EQ(configured_signing_key(env_of({{"OAUTH_SECRET_KEY", "a"}, {"JWT_SECRET", "b"}})), "a");
}

TEST(ConfiguredSigningKey, JwtSecretIsUsedWhenOauthSecretKeyIsUnsetOrEmpty) {
  EXPECT_EQ(configured_signing_key(env_of({{"JWT_SECRET", "b"}})), "b");
  EXPECT_EQ(configured_signing_key(env_of({{"OAUTH_SECRET_KEY", ""}, {"JWT_SECRET", "b"}})), "b");
}

TEST(ConfiguredSigningKey, NothingConfiguredIsNullopt) {
  EXPECT_EQ(configured_signing_key(env_of({{"JWT_SECRET", ""}})), std::nullopt);
}

}  // namespace
}  // namespace bmcp::auth
