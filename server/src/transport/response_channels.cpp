#include "transport/response_channels.hpp"

#include "mcp/standalone_stream.hpp"

namespace bmcp::transport {

SseRequestChannel::SseRequestChannel(std::shared_ptr<http::ResponseStream> response,
                                     http::Headers extra)
    : response_(std::move(response)) {
  // The stream starts at once so that keep-alive comments flow while the request is pending.
  response_->start_events(std::move(extra), false);
}

bool SseRequestChannel::send_related(std::string_view json_text) {
  return response_->push_event(
      std::make_shared<const std::string>(mcp::format_sse_event(0, json_text)));
}

void SseRequestChannel::complete(std::string_view json_text) {
  response_->push_event(std::make_shared<const std::string>(mcp::format_sse_event(0, json_text)));
  response_->end();
}

void SseRequestChannel::abandon() {
  response_->end();
}

JsonRequestChannel::JsonRequestChannel(std::shared_ptr<http::ResponseStream> response,
                                       http::Headers extra)
    : response_(std::move(response)), extra_(std::move(extra)) {}

void JsonRequestChannel::complete(std::string_view json_text) {
  http::HttpResponse out;
  out.status = 200;
  out.headers = extra_;
  out.headers.set("Content-Type", "application/json");
  out.body = std::string(json_text);
  response_->respond(std::move(out));
}

void JsonRequestChannel::abandon() {
  http::HttpResponse out;
  out.status = 202;
  out.headers = extra_;
  response_->respond(std::move(out));
}

}  // namespace bmcp::transport
