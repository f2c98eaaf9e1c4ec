#include "app/user_cli.hpp"

#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <ctime>
#include <istream>
#include <optional>
#include <ostream>

#include "auth/data_dir.hpp"
#include "auth/password_hasher.hpp"
#include "auth/private_files.hpp"
#include "auth/user_store.hpp"
#include "core/json_text.hpp"

namespace bmcp::app {

namespace {

using auth::UserRecord;
using auth::UserStore;

constexpr std::size_t kShortPasswordWarning = 8;

// Turns echo off on a terminal while alive; does nothing when `fd` is not a terminal.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (fd_ >= 0 && ::tcgetattr(fd_, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~EchoOff() {
    if (active_) {
      ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

std::string read_line(std::istream& in) {
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

std::string prompt_hidden(const char* prompt, UserCliIo& io) {
  io.err << prompt << std::flush;
  std::string line;
  {
    const EchoOff quiet(io.echo_fd);
    line = read_line(io.in);
  }
  io.err << '\n';
  return line;
}

// The new password, or nullopt after telling the user why there is none (exit kExitUsage).
std::optional<std::string> read_new_password(const UserCommand& command, UserCliIo& io) {
  std::string password;
  if (command.password_stdin) {
    password = read_line(io.in);
  } else if (io.stdin_is_tty) {
    password = prompt_hidden("Password: ", io);
    if (prompt_hidden("Repeat password: ", io) != password) {
      io.err << "error: the passwords do not match\n";
      return std::nullopt;
    }
  } else {
    io.err << "error: stdin is not a terminal; pass the password with --password-stdin\n";
    return std::nullopt;
  }
  if (password.empty()) {
    io.err << "error: the password is empty\n";
    return std::nullopt;
  }
  if (password.size() < kShortPasswordWarning) {
    io.err << "warning: the password is shorter than " << kShortPasswordWarning << " characters\n";
  }
  return password;
}

int report(const Error& error, UserCliIo& io) {
  io.err << "error: " << error.message << '\n';
  return kExitFailure;
}

int add_user(const UserCommand& command, UserStore& store, UserCliIo& io) {
  const bool has_empty = std::any_of(command.roles.begin(), command.roles.end(),
                                     [](const auto& r) { return r.empty(); }) ||
                         std::any_of(command.scopes.begin(), command.scopes.end(),
                                     [](const auto& s) { return s.empty(); });
  if (has_empty) {
    io.err << "error: roles and scopes must not be empty\n";
    return kExitUsage;
  }
  // Checked before asking for a password that would be thrown away.
  if (store.find(command.username)) {
    io.err << "error: user '" << command.username << "' already exists\n";
    return kExitFailure;
  }
  const auto password = read_new_password(command, io);
  if (!password) {
    return kExitUsage;
  }
  const auth::PasswordHasher hasher;
  UserRecord record{command.username, hasher.hash(*password),
                    command.roles.empty() ? auth::default_user_roles() : command.roles,
                    command.scopes.empty() ? auth::default_user_scopes() : command.scopes};
  if (auto added = store.add(record); !added) {
    return report(added.error(), io);
  }
  io.out << "Added user '" << command.username << "'\n";
  return kExitOk;
}

int change_password(const UserCommand& command, UserStore& store, auth::OAuthStore* oauth,
                    UserCliIo& io) {
  if (auto existing = store.find(command.username); !existing) {
    return report(existing.error(), io);
  }
  const auto password = read_new_password(command, io);
  if (!password) {
    return kExitUsage;
  }
  const auth::PasswordHasher hasher;
  if (auto set = store.set_password(command.username, hasher.hash(*password)); !set) {
    return report(set.error(), io);
  }
  store.revoke_refresh_tokens(command.username);
  // The grants the user made to OAuth clients end too (docs/authorization.md).
  if (oauth != nullptr)
    oauth->revoke_user(command.username);
  io.out << "Changed the password of '" << command.username << "' and revoked its refresh tokens\n";
  return kExitOk;
}

int remove_user(const UserCommand& command, UserStore& store, UserCliIo& io) {
  if (auto removed = store.remove(command.username, auth::RemovePolicy::kKeepLastAdmin); !removed) {
    return report(removed.error(), io);
  }
  io.out << "Removed user '" << command.username << "' and revoked its refresh tokens\n";
  return kExitOk;
}

std::string join(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) {
    joined += (joined.empty() ? "" : ",") + item;
  }
  return joined;
}

std::string utc_timestamp(double unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32];
  const auto size = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return std::string(text, size);
}

void print_table(const std::vector<UserRecord>& users, std::ostream& out) {
  std::vector<std::array<std::string, 4>> rows{{"USERNAME", "ROLES", "SCOPES", "CREATED"}};
  for (const auto& user : users) {
    rows.push_back(
        {user.username, join(user.roles), join(user.scopes), utc_timestamp(user.created_at)});
  }
  std::array<std::size_t, 4> widths{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(widths[i] - row[i].size() + 2, ' ');
      }
    }
    out << line << '\n';
  }
}

