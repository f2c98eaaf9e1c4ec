#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "fetch/address_policy.hpp"

namespace bmcp::fetch {

struct FetchOptions {
  // The largest body read; a longer one fails the fetch.
  std::size_t max_body_bytes = 64 * 1024;
  // For the whole fetch: name resolution, connection, TLS handshake, request and response.
  std::chrono::milliseconds time_limit{5000};
  // Non-public addresses that may be reached all the same (address_policy.hpp).
  AllowList allow;
  // A PEM file of CA certificates trusted in addition to the system's; "" for none.
  std::string extra_ca_file;
};

struct FetchedBody {
  std::string body;
  std::string content_type;  // as sent, "" when absent
  // Cache-Control of the response: max-age in seconds, 0 for no-store or no-cache, nullopt
  // when it says neither.
  std::optional<std::int64_t> max_age;
};

// GETs https URLs that anyone may have named, safely (server-side request forgery):
// - https only, with the certificate verified against the host name (or IP address) of the
//   URL and the system's CAs plus `extra_ca_file`;
// - the host is resolved once; every address it resolves to must be a public one (or allowed
//   by the allow list), and the connection goes to those checked addresses, never to a second
//   resolution (DNS rebinding);
// - one request, no redirects followed (any status but 200 fails), the body at most
//   max_body_bytes, everything within time_limit.
// Thread safety: get() may be called from several threads at once; each call blocks its
// thread for at most time_limit (a name resolution still running then is left to finish on a
// thread of its own).
// The TLS context (the system's CAs parsed, several MiB of a process's memory) is made by the
// first get(), so a server that never fetches never pays for it; with an extra_ca_file it is
// made by create(), so that a bad file is an error at start-up.
class HttpsFetcher {
 public:
  // Fails when extra_ca_file cannot be read as PEM certificates.
  static Result<std::unique_ptr<HttpsFetcher>, std::string> create(FetchOptions options);
  ~HttpsFetcher();
  HttpsFetcher(const HttpsFetcher&) = delete;
  HttpsFetcher& operator=(const HttpsFetcher&) = delete;

  // The error says what failed and why, without the URL (the caller names it).
  Result<FetchedBody, std::string> get(std::string_view url) const;

 private:
  struct Tls;
  HttpsFetcher(FetchOptions options, std::unique_ptr<Tls> tls);
  static Result<std::unique_ptr<Tls>, std::string> make_tls(const FetchOptions& options);
  // The context, made on the first call when create() did not make it.
  Result<Tls*, std::string> tls() const;

  FetchOptions options_;
  mutable std::mutex tls_mutex_;
  mutable std::unique_ptr<Tls> tls_;  // under tls_mutex_ until set, then never changed
};

}  // namespace bmcp::fetch
