#include "app/config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <tuple>

#include "core/base64.hpp"
#include "core/logging.hpp"
#include "fetch/address_policy.hpp"
#include "http/ip_network.hpp"
#include "http/server.hpp"
#include "oauth/public_url.hpp"
#include "pgstore/database_url.hpp"
#include "redis/redis_url.hpp"

namespace bmcp::app {
namespace {

using Error = std::string;

// Room left, next to the base64 of the images, for the rest of a reply that carries them: the
// envelope and the JSON text of a result that describes pictures.
constexpr std::int64_t kImageReplyRoom = 64 << 10;

std::optional<std::string> non_empty(std::optional<std::string> value) {
  if (value && value->empty())
    return std::nullopt;
  return value;
}

Result<void, Error> check_database_url(std::string_view source, std::string_view url) {
  if (auto checked = pgstore::check_database_url(source, url); !checked) {
    return Unexpected{checked.error().message};
  }
  return {};
}

Result<void, Error> check_public_url(ServerConfig& config, std::string_view source,
                                     std::string_view url) {
  auto checked = oauth::check_public_url(source, url);
  if (!checked)
    return Unexpected{checked.error()};
  config.public_url = std::move(*checked);
  return {};
}

Result<void, Error> check_redis_url(std::string_view source, std::string_view url) {
  if (auto parsed = redis::parse_redis_url(url); !parsed)
    return Unexpected{fmt::format("{}: {}", source, parsed.error())};
  return {};
}

// 1 to 64 letters, digits, '.', '_' or '-': node ids appear in Redis keys and log lines.
Result<void, Error> check_node_id(std::string_view source, std::string_view id) {
  const bool valid =
      !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      });
  if (!valid)
    return Unexpected{fmt::format(
        "{}: '{}' is not a node id (1 to 64 letters, digits, '.', '_' or '-')", source, id)};
  return {};
}

constexpr std::int64_t kMaxKeepaliveSeconds = 3600;

Result<std::int64_t, Error> parse_positive(std::string_view source, std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Unexpected{fmt::format("{} must be a positive integer, got '{}'", source, text)};
  }
  if (value <= 0)
    return Unexpected{fmt::format("{} must be greater than 0, got '{}'", source, text)};
  return value;
}

// Busy polling (ServerOptions::busy_poll) beyond 10 ms would only burn a core for nothing: a
// wake-up costs tens of microseconds.
constexpr std::int64_t kMaxBusyPollMicroseconds = 10'000;

Result<std::int64_t, Error> check_busy_poll(std::string_view source, std::int64_t value) {
  if (value < 0 || value > kMaxBusyPollMicroseconds) {
    return Unexpected{fmt::format("{} must be between 0 and {} (microseconds), got '{}'", source,
                                  kMaxBusyPollMicroseconds, value)};
  }
  return value;
}

Result<std::int64_t, Error> parse_busy_poll(std::string_view source, std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Unexpected{
        fmt::format("{} must be a whole number of microseconds, got '{}'", source, text)};
  }
  return check_busy_poll(source, value);
}

Result<std::uint16_t, Error> check_port(std::string_view source, std::int64_t value,
                                        bool allow_zero) {
  if (value < (allow_zero ? 0 : 1) || value > 65535) {
    return Unexpected{fmt::format("{} must be a port number (1-65535), got '{}'", source, value)};
  }
  return static_cast<std::uint16_t>(value);
}

Result<void, Error> check_log_level(std::string_view source, const std::string& value) {
  if (!parse_server_log_level(value)) {
    return Unexpected{
        fmt::format("{} must be one of debug, info, warning, error, got '{}'", source, value)};
  }
  return {};
}

Result<void, Error> check_log_format(std::string_view source, const std::string& value) {
  if (!parse_log_format(value))
    return Unexpected{fmt::format("{} must be text or json, got '{}'", source, value)};
  return {};
}

