// The fetch layer's HTTPS client: the one file of the layer that includes Asio, Beast and
// OpenSSL.
#include "fetch/https_fetcher.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace bmcp::fetch {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Deadline = std::chrono::steady_clock::time_point;

struct HttpsFetcher::Tls {
  ssl::context context{ssl::context::tls_client};
};

namespace {

// Name resolutions still running after their fetch gave up (getaddrinfo cannot be cancelled):
// beyond this many, fetches of names fail at once instead of piling up threads.
constexpr int kMaxLookupsRunning = 16;
std::atomic<int> lookups_running{0};

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;

struct Target {
  std::string host;  // a DNS name (lower case), or an IP address without brackets
  bool host_is_address = false;
  std::uint16_t port = 443;
  std::string path_and_query;
  std::string host_header;
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<Target, std::string> read_target(std::string_view url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed)
    return Unexpected{std::string("not an absolute URL")};
  const auto& u = *parsed;
  if (lower(u.scheme()) != "https")
    return Unexpected{std::string("only https URLs are fetched")};
  if (u.has_userinfo())
    return Unexpected{std::string("the URL must not carry user information")};
  Target target;
  switch (u.host_type()) {
    case boost::urls::host_type::name: {
      const auto host = std::string(u.encoded_host());
      if (host.empty() || host.find('%') != std::string::npos)
        return Unexpected{std::string("the URL's host is not a plain DNS name")};
      target.host = lower(host);
      break;
    }
    case boost::urls::host_type::ipv4:
      target.host = std::string(u.encoded_host());
      target.host_is_address = true;
      break;
    case boost::urls::host_type::ipv6:
      target.host = u.host_ipv6_address().to_string();
      target.host_is_address = true;
      break;
    default:
      return Unexpected{std::string("the URL has no usable host")};
  }
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0)
      return Unexpected{std::string("the URL's port is not 1-65535")};
    target.port = u.port_number();
  }
  target.path_and_query = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query())
    target.path_and_query += "?" + std::string(u.encoded_query());
  target.host_header = std::string(u.encoded_host_and_port());
  return target;
}

struct Lookup {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  int status = 0;
  std::vector<http::IpAddress> addresses;
};

http::IpAddress from_sockaddr(const sockaddr* address) {
  http::IpAddress out;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    out.bytes[10] = 0xff;
    out.bytes[11] = 0xff;
    std::memcpy(out.bytes.data() + 12, &v4->sin_addr, 4);
  } else {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    std::memcpy(out.bytes.data(), &v6->sin6_addr, 16);
  }
  return out;
}

// getaddrinfo on a thread of its own, waited for until `deadline`.
Result<std::vector<http::IpAddress>, std::string> resolve(const std::string& host,
                                                          Deadline deadline) {
  if (lookups_running.fetch_add(1) >= kMaxLookupsRunning) {
    lookups_running.fetch_sub(1);
    return Unexpected{std::string("too many name resolutions are still running; try again")};
  }
  auto lookup = std::make_shared<Lookup>();
  std::thread([lookup, host] {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const int status = ::getaddrinfo(host.c_str(), nullptr, &hints, &list);
    std::vector<http::IpAddress> found;
    for (auto* item = list; status == 0 && item != nullptr; item = item->ai_next) {
      if (item->ai_family == AF_INET || item->ai_family == AF_INET6)
        found.push_back(from_sockaddr(item->ai_addr));
    }
    if (list != nullptr)
      ::freeaddrinfo(list);
    {
      const std::lock_guard lock(lookup->mutex);
      lookup->status = status;
      lookup->addresses = std::move(found);
      lookup->done = true;
    }
    lookup->done_cv.notify_all();
    lookups_running.fetch_sub(1);
  }).detach();
  std::unique_lock lock(lookup->mutex);
  if (!lookup->done_cv.wait_until(lock, deadline, [&] { return lookup->done; }))
    return Unexpected{"resolving " + host + " took too long"};
  if (lookup->status != 0)
    return Unexpected{"cannot resolve " + host + ": " + ::gai_strerror(lookup->status)};
  if (lookup->addresses.empty())
    return Unexpected{host + " has no address"};
  return std::move(lookup->addresses);
}

tcp::endpoint endpoint_of(const http::IpAddress& address, std::uint16_t port) {
  if (address.is_v4()) {
    asio::ip::address_v4::bytes_type bytes;
    std::memcpy(bytes.data(), address.bytes.data() + 12, 4);
    return {asio::ip::address_v4(bytes), port};
  }
  asio::ip::address_v6::bytes_type bytes;
  std::memcpy(bytes.data(), address.bytes.data(), 16);
  return {asio::ip::address_v6(bytes), port};
}

std::optional<std::int64_t> cache_max_age(std::string_view header) {
  std::optional<std::int64_t> max_age;
  const auto text = lower(header);
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos)
      end = text.size();
    auto item = std::string_view(text).substr(start, end - start);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (item == "no-store" || item == "no-cache")
      return 0;
    if (item.starts_with("max-age=")) {
      std::int64_t seconds = 0;
      const auto digits = item.substr(8);
      const auto [ptr, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
      if (error == std::errc() && ptr == digits.data() + digits.size() && seconds >= 0)
        max_age = seconds;
    }
    start = end + 1;
  }
  return max_age;
}

std::string failure(std::string_view step, const boost::system::error_code& error) {
  if (error == beast::error::timeout)
    return std::string(step) + " took too long";
  return std::string(step) + " failed: " + error.message();
}

}  // namespace

