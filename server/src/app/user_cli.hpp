#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "app/user_store_factory.hpp"
#include "core/clock.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace bmcp::app {

// `blender-mcp user add|passwd|remove|list` (contract 3.7), as parsed by CLI11.
struct UserCommand {
  enum class Action { kNone, kAdd, kPasswd, kRemove, kList };
  Action action = Action::kNone;
  std::string username;
  std::vector<std::string> roles;   // add: empty means ["user"]
  std::vector<std::string> scopes;  // add: empty means ["read","write"]
  bool password_stdin = false;
  bool json = false;  // list
};

// Exit codes of the user commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the operation failed (exists, not found, last admin)
inline constexpr int kExitUsage = 2;    // bad input: invalid username, no usable password

// Registers `user` and its four subcommands on `root` and returns the `user` subcommand.
// Parsing fills `out`, which must outlive `root`.
CLI::App* add_user_subcommands(CLI::App& root, UserCommand& out);

// Where the command reads and writes. `stdin_is_tty` selects how a password is read: from a
// terminal, twice with echo off (prompts on `err`); otherwise only with --password-stdin (the
// first line of `in`), and without it the command exits kExitUsage.
struct UserCliIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool stdin_is_tty = false;
  // The terminal whose echo is off while a password is typed (default: stdin); -1 leaves every
  // terminal alone.
  int echo_fd = 0;
};

// Runs a parsed command against the user store at `location`: PostgreSQL, or
// <data_dir>/blender-mcp.db, creating the data directory (mode 0700) when missing, and first
// taking group and other access away from it and its secret files (auth::tighten_private_files;
// a warning on io.err for each). Returns kExitOk, kExitFailure or kExitUsage; messages go to
// io.err. Passwords: an empty one, or two entries that differ, exit kExitUsage; one shorter than
// 8 characters is accepted with a warning.
int run_user_command(const UserCommand& command, const StoreLocation& location, const Clock& clock,
                     UserCliIo io);
// The same on the SQLite store of `data_dir`.
int run_user_command(const UserCommand& command, const std::filesystem::path& data_dir,
                     const Clock& clock, UserCliIo io);
// The same on the system clock.
int run_user_command(const UserCommand& command, const StoreLocation& location, std::istream& in,
                     std::ostream& out, std::ostream& err, bool stdin_is_tty);

}  // namespace bmcp::app
