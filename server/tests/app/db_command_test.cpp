#include "app/db_command.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <sstream>

#include "auth/data_dir.hpp"
#include "auth/sqlite_database.hpp"
#include "auth/user_store_schema.hpp"
#include "core/random.hpp"

namespace bmcp::app {
namespace {

class DbCommandTest : public ::testing::Test {
 protected:
  ~DbCommandTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  int run(const DbCommand& command) {
    out_.str("");
    err_.str("");
    return run_db_command(command, StoreLocation{std::nullopt, dir_ / "data"}, out_, err_);
  }

  std::filesystem::path dir_ =
      std::filesystem::temp_directory_path() / ("bmcp-db-command-" + random_hex(6));
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(DbCommandTest, MigrateParsesAsTheDbSubcommand) {
  CLI::App root("blender-mcp");
  DbCommand command;
  add_db_subcommands(root, command);
  root.parse(std::vector<std::string>{"migrate", "db"});  // CLI11 reads them in reverse
  EXPECT_TRUE(command.migrate);
}

TEST_F(DbCommandTest, MigrateCreatesTheStoreThenFindsItCurrent) {
  ASSERT_EQ(run(DbCommand{true}), 0) << err_.str();
  const std::string current = std::to_string(auth::kUserStoreSchemaVersion);
  EXPECT_NE(out_.str().find("schema migrated from version 0 to " + current), std::string::npos)
      << out_.str();
  EXPECT_TRUE(std::filesystem::exists(auth::database_file(dir_ / "data")));
  ASSERT_EQ(run(DbCommand{true}), 0) << err_.str();
  EXPECT_NE(out_.str().find("schema already at version " + current), std::string::npos)
      << out_.str();
}

TEST_F(DbCommandTest, ASchemaNewerThanTheProgramIsRefusedWithExitOne) {
  ASSERT_EQ(run(DbCommand{true}), 0);
  {
    auto database = auth::SqliteDatabase::open(auth::database_file(dir_ / "data"));
    ASSERT_TRUE(database.ok());
    (*database)->lock().exec("UPDATE schema_version SET version = 99");
  }
  EXPECT_EQ(run(DbCommand{true}), 1);
  EXPECT_NE(err_.str().find("database schema version 99 is newer than this program supports"),
            std::string::npos)
      << err_.str();
}

TEST_F(DbCommandTest, NoSubcommandIsAUsageError) {
  EXPECT_EQ(run(DbCommand{}), 2);
}

}  // namespace
}  // namespace bmcp::app
