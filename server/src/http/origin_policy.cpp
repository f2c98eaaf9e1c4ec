#include "http/origin_policy.hpp"

#include <algorithm>
#include <cctype>

#include "http/types.hpp"

namespace bmcp::http {
namespace {

bool is_port(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// Strips an optional ":port" (all digits) from host[:port] / [v6][:port]; empty when what
// follows the host is not such a port.
std::string_view host_part(std::string_view host_and_port) {
  if (host_and_port.starts_with('[')) {
    const auto close = host_and_port.find(']');
    if (close == std::string_view::npos)
      return {};
    const auto rest = host_and_port.substr(close + 1);
    if (!rest.empty() && !(rest.starts_with(':') && is_port(rest.substr(1))))
      return {};
    return host_and_port.substr(0, close + 1);
  }
  const auto colon = host_and_port.rfind(':');
  if (colon == std::string_view::npos)
    return host_and_port;
  if (!is_port(host_and_port.substr(colon + 1)))
    return {};
  return host_and_port.substr(0, colon);
}

}  // namespace

bool is_loopback_host(std::string_view host_and_port) {
  const auto host = host_part(host_and_port);
  return iequals(host, "localhost") || host == "127.0.0.1" || host == "[::1]";
}

bool is_loopback_address(std::string_view address) {
  return address == "localhost" || address == "::1" || address.starts_with("127.");
}

OriginPolicy::OriginPolicy(std::vector<std::string> extra_origins, bool check_host)
    : extra_origins_(std::move(extra_origins)), check_host_(check_host) {
  allow_any_origin_ = extra_origins_.size() == 1 && extra_origins_[0] == "*";
}

bool OriginPolicy::origin_allowed(std::optional<std::string_view> origin) const {
  if (!origin)
    return true;
  if (*origin == "null")
    return false;
  if (allow_any_origin_)
    return true;
  if (std::find(extra_origins_.begin(), extra_origins_.end(), *origin) != extra_origins_.end()) {
    return true;
  }
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin->starts_with(scheme))
      return is_loopback_host(origin->substr(scheme.size()));
  }
  return false;
}

bool OriginPolicy::host_allowed(std::optional<std::string_view> host) const {
  if (!check_host_)
    return true;
  return host && is_loopback_host(*host);
}

}  // namespace bmcp::http
