#include "app/user_cli.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <sstream>

#include "auth/data_dir.hpp"
#include "auth/password_hasher.hpp"
#include "auth/sqlite_user_store.hpp"
#include "core/json_text.hpp"
#include "core/random.hpp"

namespace bmcp::app {
namespace {

using auth::SqliteUserStore;
using auth::UserStore;

// Parses a command line the way main does.
UserCommand parse(std::vector<std::string> args) {
  CLI::App root("blender-mcp");
  UserCommand command;
  add_user_subcommands(root, command);
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  root.parse(args);
  return command;
}

UserCommand command_of(UserCommand::Action action, std::string username = "") {
  UserCommand command;
  command.action = action;
  command.username = std::move(username);
  command.password_stdin = true;
  return command;
}

class UserCliTest : public ::testing::Test {
 protected:
  ~UserCliTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  int run(const UserCommand& command, const std::string& stdin_text = "",
          bool stdin_is_tty = false) {
    std::istringstream in(stdin_text);
    out_.str("");
    err_.str("");
    return run_user_command(command, data_dir_, clock_,
                            UserCliIo{in, out_, err_, stdin_is_tty, /*echo_fd=*/-1});
  }

  int add(const std::string& username, std::vector<std::string> roles = {}) {
    auto command = command_of(UserCommand::Action::kAdd, username);
    command.roles = std::move(roles);
    return run(command, "password-of-" + username + "\n");
  }

  std::unique_ptr<UserStore> store() {
    auto opened = SqliteUserStore::open(auth::database_file(data_dir_), clock_);
    EXPECT_TRUE(opened.ok());
    return std::move(opened).value();
  }

  bool password_is(const std::string& username, const std::string& password) {
    const auto user = store()->find(username);
    return user.ok() && hasher().verify(user->password_hash, password);
  }

  static const auth::PasswordHasher& hasher() {
    static const auth::PasswordHasher instance;
    return instance;
  }

