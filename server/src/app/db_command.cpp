#include "app/db_command.hpp"

#include <CLI/CLI.hpp>
#include <ostream>

namespace bmcp::app {

CLI::App* add_db_subcommands(CLI::App& root, DbCommand& out) {
  auto* db = root.add_subcommand("db", "Manage the user store's database");
  db->require_subcommand(1);
  auto* migrate = db->add_subcommand(
      "migrate", "Bring the schema up to date (serve and the user commands also do this)");
  migrate->callback([&out] { out.migrate = true; });
  return db;
}

int run_db_command(const DbCommand& command, const StoreLocation& location, std::ostream& out,
                   std::ostream& err) {
  if (!command.migrate) {
    err << "error: no db command given (migrate)\n";
    return 2;
  }
  const auto migrated = migrate_store(location);
  if (!migrated) {
    err << "error: " << migrated.error().message << '\n';
    return 1;
  }
  if (migrated->from_version == migrated->to_version) {
    out << migrated->description << ": schema already at version " << migrated->to_version << '\n';
  } else {
    out << migrated->description << ": schema migrated from version " << migrated->from_version
        << " to " << migrated->to_version << '\n';
  }
  return 0;
}

}  // namespace bmcp::app