Result<std::unique_ptr<HttpsFetcher::Tls>, std::string> HttpsFetcher::make_tls(
    const FetchOptions& options) {
  auto tls = std::make_unique<Tls>();
  boost::system::error_code error;
  tls->context.set_default_verify_paths(error);
  if (error)
    return Unexpected{"cannot load the system's CA certificates: " + error.message()};
  if (!options.extra_ca_file.empty()) {
    tls->context.load_verify_file(options.extra_ca_file, error);
    if (error) {
      return Unexpected{"cannot load CA certificates from " + options.extra_ca_file + ": " +
                        error.message()};
    }
  }
  ::SSL_CTX_set_min_proto_version(tls->context.native_handle(), TLS1_2_VERSION);
  tls->context.set_verify_mode(ssl::verify_peer);
  return tls;
}

Result<std::unique_ptr<HttpsFetcher>, std::string> HttpsFetcher::create(FetchOptions options) {
  std::unique_ptr<Tls> tls;
  if (!options.extra_ca_file.empty()) {
    auto made = make_tls(options);
    if (!made)
      return Unexpected{made.error()};
    tls = std::move(*made);
  }
  return std::unique_ptr<HttpsFetcher>(new HttpsFetcher(std::move(options), std::move(tls)));
}

HttpsFetcher::HttpsFetcher(FetchOptions options, std::unique_ptr<Tls> tls)
    : options_(std::move(options)), tls_(std::move(tls)) {}

Result<HttpsFetcher::Tls*, std::string> HttpsFetcher::tls() const {
  std::lock_guard lock(tls_mutex_);
  if (!tls_) {
    auto made = make_tls(options_);
    if (!made)
      return Unexpected{made.error()};
    tls_ = std::move(*made);
  }
  return tls_.get();
}

HttpsFetcher::~HttpsFetcher() = default;

Result<FetchedBody, std::string> HttpsFetcher::get(std::string_view url) const {
  const Deadline deadline = std::chrono::steady_clock::now() + options_.time_limit;
  auto target = read_target(url);
  if (!target)
    return Unexpected{target.error()};

  std::vector<http::IpAddress> addresses;
  if (target->host_is_address) {
    addresses.push_back(*http::parse_ip_address(target->host));
  } else {
    auto resolved = resolve(target->host, deadline);
    if (!resolved)
      return Unexpected{resolved.error()};
    addresses = std::move(*resolved);
  }
  // Every address must pass, not just one: the connection could go to any of them.
  std::vector<tcp::endpoint> endpoints;
  for (const auto& address : addresses) {
    if (const auto reason = non_public_reason(address);
        reason && !options_.allow.allows(target->host, target->port, address)) {
      const auto shown = address.to_string();
      return Unexpected{(shown == target->host ? shown : target->host + " resolves to " + shown) +
                        ", " + *reason + ", which is not fetched unless the allow-list names it"};
    }
    endpoints.push_back(endpoint_of(address, target->port));
  }

  auto tls = this->tls();
  if (!tls)
    return Unexpected{tls.error()};
  asio::io_context io;
  beast::ssl_stream<beast::tcp_stream> stream(io, (*tls)->context);
  if (!target->host_is_address &&
      ::SSL_set_tlsext_host_name(stream.native_handle(), target->host.c_str()) != 1) {
    return Unexpected{std::string("cannot set the TLS server name")};
  }
  stream.set_verify_callback(ssl::host_name_verification(target->host));
  auto& socket = beast::get_lowest_layer(stream);
  socket.expires_at(deadline);
  boost::system::error_code error;
  const auto run = [&io] {
    io.restart();
    io.run();
  };

  socket.async_connect(endpoints,
                       [&](boost::system::error_code e, const tcp::endpoint&) { error = e; });
  run();
  if (error)
    return Unexpected{failure("connecting to " + target->host_header, error)};
  stream.async_handshake(ssl::stream_base::client, [&](boost::system::error_code e) { error = e; });
  run();
  if (error)
    return Unexpected{failure("the TLS handshake with " + target->host_header, error)};

  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target->path_and_query, 11};
  request.set(bhttp::field::host, target->host_header);
  request.set(bhttp::field::user_agent, "blender-mcp");
  request.set(bhttp::field::accept, "application/json");
  request.set(bhttp::field::connection, "close");
  bhttp::async_write(stream, request, [&](boost::system::error_code e, std::size_t) { error = e; });
  run();
  if (error)
    return Unexpected{failure("sending the request", error)};

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(options_.max_body_bytes);
  bhttp::async_read(stream, buffer, parser,
                    [&](boost::system::error_code e, std::size_t) { error = e; });
  run();
  if (error == bhttp::error::body_limit) {
    return Unexpected{"the document is larger than " + std::to_string(options_.max_body_bytes) +
                      " bytes"};
  }
  if (error)
    return Unexpected{failure("reading the response", error)};
  socket.close();

  const auto& response = parser.get();
  const auto status = response.result_int();
  if (status != 200) {
    if (status >= 300 && status < 400) {
      return Unexpected{"the server answered HTTP " + std::to_string(status) +
                        " (a redirect: redirects are not followed)"};
    }
    return Unexpected{"the server answered HTTP " + std::to_string(status)};
  }
  FetchedBody out;
  out.body = response.body();
  out.content_type = std::string(response[bhttp::field::content_type]);
  out.max_age = cache_max_age(response[bhttp::field::cache_control]);
  return out;
}

}  // namespace bmcp::fetch
