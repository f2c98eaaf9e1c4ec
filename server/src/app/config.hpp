#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace bmcp::app {

// An address to listen on: an IP address (IPv6 without brackets) and a port (0: a free one).
struct BindAddress {
  std::string host;
  std::uint16_t port = 0;

  friend bool operator==(const BindAddress&, const BindAddress&) = default;
};

// Everything `serve` needs, after defaults, the TOML file, the environment and the flags have
// been merged. Precedence, highest first: command-line flags, environment, TOML file, defaults.
struct ServerConfig {
  // What serves malloc in this binary, for the start-up log (set by main: the binary's link).
  std::string memory_allocator = "the C library's malloc";
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  std::optional<std::string> data_dir;  // resolved later (contract §3.6)
  // The user store in PostgreSQL (docs/user-store.md); unset: the SQLite file in the data dir.
  std::optional<std::string> database_url;
  // Cluster mode (docs/cluster.md): the shared Redis and this node's id (default: generated at
  // start-up). Unset: one node, everything in this process.
  std::optional<std::string> redis_url;
  std::optional<std::string> node_id;
  std::int64_t access_token_expire_minutes = 30;
  std::int64_t refresh_token_expire_days = 7;
  std::int64_t session_idle_seconds = 300;
  // Bus and job bounds (contract §11), validated at start-up like every numeric setting.
  std::int64_t stream_grace_seconds = 15;
  std::int64_t offline_hold_messages = 1000;
  std::int64_t offline_hold_seconds = 120;
  std::int64_t job_retention_seconds = 3600;
  std::int64_t max_retained_jobs = 1000;
  // Byte bounds (docs/architecture.md, "Bounds"). Each must be able to hold one record of
  // max_record_bytes; load_config refuses a combination where it cannot.
  std::int64_t max_record_bytes = 4 << 20;
  std::int64_t user_buffer_bytes = 64 << 20;
  std::int64_t offline_hold_bytes = 16 << 20;
  std::int64_t session_queue_bytes = 16 << 20;
  std::int64_t session_replay_bytes = 2 << 20;
  std::int64_t stream_buffer_bytes = 8 << 20;
  // Seconds between the `: keepalive` comments written on every open event stream, so that
  // proxies and clients see a quiet stream is still alive.
  std::int64_t keepalive_seconds = 15;
  // Decoded image bytes one job reply may carry (docs/images.md); their base64 must fit in a
  // stream buffer and in one request body, with room for the rest of the reply.
  std::int64_t max_image_bytes = 4 << 20;
  std::string log_level = "info";
  // `text` (one line of text per record) or `json` (one JSON object per line); docs/logging.md.
  std::string log_format = "text";
  // A second listener that serves only GET /metrics, without authentication; unset: /metrics
  // is served on the main listener to admins only (docs/metrics.md).
  std::optional<BindAddress> metrics_bind;
  std::vector<std::string> allowed_origins;
  std::size_t threads = 2;
  // Microseconds each I/O thread keeps polling after its last event before it sleeps
  // (http::ServerOptions::busy_poll); 0 sleeps at once.
  std::int64_t busy_poll_us = 0;
  // Connections served at once; nullopt: as many as RLIMIT_NOFILE allows. Either way `serve`
  // lowers it to what the descriptor limit allows (http::effective_max_connections).
  std::optional<std::int64_t> max_connections;
  // Peers (addresses or CIDR blocks, validated) whose X-Forwarded-For names the client.
  std::vector<std::string> trusted_proxies;
  bool conformance_fixtures = false;
  // The absolute http(s) URL clients reach the server at (docs/authorization.md): the OAuth
  // issuer, and the resource (its /mcp) access tokens are for. Unset: the bind address.
  std::optional<std::string> public_url;
  // How long a rotated OAuth refresh token may still be used once (docs/authorization.md).
  std::int64_t oauth_refresh_grace_seconds = 10;
  // Client metadata documents (docs/authorization.md): non-public addresses or hosts that may
  // be fetched all the same (fetch/address_policy.hpp, validated), and a PEM file of CA
  // certificates trusted for the fetches besides the system's.
  std::vector<std::string> oauth_metadata_allow;
  std::optional<std::string> oauth_metadata_ca_file;
  // An external OpenID provider whose access tokens /mcp accepts (docs/authorization.md): its
  // issuer (an https URL), the audience its tokens must name (default: the public /mcp URL),
  // the claim that is the user name, and the claim that holds the roles (none: role `user`).
  // Its documents are fetched as client metadata documents are (oauth_metadata_allow,
  // oauth_metadata_ca_file).
  std::optional<std::string> oidc_issuer;
  std::optional<std::string> oidc_audience;
  std::string oidc_user_claim = "sub";
  std::optional<std::string> oidc_roles_claim;
  // Secrets come only from the environment.
  std::optional<std::string> signing_key;  // OAUTH_SECRET_KEY, else JWT_SECRET
  std::optional<std::string> admin_password;
  std::optional<std::string> demo_password;

  friend bool operator==(const ServerConfig&, const ServerConfig&) = default;
};

// What the command line said (only what was given).
struct ServeFlags {
  std::optional<std::string> host;
  std::optional<std::int64_t> port;
  std::optional<std::string> data_dir;
  std::optional<std::string> database_url;
  std::optional<std::string> redis_url;
  std::optional<std::string> node_id;
  std::optional<std::string> config_file;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  std::optional<std::string> metrics_bind;  // HOST:PORT
  std::optional<std::int64_t> threads;
  std::optional<std::int64_t> busy_poll_us;
  std::optional<std::int64_t> max_connections;
  std::optional<std::int64_t> max_image_bytes;
  // Each --trusted-proxy value; a value may itself be a comma-separated list.
  std::vector<std::string> trusted_proxies;
  std::optional<std::string> public_url;
  // Each --oauth-metadata-allow value; a value may itself be a comma-separated list.
  std::vector<std::string> oauth_metadata_allow;
  std::optional<std::string> oauth_metadata_ca_file;
  std::optional<std::string> oidc_issuer;
  std::optional<std::string> oidc_audience;
  std::optional<std::string> oidc_user_claim;
  std::optional<std::string> oidc_roles_claim;
  bool conformance_fixtures = false;
};

using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// Applies the settings of a TOML document (the text of the config file `path`, which errors
// name) over `config`. Unknown keys, values of the wrong type and refused values fail, naming
// the file, the key and the value; on failure `config` is unchanged.
Result<void, std::string> apply_config_toml(ServerConfig& config, std::string_view text,
                                            std::string_view path);

// Reads HOST:PORT (`[v6]:PORT` for IPv6): the host an IP address, the port 0-65535. The error
// names `source` and says what is wrong.
Result<BindAddress, std::string> parse_bind_address(std::string_view source, std::string_view text);

// Merges the sources. The error names the setting, its source and the value that was refused.
Result<ServerConfig, std::string> load_config(const ServeFlags& flags, const EnvLookup& env);

}  // namespace bmcp::app
