#include "transport/cors.hpp"

#include "transport/oauth_endpoints.hpp"

namespace bmcp::transport {

namespace {

void add_cors_headers(http::Headers& headers, std::string_view origin, std::string_view path) {
  if (is_oauth_metadata_path(path)) {
    headers.set("Access-Control-Allow-Origin", "*");
  } else {
    headers.set("Access-Control-Allow-Origin", std::string(origin));
    headers.add("Vary", "Origin");
  }
  headers.set("Access-Control-Expose-Headers", "WWW-Authenticate, Mcp-Session-Id");
}

// Forwards everything to the connection's stream, adding the CORS headers to the answer.
class CorsResponse final : public http::ResponseStream {
 public:
  CorsResponse(std::shared_ptr<http::ResponseStream> inner, std::string origin, std::string path)
      : inner_(std::move(inner)), origin_(std::move(origin)), path_(std::move(path)) {}

  void respond(http::HttpResponse response) override {
    add_cors_headers(response.headers, origin_, path_);
    inner_->respond(std::move(response));
  }
  void start_events(http::Headers extra, bool watch_disconnect) override {
    add_cors_headers(extra, origin_, path_);
    inner_->start_events(std::move(extra), watch_disconnect);
  }
  bool push_event(std::shared_ptr<const std::string> frame) override {
    return inner_->push_event(std::move(frame));
  }
  std::size_t event_room() const override { return inner_->event_room(); }
  std::size_t event_capacity() const override { return inner_->event_capacity(); }
  void on_drained(std::function<void()> callback) override {
    inner_->on_drained(std::move(callback));
  }
  void end() override { inner_->end(); }
  void on_close(std::function<void()> callback) override { inner_->on_close(std::move(callback)); }

 private:
  std::shared_ptr<http::ResponseStream> inner_;
  std::string origin_;
  std::string path_;
};

}  // namespace

bool is_cors_path(std::string_view path) {
  return path == "/mcp" || path == "/mcp/" || path == "/token" || path == "/register" ||
         path == "/revoke" || is_oauth_metadata_path(path);
}

http::HttpResponse preflight_response(std::string_view origin, std::string_view path) {
  http::HttpResponse response;
  response.status = 204;
  add_cors_headers(response.headers, origin, path);
  const bool mcp = path == "/mcp" || path == "/mcp/";
  response.headers.set("Access-Control-Allow-Methods",
                       mcp ? "GET, POST, DELETE" : (is_oauth_metadata_path(path) ? "GET" : "POST"));
  response.headers.set("Access-Control-Allow-Headers",
                       "Authorization, Content-Type, Accept, Mcp-Session-Id, "
                       "MCP-Protocol-Version, Last-Event-ID");
  response.headers.set("Access-Control-Max-Age", "600");
  return response;
}

std::shared_ptr<http::ResponseStream> with_cors(std::shared_ptr<http::ResponseStream> response,
                                                std::string_view origin, std::string_view path) {
  return std::make_shared<CorsResponse>(std::move(response), std::string(origin),
                                        std::string(path));
}

}  // namespace bmcp::transport
