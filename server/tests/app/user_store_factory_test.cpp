#include "app/user_store_factory.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "auth/data_dir.hpp"
#include "core/random.hpp"

namespace bmcp::app {
namespace {

class UserStoreFactoryTest : public ::testing::Test {
 protected:
  ~UserStoreFactoryTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path dir_ =
      std::filesystem::temp_directory_path() / ("bmcp-store-factory-" + random_hex(6));
  FakeClock clock_;
};

TEST_F(UserStoreFactoryTest, WithoutADatabaseUrlTheServerGetsTheSqliteFileAndTheKeyFile) {
  const auto data_dir = dir_ / "data";
  auto opened = open_server_store(StoreLocation{std::nullopt, data_dir}, std::nullopt, clock_);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->description, "SQLite " + auth::database_file(data_dir).string());
  EXPECT_EQ(opened->signing_key.size(), 43u);
  std::ifstream key_file(data_dir / auth::kSigningKeyFileName);
  std::string stored;
  key_file >> stored;
  EXPECT_EQ(stored, opened->signing_key);
  ASSERT_TRUE(opened->users->add(auth::UserRecord{"alice", "h", {"user"}, {"read"}}).ok());
  struct stat info {};
  ASSERT_EQ(::stat(data_dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(UserStoreFactoryTest, AConfiguredKeyWinsOverTheKeyFile) {
  auto opened =
      open_server_store(StoreLocation{std::nullopt, dir_}, std::string("configured"), clock_);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->signing_key, "configured");
  EXPECT_FALSE(std::filesystem::exists(dir_ / auth::kSigningKeyFileName));
}

TEST_F(UserStoreFactoryTest, CommandsSeeWhatTheServerStored) {
  auto server = open_server_store(StoreLocation{std::nullopt, dir_}, std::nullopt, clock_);
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server->users->add(auth::UserRecord{"alice", "h", {"user"}, {"read"}}).ok());
  auto command = open_command_store(StoreLocation{std::nullopt, dir_}, clock_);
  ASSERT_TRUE(command.ok());
  const auto found = command->users->find("alice");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(command->users->exists_with_uid("alice", found->uid));
}

TEST_F(UserStoreFactoryTest, AnUnreachableDatabaseFailsWithIoNamingPostgresql) {
  const StoreLocation location{std::string("postgresql://nobody:secret@127.0.0.1:1/none"), {}};
  auto opened = open_command_store(location, clock_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kIo);
  EXPECT_NE(opened.error().message.find("cannot connect to PostgreSQL"), std::string::npos);
  EXPECT_EQ(opened.error().message.find("secret"), std::string::npos);
  EXPECT_FALSE(open_server_store(location, std::nullopt, clock_).ok());
}

TEST_F(UserStoreFactoryTest, ADatabaseUrlOfAnotherKindIsRefused) {
  auto opened = open_command_store(StoreLocation{std::string("sqlite:///x.db"), {}}, clock_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace bmcp::app
