// blender-mcp: the composition root's command line (serve, user, --version).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "app/config.hpp"
#include "app/db_command.hpp"
#include "app/serve.hpp"
#include "app/stdio_command.hpp"
#include "app/user_cli.hpp"
#include "auth/data_dir.hpp"
#include "pgstore/database_url.hpp"

#ifdef BMCP_MIMALLOC
#include <mimalloc.h>
#endif

namespace {

std::optional<std::string> env_lookup(const char* name) {
  const char* value = std::getenv(name);
  if (!value)
    return std::nullopt;
  return std::string(value);
}

// Where the `user` and `db` commands find the store: --database-url, else
// BLENDER_MCP_DATABASE_URL, else the SQLite file of the data directory. nullopt after telling
// why there is none (exit 2).
std::optional<bmcp::app::StoreLocation> command_store_location(
    const std::optional<std::string>& database_url, const std::optional<std::string>& data_dir) {
  using namespace bmcp;
  std::optional<std::string> url = database_url;
  std::string source = "--database-url";
  if (!url || url->empty()) {
    url = auth::process_env("BLENDER_MCP_DATABASE_URL");
    source = "BLENDER_MCP_DATABASE_URL";
  }
  if (url && !url->empty()) {
    if (auto checked = pgstore::check_database_url(source, *url); !checked) {
      std::cerr << "error: " << checked.error().message << "\n";
      return std::nullopt;
    }
    return app::StoreLocation{url, {}};
  }
  auto dir = auth::resolve_data_dir(data_dir, auth::process_env);
  if (!dir) {
    std::cerr << dir.error().message << "\n";
    return std::nullopt;
  }
  return app::StoreLocation{std::nullopt, *dir};
}

// What serves malloc in this process. With mimalloc linked (BMCP_MIMALLOC), a block from malloc()
// is looked up in mimalloc's heap, so the log says whether the override took effect.
std::string memory_allocator() {
#ifdef BMCP_MIMALLOC
  const int version = mi_version();  // e.g. 209 for 2.0.9
  void* probe = std::malloc(64);
  const bool overridden = mi_is_in_heap_region(probe);
  std::free(probe);
  return "mimalloc " + std::to_string(version / 100) + "." + std::to_string(version / 10 % 10) +
         "." + std::to_string(version % 10) +
         (overridden ? "" : " (linked, but malloc is still the C library's)");
#else
  return "the C library's malloc";
#endif
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bmcp;
  CLI::App root{"blender-mcp: a multi-user MCP server for Blender", "blender-mcp"};
  root.set_version_flag("--version", std::string(app::kVersion));
  root.require_subcommand(0, 1);

  app::ServeFlags flags;
  std::optional<std::string> data_dir;
  root.add_option("--data-dir", data_dir, "Data directory (users, tokens, signing key)");
  std::optional<std::string> database_url;
  root.add_option("--database-url", database_url,
                  "Keep users, tokens and the signing key in PostgreSQL (postgresql://...)");

  auto* serve = root.add_subcommand("serve", "Run the HTTP server (the default)");
  auto add_serve_options = [&flags](CLI::App* app) {
    app->add_option("--host", flags.host, "Bind address (default 127.0.0.1)");
    app->add_option("--port", flags.port, "Bind port (default 8000; 0 picks a free port)");
    app->add_option("--config", flags.config_file, "TOML configuration file")
        ->check(CLI::ExistingFile);
    app->add_option("--log-level", flags.log_level, "debug, info, warning or error");
    app->add_option("--redis-url", flags.redis_url,
                    "Run as a node of a cluster sharing buses and jobs in Redis "
                    "(redis://[:password@]host[:port][/db]; docs/cluster.md)");
    app->add_option("--node-id", flags.node_id,
                    "This node's id in the cluster (default: generated at start-up)");
    app->add_option("--log-format", flags.log_format,
                    "text (default) or json: one JSON object per log line");
    app->add_option("--metrics-bind", flags.metrics_bind,
                    "HOST:PORT of a second listener that serves GET /metrics without "
                    "authentication (default: /metrics on the main listener, admins only)");
    app->add_option("--threads", flags.threads, "I/O threads (default 2)");
    app->add_option("--busy-poll-us", flags.busy_poll_us,
                    "Microseconds each I/O thread keeps polling after its last event before it "
                    "sleeps: lower latency for a busy core (default 0, sleep at once; max 10000)");
    app->add_option("--max-connections", flags.max_connections,
                    "Connections served at once (default and ceiling: RLIMIT_NOFILE - 80)");
    app->add_option("--max-image-bytes", flags.max_image_bytes,
                    "Decoded image bytes one Blender reply may carry (default 4194304)");
    app->add_option("--trusted-proxy", flags.trusted_proxies,
                    "Reverse proxy address or CIDR block whose X-Forwarded-For names the client "
                    "(repeatable, or comma-separated)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--public-url", flags.public_url,
                    "The URL clients reach this server at, e.g. https://blender.example.com "
                    "behind a TLS proxy (OAuth issuer and resource; default: the bind address)");
    app->add_option("--oauth-metadata-allow", flags.oauth_metadata_allow,
                    "Address, CIDR block or HOST[:PORT] whose client metadata documents may be "
                    "fetched although it is not a public address (repeatable, or "
                    "comma-separated; docs/authorization.md)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--oauth-metadata-ca-file", flags.oauth_metadata_ca_file,
                    "PEM file of CA certificates trusted, besides the system's, when fetching "
                    "client metadata documents");
    app->add_option("--oidc-issuer", flags.oidc_issuer,
                    "Issuer URL of an external OpenID provider whose access tokens /mcp accepts "
                    "(docs/authorization.md)");
    app->add_option("--oidc-audience", flags.oidc_audience,
                    "The aud its tokens must name (default: the public /mcp URL)");
    app->add_option("--oidc-user-claim", flags.oidc_user_claim,
                    "The token claim that is the user name (default: sub)");
    app->add_option("--oidc-roles-claim", flags.oidc_roles_claim,
                    "The token claim (a dotted path) listing roles; 'admin' among them gives the "
                    "role admin (default: none, every such user has the role user)");
    app->add_flag("--conformance-fixtures", flags.conformance_fixtures,
                  "Test option: register the test_* tools, resources and prompts that the MCP "
                  "conformance suite calls");
  };
  add_serve_options(serve);
  serve->add_option("--data-dir", flags.data_dir, "Data directory");
  serve->add_option("--database-url", flags.database_url,
                    "Keep users, tokens and the signing key in PostgreSQL (postgresql://...)");
  add_serve_options(&root);

  app::StdioFlags stdio_flags;
  auto* stdio = root.add_subcommand(
      "stdio",
      "Serve MCP over stdin/stdout: the diagnostics tools and prompts; with --server, "
      "also everything a running HTTP server offers");
  stdio->add_option("--server", stdio_flags.server,
                    "URL of a running blender-mcp server (http://host:port[/mcp])");
  stdio->add_option("--username", stdio_flags.username, "User to log in as (with --password-env)");
  stdio->add_option("--password-env", stdio_flags.password_env,
                    "Name of the environment variable that holds the password");
  stdio->add_option("--token-env", stdio_flags.token_env,
                    "Name of the environment variable that holds an access token");

  app::UserCommand user_command;
  auto* user = app::add_user_subcommands(root, user_command);
  app::DbCommand db_command;
  auto* db = app::add_db_subcommands(root, db_command);

  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e) == 0 ? 0 : 2;
  }

  if (stdio->parsed())
    return app::run_stdio(stdio_flags);
  if (!flags.data_dir)
    flags.data_dir = data_dir;
  if (!flags.database_url)
    flags.database_url = database_url;
  if (user->parsed() || db->parsed()) {
    const auto location = command_store_location(database_url, data_dir);
    if (!location)
      return app::kExitUsage;
    if (db->parsed())
      return app::run_db_command(db_command, *location, std::cout, std::cerr);
    return app::run_user_command(user_command, *location, std::cin, std::cout, std::cerr,
                                 ::isatty(STDIN_FILENO) != 0);
  }

  auto config = app::load_config(flags, env_lookup);
  if (!config) {
    std::cerr << "blender-mcp: " << config.error() << "\n";
    return 2;
  }
  config->memory_allocator = memory_allocator();
  return app::run_serve(*config);
}