// A comma-separated list; blanks around entries and empty entries are dropped.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty())
      out.emplace_back(item);
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// Every entry must be an address or CIDR block; the error names the source and the entry.
Result<void, Error> check_trusted_proxies(std::string_view source,
                                          const std::vector<std::string>& entries) {
  for (const auto& entry : entries) {
    if (auto network = http::IpNetwork::parse(entry); !network)
      return Unexpected{fmt::format("{}: {}", source, network.error())};
  }
  return {};
}

Result<void, Error> check_metadata_allow(std::string_view source,
                                         const std::vector<std::string>& entries) {
  if (auto list = fetch::AllowList::parse(entries); !list)
    return Unexpected{fmt::format("{}: {}", source, list.error())};
  return {};
}

// The four OIDC settings, each with its names in the three places settings come from.
struct OidcSetting {
  const char* flag;
  const char* env;
  const char* key;
  // An https URL (the issuer) or a name without spaces (the other three).
  bool url;
};
constexpr OidcSetting kOidcIssuer{"--oidc-issuer", "BLENDER_MCP_OIDC_ISSUER", "oidc_issuer", true};
constexpr OidcSetting kOidcAudience{"--oidc-audience", "BLENDER_MCP_OIDC_AUDIENCE", "oidc_audience",
                                    false};
constexpr OidcSetting kOidcUserClaim{"--oidc-user-claim", "BLENDER_MCP_OIDC_USER_CLAIM",
                                     "oidc_user_claim", false};
constexpr OidcSetting kOidcRolesClaim{"--oidc-roles-claim", "BLENDER_MCP_OIDC_ROLES_CLAIM",
                                      "oidc_roles_claim", false};

// An issuer is https://host[:port][/path], without query, fragment or user info (it is
// compared with the tokens' iss byte for byte); the others are 1 to 256 visible ASCII
// characters.
Result<void, Error> check_oidc_value(std::string_view source, const OidcSetting& setting,
                                     std::string_view value) {
  const bool visible =
      !value.empty() && value.size() <= 256 &&
      std::all_of(value.begin(), value.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (!visible) {
    return Unexpected{
        fmt::format("{}: '{}' is not 1 to 256 visible ASCII characters", source, value)};
  }
  if (!setting.url)
    return {};
  const std::string_view scheme = "https://";
  const auto rest = value.starts_with(scheme) ? value.substr(scheme.size()) : std::string_view();
  const auto host_end = rest.find('/');
  const auto authority = rest.substr(0, host_end);
  if (authority.empty() || authority.front() == ':' ||
      value.find_first_of("?#") != std::string_view::npos ||
      authority.find('@') != std::string_view::npos) {
    return Unexpected{
        fmt::format("{}: '{}' is not an https URL without query or fragment (e.g. "
                    "https://id.example.com/realms/main)",
                    source, value)};
  }
  return {};
}

Result<void, Error> set_oidc_value(ServerConfig& config, std::string_view source,
                                   const OidcSetting& setting, std::string value) {
  if (auto ok = check_oidc_value(source, setting, value); !ok)
    return ok;
  if (&setting == &kOidcIssuer)
    config.oidc_issuer = std::move(value);
  else if (&setting == &kOidcAudience)
    config.oidc_audience = std::move(value);
  else if (&setting == &kOidcUserClaim)
    config.oidc_user_claim = std::move(value);
  else
    config.oidc_roles_claim = std::move(value);
  return {};
}

Result<void, Error> apply_toml_file(ServerConfig& config, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return Unexpected{fmt::format("config file {}: is a directory, not a file", path)};
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return Unexpected{fmt::format("config file {}: cannot be opened for reading ({})", path,
                                  std::strerror(errno))};
  }
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad())
    return Unexpected{fmt::format("config file {}: reading failed", path)};
  return apply_config_toml(config, text, path);
}

