#include "transport/http_errors.hpp"

#include "jsonrpc/message.hpp"

namespace bmcp::transport {

http::HttpResponse unauthorized(std::string_view detail) {
  auto response = http::detail_response(401, detail);
  response.headers.set("WWW-Authenticate", "Bearer");
  return response;
}

http::HttpResponse auth_failure_response(const auth::AuthFailure& failure) {
  switch (failure.kind) {
    case auth::AuthFailure::Kind::kBadRequest:
      return http::detail_response(400, failure.detail);
    case auth::AuthFailure::Kind::kRateLimited:
    case auth::AuthFailure::Kind::kUnavailable: {
      const bool limited = failure.kind == auth::AuthFailure::Kind::kRateLimited;
      auto response = http::detail_response(limited ? 429 : 503, failure.detail);
      response.headers.set("Retry-After",
                           std::to_string(std::max<long>(1, failure.retry_after.count())));
      return response;
    }
    case auth::AuthFailure::Kind::kUnauthorized:
      break;
  }
  return unauthorized(failure.detail);
}

http::HttpResponse jsonrpc_error_response(int status, int code, std::string_view message) {
  return http::json_response(status, jsonrpc::make_error(nullptr, code, message));
}

}  // namespace bmcp::transport
