// The browser guard of every request (http::OriginPolicy, contract 2): the `Origin` and `Host`
// headers, and the media-type lists of `Accept` and `Content-Type`
// (http::header_lists_media_type). Beyond "no crash, no leak, no undefined behaviour":
//  - with no extra origins configured, an allowed Origin is an http or https URL whose host, as
//    Boost.URL reads it, is localhost, 127.0.0.1 or [::1], with no user information, path,
//    query or fragment, and `null` is never allowed;
//  - an allowed Host (loopback bind) names one of those hosts, likewise.
#include <boost/url/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "http/origin_policy.hpp"
#include "http/types.hpp"

namespace {

using bmcp::fuzz::require;
namespace http = bmcp::http;

bool is_loopback_name(std::string_view host) {
  return http::iequals(host, "localhost") || host == "127.0.0.1" || host == "[::1]";
}

// An origin is scheme://host[:port] (RFC 6454); Boost.URL is the independent reader.
bool is_loopback_origin(std::string_view origin) {
  const auto url = boost::urls::parse_absolute_uri(origin);
  if (!url)
    return false;
  return (url->scheme() == "http" || url->scheme() == "https") && !url->has_userinfo() &&
         url->encoded_path().empty() && !url->has_query() && !url->has_fragment() &&
         is_loopback_name(url->encoded_host_and_port().substr(
             0,
             url->encoded_host_and_port().size() - (url->has_port() ? url->port().size() + 1 : 0)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = bmcp::fuzz::as_text(data, size);
  const http::OriginPolicy loopback_only({}, true);
  if (loopback_only.origin_allowed(text)) {
    require(text != "null", "the origin null is never allowed");
    require(is_loopback_origin(text), "an allowed origin is a loopback origin");
  }
  if (loopback_only.host_allowed(text)) {
    require(is_loopback_origin("http://" + std::string(text)),
            "an allowed host is a loopback host");
  }
  const http::OriginPolicy listed({std::string(text)}, false);
  require(text == "null" || listed.origin_allowed(text), "a listed origin is allowed");
  require(listed.host_allowed(std::nullopt), "without the host check every host is allowed");
  (void)http::header_lists_media_type(text, "text/event-stream");
  (void)http::header_lists_media_type(text, "application/json");
  (void)http::is_loopback_address(text);
  return 0;
}
