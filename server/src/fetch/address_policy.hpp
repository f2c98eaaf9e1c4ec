#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/ip_network.hpp"

namespace bmcp::fetch {

// Which addresses an outgoing fetch of a URL that anyone can name (a client metadata document)
// may connect to. Only addresses on the public internet are reachable by default: an address a
// URL resolves to that is loopback, private, link-local, unique-local, multicast, unspecified or
// otherwise reserved is refused, so a client cannot make the server reach into its own network
// (server-side request forgery).

// Why `address` is not a public internet address ("a loopback address", "a private address",
// ...), or nullopt when it is one.
std::optional<std::string> non_public_reason(const http::IpAddress& address);

// Exceptions to the rule above, for tests and for documents served inside a network on purpose.
// Each entry is an address or CIDR block ("127.0.0.1", "10.1.0.0/16", "fd00::/8"): any address
// inside may be reached; or a host name with an optional port ("docs.internal", "localhost:8443"):
// a URL naming that host (and that port, when given) may reach whatever it resolves to.
class AllowList {
 public:
  // The error names the entry and what is wrong with it.
  static Result<AllowList, std::string> parse(const std::vector<std::string>& entries);

  bool allows(std::string_view host, std::uint16_t port, const http::IpAddress& address) const;
  bool empty() const { return networks_.empty() && hosts_.empty(); }

 private:
  struct HostEntry {
    std::string host;  // lower case
    std::optional<std::uint16_t> port;
  };
  std::vector<http::IpNetwork> networks_;
  std::vector<HostEntry> hosts_;
};

}  // namespace bmcp::fetch
