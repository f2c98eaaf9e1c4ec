#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bmcp::http {

// Browser-origin and DNS-rebinding protection (contract §2).
// Thread safety: immutable after construction.
class OriginPolicy {
 public:
  // `extra_origins` are exact allowed origins; the single entry "*" allows every origin.
  // With `check_host` (the server is bound to loopback) the Host header must name a loopback
  // host, so that a DNS-rebound name cannot reach the server from a browser.
  OriginPolicy(std::vector<std::string> extra_origins, bool check_host);

  // A request without Origin is allowed; `null` never is.
  bool origin_allowed(std::optional<std::string_view> origin) const;
  bool host_allowed(std::optional<std::string_view> host) const;

 private:
  std::vector<std::string> extra_origins_;
  bool allow_any_origin_ = false;
  bool check_host_ = false;
};

// True for localhost, 127.0.0.1 and [::1] (with or without a port).
bool is_loopback_host(std::string_view host_and_port);
// True for a loopback bind address (127.0.0.0/8, ::1, localhost).
bool is_loopback_address(std::string_view address);

}  // namespace bmcp::http