Result<void, Error> apply_toml_table(ServerConfig& config, const toml::table& table,
                                     std::string_view path) {
  static const std::set<std::string, std::less<>> kKnown = {"host",
                                                            "port",
                                                            "data_dir",
                                                            "database_url",
                                                            "redis_url",
                                                            "node_id",
                                                            "access_token_expire_minutes",
                                                            "refresh_token_expire_days",
                                                            "session_idle_seconds",
                                                            "log_level",
                                                            "metrics_bind",
                                                            "log_format",
                                                            "allowed_origins",
                                                            "threads",
                                                            "busy_poll_us",
                                                            "max_connections",
                                                            "trusted_proxies",
                                                            "public_url",
                                                            "oauth_metadata_allow",
                                                            "oauth_metadata_ca_file",
                                                            "oidc_issuer",
                                                            "oidc_audience",
                                                            "oidc_user_claim",
                                                            "oidc_roles_claim"};
  for (const auto& [key, node] : table) {
    if (!kKnown.contains(key.str())) {
      return Unexpected{fmt::format("config file {}: unknown key '{}'", path, key.str())};
    }
  }
  auto wrong_type = [&path](std::string_view key, std::string_view expected) {
    return Unexpected{fmt::format("config file {}: '{}' must be {}", path, key, expected)};
  };
  auto string_of = [&](std::string_view key, auto& target) -> Result<void, Error> {
    if (const auto* node = table.get(key)) {
      if (!node->is_string())
        return wrong_type(key, "a string");
      target = node->value<std::string>().value();
    }
    return {};
  };
  auto positive_of = [&](std::string_view key, std::int64_t& target) -> Result<void, Error> {
    if (const auto* node = table.get(key)) {
      if (!node->is_integer())
        return wrong_type(key, "an integer");
      const auto value = node->value<std::int64_t>().value();
      if (value <= 0) {
        return Unexpected{
            fmt::format("config file {}: '{}' must be greater than 0, got '{}'", path, key, value)};
      }
      target = value;
    }
    return {};
  };
  for (auto result :
       {string_of("host", config.host), string_of("log_level", config.log_level),
        positive_of("access_token_expire_minutes", config.access_token_expire_minutes),
        positive_of("refresh_token_expire_days", config.refresh_token_expire_days),
        positive_of("session_idle_seconds", config.session_idle_seconds)}) {
    if (!result)
      return result;
  }
  if (const auto* node = table.get("log_format")) {
    if (!node->is_string())
      return wrong_type("log_format", "a string");
    config.log_format = node->value<std::string>().value();
    if (auto ok =
            check_log_format(fmt::format("config file {}: 'log_format'", path), config.log_format);
        !ok) {
      return ok;
    }
  }
  if (const auto* node = table.get("metrics_bind")) {
    if (!node->is_string())
      return wrong_type("metrics_bind", "a string");
    auto bind = parse_bind_address(fmt::format("config file {}: 'metrics_bind'", path),
                                   node->value<std::string>().value());
    if (!bind)
      return Unexpected{bind.error()};
    config.metrics_bind = *bind;
  }
  if (const auto* node = table.get("data_dir")) {
    if (!node->is_string())
      return wrong_type("data_dir", "a string");
    config.data_dir = node->value<std::string>().value();
  }
  if (const auto* node = table.get("database_url")) {
    if (!node->is_string())
      return wrong_type("database_url", "a string");
    config.database_url = node->value<std::string>().value();
    if (auto ok = check_database_url(fmt::format("config file {}: 'database_url'", path),
                                     *config.database_url);
        !ok) {
      return ok;
    }
  }
  if (const auto* node = table.get("public_url")) {
    if (!node->is_string())
      return wrong_type("public_url", "a string");
    if (auto ok = check_public_url(config, fmt::format("config file {}: 'public_url'", path),
                                   node->value<std::string>().value());
        !ok) {
      return ok;
    }
  }
  for (const auto& [key, field, check] :
       {std::tuple{"redis_url", &ServerConfig::redis_url, &check_redis_url},
        std::tuple{"node_id", &ServerConfig::node_id, &check_node_id}}) {
    if (const auto* node = table.get(key)) {
      if (!node->is_string())
        return wrong_type(key, "a string");
      const auto value = node->value<std::string>().value();
      if (auto ok = check(fmt::format("config file {}: '{}'", path, key), value); !ok)
        return ok;
      config.*field = value;
    }
  }
  if (const auto* node = table.get("port")) {
    if (!node->is_integer())
      return wrong_type("port", "an integer");
    auto port = check_port(fmt::format("config file {}: 'port'", path),
                           node->value<std::int64_t>().value(), false);
    if (!port)
      return Unexpected{port.error()};
    config.port = *port;
  }
  if (const auto* node = table.get("threads")) {
    if (!node->is_integer() || node->value<std::int64_t>().value() <= 0) {
      return wrong_type("threads", "a positive integer");
    }
    config.threads = static_cast<std::size_t>(node->value<std::int64_t>().value());
  }
  if (const auto* node = table.get("busy_poll_us")) {
    if (!node->is_integer())
      return wrong_type("busy_poll_us", "an integer");
    auto value = check_busy_poll(fmt::format("config file {}: 'busy_poll_us'", path),
                                 node->value<std::int64_t>().value());
    if (!value)
      return Unexpected{value.error()};
    config.busy_poll_us = *value;
  }
  if (const auto* node = table.get("max_connections")) {
    if (!node->is_integer() || node->value<std::int64_t>().value() <= 0) {
      return wrong_type("max_connections", "a positive integer");
    }
    config.max_connections = node->value<std::int64_t>().value();
  }
  if (const auto* node = table.get("trusted_proxies")) {
    const auto* array = node->as_array();
    if (!array)
      return wrong_type("trusted_proxies", "an array of strings");
    config.trusted_proxies.clear();
    for (const auto& entry : *array) {
      if (!entry.is_string())
        return wrong_type("trusted_proxies", "an array of strings");
      config.trusted_proxies.push_back(entry.value<std::string>().value());
    }
    if (auto ok = check_trusted_proxies(fmt::format("config file {}: 'trusted_proxies'", path),
                                        config.trusted_proxies);
        !ok) {
      return ok;
    }
  }
  if (const auto* node = table.get("oauth_metadata_allow")) {
    const auto* array = node->as_array();
    if (!array)
      return wrong_type("oauth_metadata_allow", "an array of strings");
    std::vector<std::string> entries;
    for (const auto& entry : *array) {
      if (!entry.is_string())
        return wrong_type("oauth_metadata_allow", "an array of strings");
      entries.push_back(entry.value<std::string>().value());
    }
    if (auto ok = check_metadata_allow(fmt::format("config file {}: 'oauth_metadata_allow'", path),
                                       entries);
        !ok) {
      return ok;
    }
    config.oauth_metadata_allow = std::move(entries);
  }
  if (const auto* node = table.get("oauth_metadata_ca_file")) {
    if (!node->is_string())
      return wrong_type("oauth_metadata_ca_file", "a string");
    config.oauth_metadata_ca_file = node->value<std::string>().value();
  }
  for (const auto* setting : {&kOidcIssuer, &kOidcAudience, &kOidcUserClaim, &kOidcRolesClaim}) {
    const auto* node = table.get(setting->key);
    if (!node)
      continue;
    if (!node->is_string())
      return wrong_type(setting->key, "a string");
    if (auto ok = set_oidc_value(config, fmt::format("config file {}: '{}'", path, setting->key),
                                 *setting, node->value<std::string>().value());
        !ok) {
      return ok;
    }
  }
  if (const auto* node = table.get("allowed_origins")) {
    const auto* array = node->as_array();
    if (!array)
      return wrong_type("allowed_origins", "an array of strings");
    config.allowed_origins.clear();
    for (const auto& entry : *array) {
      if (!entry.is_string())
        return wrong_type("allowed_origins", "an array of strings");
      config.allowed_origins.push_back(entry.value<std::string>().value());
    }
  }
  // Also when empty: `serve` takes the level as known.
  return check_log_level(fmt::format("config file {}: 'log_level'", path), config.log_level);
}

}  // namespace