void print_json(const std::vector<UserRecord>& users, std::ostream& out) {
  const auto strings = [](const std::vector<std::string>& items) {
    return json::array(items.begin(), items.end());
  };
  json::array array;
  for (const auto& user : users) {
    array.push_back(json::object{{"username", user.username},
                                 {"roles", strings(user.roles)},
                                 {"scopes", strings(user.scopes)},
                                 {"created_at", user.created_at}});
  }
  out << to_json_text(array) << '\n';
}

int list_users(const UserCommand& command, UserStore& store, UserCliIo& io) {
  const auto users = store.list();
  if (command.json) {
    print_json(users, io.out);
  } else {
    print_table(users, io.out);
  }
  return kExitOk;
}

int dispatch(const UserCommand& command, UserStore& store, auth::OAuthStore* oauth, UserCliIo& io) {
  switch (command.action) {
    case UserCommand::Action::kAdd:
      return add_user(command, store, io);
    case UserCommand::Action::kPasswd:
      return change_password(command, store, oauth, io);
    case UserCommand::Action::kRemove:
      return remove_user(command, store, io);
    case UserCommand::Action::kList:
      return list_users(command, store, io);
    case UserCommand::Action::kNone:
      break;
  }
  return kExitUsage;
}

bool names_a_user(UserCommand::Action action) {
  return action == UserCommand::Action::kAdd || action == UserCommand::Action::kPasswd ||
         action == UserCommand::Action::kRemove;
}

}  // namespace

CLI::App* add_user_subcommands(CLI::App& root, UserCommand& out) {
  auto* user = root.add_subcommand("user", "Manage the users of the user store");
  user->require_subcommand(1);
  const auto on = [&out](CLI::App* command, UserCommand::Action action) {
    command->callback([&out, action] { out.action = action; });
  };

  auto* add = user->add_subcommand("add", "Create a user");
  add->add_option("username", out.username, "The new user's name")->required();
  add->add_option("--role", out.roles, "A role (repeatable; default: user)")
      ->allow_extra_args(false);
  add->add_option("--scope", out.scopes, "A scope (repeatable; default: read, write)")
      ->allow_extra_args(false);
  add->add_flag("--password-stdin", out.password_stdin, "Read the password from stdin");
  on(add, UserCommand::Action::kAdd);

  auto* passwd = user->add_subcommand("passwd", "Set a user's password");
  passwd->add_option("username", out.username, "The user")->required();
  passwd->add_flag("--password-stdin", out.password_stdin, "Read the password from stdin");
  on(passwd, UserCommand::Action::kPasswd);

  auto* remove = user->add_subcommand("remove", "Delete a user");
  remove->add_option("username", out.username, "The user")->required();
  on(remove, UserCommand::Action::kRemove);

  auto* list = user->add_subcommand("list", "List the users");
  list->add_flag("--json", out.json, "Print a JSON array");
  on(list, UserCommand::Action::kList);
  return user;
}

int run_user_command(const UserCommand& command, const StoreLocation& location, const Clock& clock,
                     UserCliIo io) {
  if (command.action == UserCommand::Action::kNone) {
    io.err << "error: no user command given (add, passwd, remove, list)\n";
    return kExitUsage;
  }
  if (names_a_user(command.action) && !auth::is_valid_username(command.username)) {
    io.err << "error: invalid username '" << command.username
           << "' (letters, digits, '.', '_', '-'; up to 64; starting with a letter or digit)\n";
    return kExitUsage;
  }
  if (!location.database_url) {
    if (auto made = auth::ensure_data_dir(location.data_dir); !made) {
      return report(made.error(), io);
    }
    for (const auto& warning : auth::tighten_private_files(location.data_dir)) {
      io.err << "warning: " << warning << '\n';
    }
  }
  auto store = open_command_store(location, clock);
  if (!store) {
    return report(store.error(), io);
  }
  try {
    return dispatch(command, *store->users, store->oauth.get(), io);
  } catch (const auth::StoreError& error) {
    io.err << "error: " << error.what() << '\n';
    return kExitFailure;
  }
}

int run_user_command(const UserCommand& command, const std::filesystem::path& data_dir,
                     const Clock& clock, UserCliIo io) {
  return run_user_command(command, StoreLocation{std::nullopt, data_dir}, clock, io);
}

int run_user_command(const UserCommand& command, const StoreLocation& location, std::istream& in,
                     std::ostream& out, std::ostream& err, bool stdin_is_tty) {
  const SystemClock clock;
  return run_user_command(command, location, clock,
                          UserCliIo{in, out, err, stdin_is_tty, STDIN_FILENO});
}

}  // namespace bmcp::app
