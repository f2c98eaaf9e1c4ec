#pragma once

#include <iosfwd>

#include "app/user_store_factory.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace bmcp::app {

// `blender-mcp db migrate`, as parsed by CLI11.
struct DbCommand {
  bool migrate = false;
};

// Registers `db` and its subcommand on `root` and returns the `db` subcommand. Parsing fills
// `out`, which must outlive `root`.
CLI::App* add_db_subcommands(CLI::App& root, DbCommand& out);

// Brings the schema of the store at `location` up to date (as `serve` does at start-up) and
// says what it did on `out`. 0 on success; 1 with the reason on `err` when the store cannot be
// reached or its schema is newer than this program.
int run_db_command(const DbCommand& command, const StoreLocation& location, std::ostream& out,
                   std::ostream& err);

}  // namespace bmcp::app
