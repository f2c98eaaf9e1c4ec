#include "http/router.hpp"

namespace bmcp::http {

void Router::add(std::string path, std::string method, Handler handler) {
  routes_.push_back(Route{std::move(path), std::move(method), std::move(handler)});
}

void Router::handle(HttpRequest request, std::shared_ptr<ResponseStream> response) const {
  std::string allow;
  for (const auto& route : routes_) {
    if (route.path != request.path)
      continue;
    if (route.method == request.method) {
      route.handler(std::move(request), std::move(response));
      return;
    }
    if (!allow.empty())
      allow += ", ";
    allow += route.method;
  }
  if (allow.empty()) {
    response->respond(detail_response(404, "Not Found"));
    return;
  }
  auto refused = detail_response(405, "Method Not Allowed");
  refused.headers.set("Allow", allow);
  response->respond(std::move(refused));
}

}  // namespace bmcp::http
