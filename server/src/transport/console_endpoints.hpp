#pragma once

#include "console/console_api.hpp"
#include "console/console_feed.hpp"
#include "core/thread_pool.hpp"
#include "http/router.hpp"
#include "http/trusted_proxies.hpp"

namespace bmcp::transport {

// The web console under /console (docs/console.md): its pages, its API and one server-sent
// event stream per open page (GET /console/api/events). The API's work (password checks,
// the user store) runs on the blocking pool; the assets are answered at once.
class ConsoleEndpoints {
 public:
  // All must outlive the endpoints.
  ConsoleEndpoints(console::ConsoleApi& api, console::ConsoleFeed& feed, ThreadPool& blocking,
                   const http::TrustedProxies& proxies);
  void add_routes(http::Router& router);

 private:
  void serve(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);
  void events(http::HttpRequest request, std::shared_ptr<http::ResponseStream> response);

  console::ConsoleApi& api_;
  console::ConsoleFeed& feed_;
  ThreadPool& blocking_;
  const http::TrustedProxies& proxies_;
};

}  // namespace bmcp::transport