Result<void, std::string> apply_config_toml(ServerConfig& config, std::string_view text,
                                            std::string_view path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Unexpected{fmt::format("config file {}: {}", path, e.description())};
  }
  ServerConfig updated = config;
  if (auto ok = apply_toml_table(updated, table, path); !ok)
    return ok;
  config = std::move(updated);
  return {};
}

namespace {

Result<void, Error> apply_env(ServerConfig& config, const EnvLookup& env) {
  if (auto host = non_empty(env("BLENDER_MCP_HOST")))
    config.host = *host;
  if (auto port = non_empty(env("BLENDER_MCP_PORT"))) {
    auto number = parse_positive("BLENDER_MCP_PORT", *port);
    if (!number)
      return Unexpected{number.error()};
    auto checked = check_port("BLENDER_MCP_PORT", *number, false);
    if (!checked)
      return Unexpected{checked.error()};
    config.port = *checked;
  }
  if (auto dir = non_empty(env("BLENDER_MCP_DATA_DIR")))
    config.data_dir = *dir;
  if (auto url = non_empty(env("BLENDER_MCP_DATABASE_URL"))) {
    if (auto ok = check_database_url("BLENDER_MCP_DATABASE_URL", *url); !ok)
      return ok;
    config.database_url = *url;
  }
  if (auto url = non_empty(env("BLENDER_MCP_REDIS_URL"))) {
    if (auto ok = check_redis_url("BLENDER_MCP_REDIS_URL", *url); !ok)
      return ok;
    config.redis_url = *url;
  }
  if (auto id = non_empty(env("BLENDER_MCP_NODE_ID"))) {
    if (auto ok = check_node_id("BLENDER_MCP_NODE_ID", *id); !ok)
      return ok;
    config.node_id = *id;
  }
  const std::pair<const char*, std::int64_t*> numbers[] = {
      {"ACCESS_TOKEN_EXPIRE_MINUTES", &config.access_token_expire_minutes},
      {"REFRESH_TOKEN_EXPIRE_DAYS", &config.refresh_token_expire_days},
      {"BLENDER_MCP_SESSION_IDLE_SECONDS", &config.session_idle_seconds},
      {"BLENDER_MCP_STREAM_GRACE_SECONDS", &config.stream_grace_seconds},
      {"BLENDER_MCP_OFFLINE_HOLD_MESSAGES", &config.offline_hold_messages},
      {"BLENDER_MCP_OFFLINE_HOLD_SECONDS", &config.offline_hold_seconds},
      {"BLENDER_MCP_JOB_RETENTION_SECONDS", &config.job_retention_seconds},
      {"BLENDER_MCP_MAX_RETAINED_JOBS", &config.max_retained_jobs},
      {"BLENDER_MCP_MAX_RECORD_BYTES", &config.max_record_bytes},
      {"BLENDER_MCP_USER_BUFFER_BYTES", &config.user_buffer_bytes},
      {"BLENDER_MCP_OFFLINE_HOLD_BYTES", &config.offline_hold_bytes},
      {"BLENDER_MCP_SESSION_QUEUE_BYTES", &config.session_queue_bytes},
      {"BLENDER_MCP_SESSION_REPLAY_BYTES", &config.session_replay_bytes},
      {"BLENDER_MCP_STREAM_BUFFER_BYTES", &config.stream_buffer_bytes},
      {"BLENDER_MCP_KEEPALIVE_SECONDS", &config.keepalive_seconds},
      {"BLENDER_MCP_MAX_IMAGE_BYTES", &config.max_image_bytes},
      {"BLENDER_MCP_OAUTH_REFRESH_GRACE_SECONDS", &config.oauth_refresh_grace_seconds},
  };
  for (const auto& [name, target] : numbers) {
    if (auto text = non_empty(env(name))) {
      auto number = parse_positive(name, *text);
      if (!number)
        return Unexpected{number.error()};
      *target = *number;
    }
  }
  // An hour is far beyond any proxy's idle timeout; the bound keeps the deadline arithmetic of
  // the stream writer far from overflowing.
  if (config.keepalive_seconds > kMaxKeepaliveSeconds) {
    return Unexpected{fmt::format("BLENDER_MCP_KEEPALIVE_SECONDS must be at most {}, got '{}'",
                                  kMaxKeepaliveSeconds, config.keepalive_seconds)};
  }
  if (auto level = non_empty(env("BLENDER_MCP_LOG_LEVEL"))) {
    if (auto ok = check_log_level("BLENDER_MCP_LOG_LEVEL", *level); !ok)
      return ok;
    config.log_level = *level;
  }
  if (auto format = non_empty(env("BLENDER_MCP_LOG_FORMAT"))) {
    if (auto ok = check_log_format("BLENDER_MCP_LOG_FORMAT", *format); !ok)
      return ok;
    config.log_format = *format;
  }
  if (auto text = non_empty(env("BLENDER_MCP_METRICS_BIND"))) {
    auto bind = parse_bind_address("BLENDER_MCP_METRICS_BIND", *text);
    if (!bind)
      return Unexpected{bind.error()};
    config.metrics_bind = *bind;
  }
  if (auto origins = non_empty(env("BLENDER_MCP_ALLOWED_ORIGINS"))) {
    config.allowed_origins = split_list(*origins);
  }
  if (auto text = non_empty(env("BLENDER_MCP_BUSY_POLL_US"))) {
    auto value = parse_busy_poll("BLENDER_MCP_BUSY_POLL_US", *text);
    if (!value)
      return Unexpected{value.error()};
    config.busy_poll_us = *value;
  }
  if (auto text = non_empty(env("BLENDER_MCP_MAX_CONNECTIONS"))) {
    auto number = parse_positive("BLENDER_MCP_MAX_CONNECTIONS", *text);
    if (!number)
      return Unexpected{number.error()};
    config.max_connections = *number;
  }
  if (auto proxies = non_empty(env("BLENDER_MCP_TRUSTED_PROXIES"))) {
    config.trusted_proxies = split_list(*proxies);
    if (auto ok = check_trusted_proxies("BLENDER_MCP_TRUSTED_PROXIES", config.trusted_proxies);
        !ok) {
      return ok;
    }
  }
  if (auto url = non_empty(env("BLENDER_MCP_PUBLIC_URL"))) {
    if (auto ok = check_public_url(config, "BLENDER_MCP_PUBLIC_URL", *url); !ok)
      return ok;
  }
  if (auto allow = non_empty(env("BLENDER_MCP_OAUTH_METADATA_ALLOW"))) {
    config.oauth_metadata_allow = split_list(*allow);
    if (auto ok =
            check_metadata_allow("BLENDER_MCP_OAUTH_METADATA_ALLOW", config.oauth_metadata_allow);
        !ok) {
      return ok;
    }
  }
  if (auto file = non_empty(env("BLENDER_MCP_OAUTH_METADATA_CA_FILE")))
    config.oauth_metadata_ca_file = *file;
  for (const auto* setting : {&kOidcIssuer, &kOidcAudience, &kOidcUserClaim, &kOidcRolesClaim}) {
    if (auto value = non_empty(env(setting->env))) {
      if (auto ok = set_oidc_value(config, setting->env, *setting, std::move(*value)); !ok)
        return ok;
    }
  }
  config.signing_key = non_empty(env("OAUTH_SECRET_KEY"));
  if (!config.signing_key)
    config.signing_key = non_empty(env("JWT_SECRET"));
  config.admin_password = non_empty(env("ADMIN_PASSWORD"));
  config.demo_password = non_empty(env("DEMO_PASSWORD"));
  return {};
}

Result<void, Error> apply_flags(ServerConfig& config, const ServeFlags& flags) {
  if (flags.host)
    config.host = *flags.host;
  if (flags.port) {
    // --port 0 asks the kernel for a free port (tests); it is printed at start-up.
    auto port = check_port("--port", *flags.port, true);
    if (!port)
      return Unexpected{port.error()};
    config.port = *port;
  }
  if (flags.data_dir)
    config.data_dir = *flags.data_dir;
  if (flags.database_url) {
    if (auto ok = check_database_url("--database-url", *flags.database_url); !ok)
      return ok;
    config.database_url = *flags.database_url;
  }
  if (flags.redis_url) {
    if (auto ok = check_redis_url("--redis-url", *flags.redis_url); !ok)
      return ok;
    config.redis_url = *flags.redis_url;
  }
  if (flags.node_id) {
    if (auto ok = check_node_id("--node-id", *flags.node_id); !ok)
      return ok;
    config.node_id = *flags.node_id;
  }
  if (flags.log_level) {
    if (auto ok = check_log_level("--log-level", *flags.log_level); !ok)
      return ok;
    config.log_level = *flags.log_level;
  }
  if (flags.log_format) {
    if (auto ok = check_log_format("--log-format", *flags.log_format); !ok)
      return ok;
    config.log_format = *flags.log_format;
  }
  if (flags.metrics_bind) {
    auto bind = parse_bind_address("--metrics-bind", *flags.metrics_bind);
    if (!bind)
      return Unexpected{bind.error()};
    config.metrics_bind = *bind;
  }
  if (flags.threads) {
    if (*flags.threads <= 0 || *flags.threads > 256) {
      return Unexpected{
          fmt::format("--threads must be between 1 and 256, got '{}'", *flags.threads)};
    }
    config.threads = static_cast<std::size_t>(*flags.threads);
  }
  if (flags.busy_poll_us) {
    auto value = check_busy_poll("--busy-poll-us", *flags.busy_poll_us);
    if (!value)
      return Unexpected{value.error()};
    config.busy_poll_us = *value;
  }
  if (flags.max_connections) {
    if (*flags.max_connections <= 0) {
      return Unexpected{fmt::format("--max-connections must be greater than 0, got '{}'",
                                    *flags.max_connections)};
    }
    config.max_connections = *flags.max_connections;
  }
  if (flags.max_image_bytes) {
    if (*flags.max_image_bytes <= 0) {
      return Unexpected{fmt::format("--max-image-bytes must be greater than 0, got '{}'",
                                    *flags.max_image_bytes)};
    }
    config.max_image_bytes = *flags.max_image_bytes;
  }
  if (!flags.trusted_proxies.empty()) {
    config.trusted_proxies.clear();
    for (const auto& value : flags.trusted_proxies) {
      for (auto& entry : split_list(value))
        config.trusted_proxies.push_back(std::move(entry));
    }
    if (auto ok = check_trusted_proxies("--trusted-proxy", config.trusted_proxies); !ok)
      return ok;
  }
  if (flags.public_url) {
    if (auto ok = check_public_url(config, "--public-url", *flags.public_url); !ok)
      return ok;
  }
  if (!flags.oauth_metadata_allow.empty()) {
    config.oauth_metadata_allow.clear();
    for (const auto& value : flags.oauth_metadata_allow) {
      for (auto& entry : split_list(value))
        config.oauth_metadata_allow.push_back(std::move(entry));
    }
    if (auto ok = check_metadata_allow("--oauth-metadata-allow", config.oauth_metadata_allow); !ok)
      return ok;
  }
  if (flags.oauth_metadata_ca_file)
    config.oauth_metadata_ca_file = *flags.oauth_metadata_ca_file;
  const std::pair<const OidcSetting*, const std::optional<std::string>*> oidc_flags[] = {
      {&kOidcIssuer, &flags.oidc_issuer},
      {&kOidcAudience, &flags.oidc_audience},
      {&kOidcUserClaim, &flags.oidc_user_claim},
      {&kOidcRolesClaim, &flags.oidc_roles_claim}};
  for (const auto& [setting, value] : oidc_flags) {
    if (*value) {
      if (auto ok = set_oidc_value(config, setting->flag, *setting, **value); !ok)
        return ok;
    }
  }
  config.conformance_fixtures = flags.conformance_fixtures;
  return {};
}

// Every place a record waits must be able to take one record of the largest size, or a record
// that was accepted could never be delivered.
Result<void, Error> check_byte_bounds(const ServerConfig& config) {
  const std::pair<const char*, std::int64_t> holders[] = {
      {"BLENDER_MCP_STREAM_BUFFER_BYTES", config.stream_buffer_bytes},
      {"BLENDER_MCP_SESSION_QUEUE_BYTES", config.session_queue_bytes},
      {"BLENDER_MCP_OFFLINE_HOLD_BYTES", config.offline_hold_bytes},
      {"BLENDER_MCP_USER_BUFFER_BYTES", config.user_buffer_bytes},
  };
  for (const auto& [name, bytes] : holders) {
    if (bytes < config.max_record_bytes) {
      return Unexpected{fmt::format(
          "{} ({}) must be at least BLENDER_MCP_MAX_RECORD_BYTES ({}): it must hold one record",
          name, bytes, config.max_record_bytes)};
    }
  }
  // A dispatch tool answers with its images base64-encoded in one response, and the add-on sends
  // them in one blender_job_update request: both must hold them, with room for the envelope.
  const auto encoded = static_cast<std::int64_t>(
                           base64_encoded_size(static_cast<std::size_t>(config.max_image_bytes))) +
                       kImageReplyRoom;
  if (encoded > config.stream_buffer_bytes) {
    return Unexpected{fmt::format(
        "BLENDER_MCP_MAX_IMAGE_BYTES ({}) is too large for BLENDER_MCP_STREAM_BUFFER_BYTES ({}): "
        "the images of one reply, base64-encoded with {} bytes for the rest of it, take {} bytes",
        config.max_image_bytes, config.stream_buffer_bytes, kImageReplyRoom, encoded)};
  }
  const auto body_limit = static_cast<std::int64_t>(http::ServerLimits{}.max_body_bytes);
  if (encoded > body_limit) {
    return Unexpected{fmt::format(
        "BLENDER_MCP_MAX_IMAGE_BYTES ({}) is too large: the images of one reply, base64-encoded "
        "with {} bytes for the rest of it, take {} bytes, more than one request body may hold "
        "({} bytes)",
        config.max_image_bytes, kImageReplyRoom, encoded, body_limit)};
  }
  return {};
}

}  // namespace