  std::filesystem::path root_ =
      std::filesystem::temp_directory_path() / ("bmcp-user-cli-test-" + random_hex(8));
  std::filesystem::path data_dir_ = root_ / "data";
  FakeClock clock_;
  std::ostringstream out_;
  std::ostringstream err_;
};

// --- parsing -------------------------------------------------------------------------------

TEST(UserCliParsing, AddCollectsRepeatedRolesAndScopes) {
  const auto command = parse({"user", "add", "alice", "--role", "admin", "--role", "user",
                              "--scope", "*", "--password-stdin"});
  EXPECT_EQ(command.action, UserCommand::Action::kAdd);
  EXPECT_EQ(command.username, "alice");
  EXPECT_EQ(command.roles, (std::vector<std::string>{"admin", "user"}));
  EXPECT_EQ(command.scopes, std::vector<std::string>{"*"});
  EXPECT_TRUE(command.password_stdin);
}

TEST(UserCliParsing, ARoleTakesOneValueSoTheUsernameMayFollowIt) {
  const auto command = parse({"user", "add", "--role", "admin", "alice"});
  EXPECT_EQ(command.username, "alice");
  EXPECT_EQ(command.roles, std::vector<std::string>{"admin"});
  EXPECT_FALSE(command.password_stdin);
}

TEST(UserCliParsing, EachSubcommandSetsItsAction) {
  EXPECT_EQ(parse({"user", "passwd", "alice"}).action, UserCommand::Action::kPasswd);
  EXPECT_EQ(parse({"user", "remove", "alice"}).action, UserCommand::Action::kRemove);
  EXPECT_EQ(parse({"user", "list"}).action, UserCommand::Action::kList);
  EXPECT_TRUE(parse({"user", "list", "--json"}).json);
}

TEST(UserCliParsing, UserWithoutASubcommandIsAUsageError) {
  EXPECT_THROW(parse({"user"}), CLI::ParseError);
}

TEST(UserCliParsing, AddWithoutAUsernameIsAUsageError) {
  EXPECT_THROW(parse({"user", "add"}), CLI::ParseError);
}

// --- add -----------------------------------------------------------------------------------

TEST_F(UserCliTest, AddCreatesAUserWithTheDefaultRolesAndScopes) {
  ASSERT_EQ(add("alice"), kExitOk) << err_.str();
  const auto user = store()->find("alice");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->roles, std::vector<std::string>{"user"});
  EXPECT_EQ(user->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_TRUE(password_is("alice", "password-of-alice"));
}

TEST_F(UserCliTest, AddUsesTheGivenRolesAndScopes) {
  auto command = command_of(UserCommand::Action::kAdd, "root");
  command.roles = {"admin", "user"};
  command.scopes = {"*"};
  ASSERT_EQ(run(command, "long-enough\n"), kExitOk);
  const auto user = store()->find("root");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->roles, (std::vector<std::string>{"admin", "user"}));
  EXPECT_EQ(user->scopes, std::vector<std::string>{"*"});
}

TEST_F(UserCliTest, AddingAnExistingUserExitsOne) {
  ASSERT_EQ(add("alice"), kExitOk);
  EXPECT_EQ(add("alice"), kExitFailure);
}

TEST_F(UserCliTest, AnInvalidUsernameExitsTwo) {
  EXPECT_EQ(add("-alice"), kExitUsage);
  EXPECT_EQ(run(command_of(UserCommand::Action::kRemove, "a b")), kExitUsage);
}

TEST_F(UserCliTest, AnEmptyRoleExitsTwo) {
  EXPECT_EQ(add("alice", {""}), kExitUsage);
}

TEST_F(UserCliTest, OnlyTheFirstLineOfStdinIsThePassword) {
  ASSERT_EQ(run(command_of(UserCommand::Action::kAdd, "alice"), "first-line\r\nsecond\n"), kExitOk);
  EXPECT_TRUE(password_is("alice", "first-line"));
}

TEST_F(UserCliTest, WithoutATerminalOrPasswordStdinTheCommandExitsTwo) {
  auto command = command_of(UserCommand::Action::kAdd, "alice");
  command.password_stdin = false;
  EXPECT_EQ(run(command, "ignored\n", /*stdin_is_tty=*/false), kExitUsage);
  EXPECT_FALSE(store()->find("alice").ok());
}

TEST_F(UserCliTest, AnEmptyPasswordIsRefusedWithExitTwo) {
  EXPECT_EQ(run(command_of(UserCommand::Action::kAdd, "alice"), "\n"), kExitUsage);
  EXPECT_EQ(run(command_of(UserCommand::Action::kAdd, "alice"), ""), kExitUsage);
  EXPECT_FALSE(store()->find("alice").ok());
}

TEST_F(UserCliTest, AShortPasswordIsAcceptedWithAWarning) {
  ASSERT_EQ(run(command_of(UserCommand::Action::kAdd, "alice"), "short\n"), kExitOk);
  EXPECT_NE(err_.str().find("warning"), std::string::npos);
  EXPECT_TRUE(password_is("alice", "short"));
}

TEST_F(UserCliTest, OnATerminalThePasswordIsAskedTwice) {
  auto command = command_of(UserCommand::Action::kAdd, "alice");
  command.password_stdin = false;
  ASSERT_EQ(run(command, "typed-twice\ntyped-twice\n", /*stdin_is_tty=*/true), kExitOk);
  EXPECT_TRUE(password_is("alice", "typed-twice"));
}

TEST_F(UserCliTest, TwoDifferentEntriesOnATerminalExitTwo) {
  auto command = command_of(UserCommand::Action::kAdd, "alice");
  command.password_stdin = false;
  EXPECT_EQ(run(command, "typed-once\ntyped-twice\n", /*stdin_is_tty=*/true), kExitUsage);
  EXPECT_FALSE(store()->find("alice").ok());
}

TEST_F(UserCliTest, TheDataDirectoryIsCreatedWithMode0700) {
  ASSERT_EQ(run(command_of(UserCommand::Action::kList)), kExitOk);
  struct stat info {};
  ASSERT_EQ(::stat(data_dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777u, 0700u);
  EXPECT_TRUE(std::filesystem::exists(data_dir_ / "blender-mcp.db"));
  ASSERT_EQ(::stat((data_dir_ / "blender-mcp.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777u, 0600u);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(UserCliTest, AWideDataDirectoryAndDatabaseAreMadePrivateWithAWarningEach) {
  ASSERT_EQ(add("alice"), kExitOk);
  std::filesystem::permissions(data_dir_, std::filesystem::perms(0755));
  std::filesystem::permissions(data_dir_ / "blender-mcp.db", std::filesystem::perms(0644));
  ASSERT_EQ(run(command_of(UserCommand::Action::kList)), kExitOk);
  struct stat info {};
  ASSERT_EQ(::stat(data_dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777u, 0700u);
  ASSERT_EQ(::stat((data_dir_ / "blender-mcp.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777u, 0600u);
  EXPECT_EQ(err_.str(), "warning: data directory " + data_dir_.string() +
                            " had mode 0755, open to other users; changed it to 0700\n"
                            "warning: file " +
                            (data_dir_ / "blender-mcp.db").string() +
                            " had mode 0644, open to other users; changed it to 0600\n");
  EXPECT_NE(out_.str().find("alice"), std::string::npos);
}

// --- passwd --------------------------------------------------------------------------------

TEST_F(UserCliTest, PasswdSetsThePasswordAndRevokesRefreshTokens) {
  ASSERT_EQ(add("alice"), kExitOk);
  const auto now = static_cast<std::int64_t>(clock_.unix_seconds());
  ASSERT_TRUE(store()->record_refresh("jti-1", "alice", now, now + 3600).ok());
  ASSERT_EQ(run(command_of(UserCommand::Action::kPasswd, "alice"), "brand-new-pw\n"), kExitOk);
  EXPECT_TRUE(password_is("alice", "brand-new-pw"));
  EXPECT_FALSE(store()->rotate_refresh("jti-1", now));
}

TEST_F(UserCliTest, PasswdOfAMissingUserExitsOne) {
  EXPECT_EQ(run(command_of(UserCommand::Action::kPasswd, "nobody"), "brand-new-pw\n"),
            kExitFailure);
}

TEST_F(UserCliTest, PasswdWithAnEmptyPasswordExitsTwoAndKeepsTheOldOne) {
  ASSERT_EQ(add("alice"), kExitOk);
  EXPECT_EQ(run(command_of(UserCommand::Action::kPasswd, "alice"), "\n"), kExitUsage);
  EXPECT_TRUE(password_is("alice", "password-of-alice"));
}

// --- remove --------------------------------------------------------------------------------

TEST_F(UserCliTest, RemoveDeletesTheUserAndRevokesItsRefreshTokens) {
  ASSERT_EQ(add("root", {"admin"}), kExitOk);
  ASSERT_EQ(add("alice"), kExitOk);
  const auto now = static_cast<std::int64_t>(clock_.unix_seconds());
  ASSERT_TRUE(store()->record_refresh("jti-1", "alice", now, now + 3600).ok());
  ASSERT_EQ(run(command_of(UserCommand::Action::kRemove, "alice")), kExitOk);
  EXPECT_FALSE(store()->find("alice").ok());
  ASSERT_EQ(add("alice"), kExitOk);
  EXPECT_FALSE(store()->rotate_refresh("jti-1", now));
}

TEST_F(UserCliTest, RemoveRefusesTheLastAdminWithExitOne) {
  ASSERT_EQ(add("root", {"admin"}), kExitOk);
  EXPECT_EQ(run(command_of(UserCommand::Action::kRemove, "root")), kExitFailure);
  EXPECT_TRUE(store()->find("root").ok());
}

TEST_F(UserCliTest, RemoveOfAMissingUserExitsOne) {
  EXPECT_EQ(run(command_of(UserCommand::Action::kRemove, "nobody")), kExitFailure);
}

// --- list ----------------------------------------------------------------------------------

TEST_F(UserCliTest, ListPrintsATableWithTheContractColumns) {
  ASSERT_EQ(add("root", {"admin", "user"}), kExitOk);
  ASSERT_EQ(add("alice"), kExitOk);
  ASSERT_EQ(run(command_of(UserCommand::Action::kList)), kExitOk);
  // The fake clock reads 2025-11-21T12:00:00Z.
  EXPECT_EQ(out_.str(),
            "USERNAME  ROLES       SCOPES      CREATED\n"
            "alice     user        read,write  2025-11-21T12:00:00Z\n"
            "root      admin,user  read,write  2025-11-21T12:00:00Z\n");
}

TEST_F(UserCliTest, ListWithJsonPrintsAnArrayOfUsers) {
  ASSERT_EQ(add("alice"), kExitOk);
  auto command = command_of(UserCommand::Action::kList);
  command.json = true;
  ASSERT_EQ(run(command), kExitOk);
  const auto parsed = parse_json(out_.str());
  ASSERT_TRUE(parsed.has_value());
  const json::value expected = json::array{json::object{{"username", "alice"},
                                                        {"roles", json::array{"user"}},
                                                        {"scopes", json::array{"read", "write"}},
                                                        {"created_at", clock_.unix_seconds()}}};
  EXPECT_EQ(*parsed, expected);
}

TEST_F(UserCliTest, ListOfAnEmptyStoreIsJustTheHeader) {
  ASSERT_EQ(run(command_of(UserCommand::Action::kList)), kExitOk);
  EXPECT_EQ(out_.str(), "USERNAME  ROLES  SCOPES  CREATED\n");
}

TEST_F(UserCliTest, NoCommandExitsTwo) {
  EXPECT_EQ(run(UserCommand{}), kExitUsage);
}

}  // namespace
}  // namespace bmcp::app
