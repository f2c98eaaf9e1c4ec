// The bridge's HTTP client: the one file of the bridge that includes Asio and Beast.
#include "bridge/http_client.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace bmcp::bridge {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxBody = 64u << 20;
constexpr std::size_t kChunk = 16u << 10;

std::string lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

http::verb verb_of(std::string_view method) {
  if (method == "GET")
    return http::verb::get;
  if (method == "DELETE")
    return http::verb::delete_;
  return http::verb::post;
}

}  // namespace

const std::string* HttpReply::header(std::string_view lower_case_name) const {
  auto found = headers.find(lower_case_name);
  return found == headers.end() ? nullptr : &found->second;
}

bool HttpReply::is_event_stream() const {
  const auto* type = header("content-type");
  return type && lower(*type).starts_with("text/event-stream");
}

void CallAbort::abort() {
  std::lock_guard lock(mutex_);
  aborted_ = true;
  if (socket_fd_ >= 0)
    ::shutdown(socket_fd_, SHUT_RDWR);
}

bool CallAbort::aborted() const {
  std::lock_guard lock(mutex_);
  return aborted_;
}

bool CallAbort::attach(int socket_fd) {
  std::lock_guard lock(mutex_);
  if (aborted_)
    return false;
  socket_fd_ = socket_fd;
  return true;
}

void CallAbort::detach() {
  std::lock_guard lock(mutex_);
  socket_fd_ = -1;
}

Result<HttpReply, std::string> HttpClient::send(const HttpCall& call,
                                                const std::function<void(SseEvent)>& on_event,
                                                CallAbort* abort) const {
  const std::string where =
      call.method + " " + url_.base() + call.target.substr(url_.prefix.size());
  auto failed = [&](std::string_view step, const beast::error_code& ec) {
    return Unexpected{where + ": " + std::string(step) + " failed: " + ec.message()};
  };
  asio::io_context io;
  tcp::socket socket(io);
  beast::error_code ec;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(url_.host, std::to_string(url_.port), ec);
  if (ec)
    return failed("resolving the host", ec);
  asio::connect(socket, endpoints, ec);
  if (ec)
    return failed("connecting", ec);
  if (abort && !abort->attach(socket.native_handle()))
    return Unexpected{where + ": aborted"};
  struct Detach {
    CallAbort* abort;
    ~Detach() {
      if (abort)
        abort->detach();
    }
  } detach{abort};

  http::request<http::string_body> request{verb_of(call.method), call.target, 11};
  request.set(http::field::host, url_.host + ":" + std::to_string(url_.port));
  request.set(http::field::user_agent, "blender-mcp-bridge");
  for (const auto& [name, value] : call.headers)
    request.set(name, value);
  if (!call.body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = call.body;
  }
  request.prepare_payload();
  http::write(socket, request, ec);
  if (ec)
    return failed("sending the request", ec);

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  http::read_header(socket, buffer, parser, ec);
  if (ec)
    return failed("reading the response", ec);

  HttpReply reply;
  reply.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get())
    reply.headers[lower(field.name_string())] = std::string(field.value());
  const bool streaming = reply.is_event_stream();
  SseParser events([&](SseEvent event) {
    if (on_event)
      on_event(std::move(event));
  });

  char chunk[kChunk];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    // read_some, not read: an event must be handed over as soon as it arrives, not when the
    // chunk buffer is full.
    http::read_some(socket, buffer, parser, ec);
    if (ec == http::error::need_buffer)
      ec = {};
    if (ec)
      return failed("reading the response", ec);
    const std::size_t received = sizeof chunk - parser.get().body().size;
    if (streaming) {
      events.feed(std::string_view(chunk, received));
    } else {
      if (reply.body.size() + received > kMaxBody)
        return Unexpected{where + ": the response body is larger than 64 MiB"};
      reply.body.append(chunk, received);
    }
  }
  return reply;
}

}  // namespace bmcp::bridge
