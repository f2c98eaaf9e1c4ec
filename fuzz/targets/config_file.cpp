// The configuration file reader (app::apply_config_toml, on toml++): `serve --config FILE`.
// Beyond "no crash, no leak, no undefined behaviour" (and no exception escaping):
//  - a refusal names the file and leaves the configuration as it was;
//  - an accepted file leaves every setting valid: a port from 1 to 65535, positive numbers and
//    thread count, a known log level, trusted proxies that are addresses or CIDR blocks.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "app/config.hpp"
#include "core/logging.hpp"
#include "fuzz_support.hpp"
#include "http/ip_network.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bmcp::fuzz::require;
  bmcp::app::ServerConfig config;
  const auto result =
      bmcp::app::apply_config_toml(config, bmcp::fuzz::as_text(data, size), "fuzz.toml");
  if (!result) {
    require(result.error().starts_with("config file fuzz.toml: "), "a refusal names the file");
    require(config == bmcp::app::ServerConfig{}, "a refused file changes nothing");
    return 0;
  }
  require(config.port >= 1, "an accepted port is from 1 to 65535");
  require(config.access_token_expire_minutes > 0 && config.refresh_token_expire_days > 0 &&
              config.session_idle_seconds > 0 && config.threads > 0 &&
              config.max_connections.value_or(1) > 0,
          "accepted numbers are positive");
  require(bmcp::parse_server_log_level(config.log_level).has_value(),
          "an accepted log level is known");
  require(std::all_of(
              config.trusted_proxies.begin(), config.trusted_proxies.end(),
              [](const std::string& entry) { return bmcp::http::IpNetwork::parse(entry).ok(); }),
          "accepted trusted proxies are addresses or CIDR blocks");
  return 0;
}
