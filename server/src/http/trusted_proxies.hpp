#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/ip_network.hpp"
#include "http/types.hpp"

namespace bmcp::http {

// The reverse proxies whose X-Forwarded-For is believed, and the client address of a request.
// Thread safety: immutable after construction.
class TrustedProxies {
 public:
  // Trusts nobody: every request's client is its TCP peer.
  TrustedProxies() = default;
  // Each entry is an address or CIDR block (IpNetwork::parse). The error names the entry.
  static Result<TrustedProxies, std::string> parse(const std::vector<std::string>& entries);

  bool empty() const { return networks_.empty(); }
  bool trusts(const IpAddress& address) const;

  // The address that per-client limits key on, in IpAddress::to_string form when it parses:
  // - the TCP peer, unless the peer is a trusted proxy that sent X-Forwarded-For;
  // - then the right-most address of X-Forwarded-For (all its fields, in order) that is not
  //   itself a trusted proxy: entries to its left were written by the client and prove
  //   nothing. When every entry is a trusted proxy, the left-most one.
  // A header with an entry that is not an address (optionally "[v6]", with ":port") where the
  // walk reaches it, or an empty one, is ignored: the peer is the client then.
  std::string client_address(const HttpRequest& request) const;

 private:
  explicit TrustedProxies(std::vector<IpNetwork> networks) : networks_(std::move(networks)) {}
  std::optional<IpAddress> forwarded_client(const Headers& headers) const;

  std::vector<IpNetwork> networks_;
};

// One X-Forwarded-For entry: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]" or
// "[2001:db8::1]:4711", with surrounding blanks. nullopt for anything else.
std::optional<IpAddress> parse_forwarded_entry(std::string_view entry);

}  // namespace bmcp::http
