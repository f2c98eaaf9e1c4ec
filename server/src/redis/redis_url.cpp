#include "redis/redis_url.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <charconv>

namespace bmcp::redis {

std::string RedisEndpoint::describe() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return fmt::format("redis://{}{}{}:{}/{}", ipv6 ? "[" : "", host, ipv6 ? "]" : "", port, db);
}

Result<RedisEndpoint, std::string> parse_redis_url(std::string_view url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed)
    return Unexpected{
        std::string("the Redis URL is not a valid URL (expected redis://HOST:PORT/DB)")};
  const auto& uri = *parsed;
  if (uri.scheme() != "redis") {
    return Unexpected{fmt::format(
        "the Redis URL must start with redis:// (got scheme '{}'; TLS is not supported)",
        std::string(uri.scheme()))};
  }
  RedisEndpoint endpoint;
  endpoint.host = std::string(uri.encoded_host_address());
  if (endpoint.host.size() >= 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']')
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  if (endpoint.host.empty())
    return Unexpected{std::string("the Redis URL has no host (expected redis://HOST:PORT/DB)")};
  if (uri.has_port()) {
    const auto text = std::string(uri.port());
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
      return Unexpected{fmt::format("the Redis URL's port '{}' is not between 1 and 65535", text)};
    endpoint.port = static_cast<std::uint16_t>(value);
  }
  if (uri.has_userinfo()) {
    const auto user = uri.user();
    if (!user.empty())
      endpoint.username = std::string(user);
    if (uri.has_password())
      endpoint.password = std::string(uri.password());
  }
  auto path = std::string(uri.path());
  if (!path.empty() && path != "/") {
    const std::string digits = path.substr(1);
    int db = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), db);
    if (ec != std::errc() || end != digits.data() + digits.size() || db < 0)
      return Unexpected{fmt::format(
          "the Redis URL's database '{}' is not a database number (0, 1, ...)", digits)};
    endpoint.db = db;
  }
  if (uri.has_query() || uri.has_fragment())
    return Unexpected{std::string("the Redis URL must not have a query or fragment")};
  return endpoint;
}

}  // namespace bmcp::redis