Result<BindAddress, std::string> parse_bind_address(std::string_view source,
                                                    std::string_view text) {
  const auto refuse = [&](std::string_view why) {
    return Unexpected{
        fmt::format("{} must be HOST:PORT with an IP address as HOST ([...] for "
                    "IPv6) and a port 0-65535, got '{}': {}",
                    source, text, why)};
  };
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return refuse("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string_view::npos)
      return refuse("brackets are for IPv6 addresses");
  } else if (host.find(':') != std::string_view::npos) {
    return refuse("an IPv6 address must be in brackets");
  }
  if (host.empty())
    return refuse("no host");
  if (!http::parse_ip_address(host))
    return refuse(fmt::format("'{}' is not an IP address", host));
  std::int64_t port = -1;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535) {
    return refuse(fmt::format("'{}' is not a port number", port_text));
  }
  return BindAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

Result<ServerConfig, std::string> load_config(const ServeFlags& flags, const EnvLookup& env) {
  ServerConfig config;
  if (flags.config_file) {
    if (auto ok = apply_toml_file(config, *flags.config_file); !ok)
      return Unexpected{ok.error()};
  }
  if (auto ok = apply_env(config, env); !ok)
    return Unexpected{ok.error()};
  if (auto ok = apply_flags(config, flags); !ok)
    return Unexpected{ok.error()};
  if (auto ok = check_byte_bounds(config); !ok)
    return Unexpected{ok.error()};
  if (!config.oidc_issuer &&
      (config.oidc_audience || config.oidc_roles_claim || config.oidc_user_claim != "sub")) {
    return Unexpected{
        std::string("--oidc-audience, --oidc-user-claim and --oidc-roles-claim need --oidc-issuer "
                    "(BLENDER_MCP_OIDC_ISSUER)")};
  }
  return config;
}

}  // namespace bmcp::app
