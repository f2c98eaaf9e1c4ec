// The Redis URL (redis::parse_redis_url, on Boost.URL): `--redis-url` of cluster mode. Beyond
// "no crash, no leak, no undefined behaviour":
//  - a refusal has a message;
//  - an accepted URL has a host, a port from 1 to 65535 and a database number of 0 or more;
//  - the URL written back without credentials (describe()) reads as the same server and
//    database, without credentials.
#include "redis/redis_url.hpp"

#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bmcp::fuzz::require;
  const auto endpoint = bmcp::redis::parse_redis_url(bmcp::fuzz::as_text(data, size));
  if (!endpoint) {
    require(!endpoint.error().empty(), "a refusal has a message");
    return 0;
  }
  require(!endpoint->host.empty() && endpoint->port != 0 && endpoint->db >= 0,
          "an accepted URL has a host, a port and a database number");
  const auto again = bmcp::redis::parse_redis_url(endpoint->describe());
  require(again.ok(), "a Redis URL written back is accepted");
  require(again->host == endpoint->host && again->port == endpoint->port &&
              again->db == endpoint->db && !again->username && !again->password,
          "a Redis URL written back names the same server and database, without credentials");
  return 0;
}
