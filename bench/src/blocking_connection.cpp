#include "blocking_connection.hpp"

#include <unistd.h>

#include <stdexcept>

#include "socket_io.hpp"

namespace bench {

BlockingConnection::BlockingConnection(const HttpUrl& url) : fd_(connect_tcp(url)) {}

BlockingConnection::~BlockingConnection() {
  if (fd_ >= 0)
    close(fd_);
}

void BlockingConnection::read_until(bool (*enough)(const HttpResponseParser&)) {
  char buffer[16384];
  while (!enough(parser_)) {
    long n = read_some(fd_, buffer, sizeof buffer);
    if (n == 0) {
      parser_.finish_on_eof();
      return;
    }
    if (n < 0)
      throw std::runtime_error("unexpected EAGAIN on a blocking socket");
    std::size_t used = parser_.feed(buffer, static_cast<std::size_t>(n));
    if (used != static_cast<std::size_t>(n))
      throw std::runtime_error("server sent bytes after the end of a response");
  }
}

const HttpResponseParser& BlockingConnection::round_trip(std::string_view request) {
  parser_.set_body_sink(nullptr);
  parser_.reset();
  write_all(fd_, request);
  read_until([](const HttpResponseParser& p) { return p.done(); });
  return parser_;
}

const HttpResponseParser& BlockingConnection::open_stream(std::string_view request,
                                                          HttpResponseParser::BodySink sink) {
  parser_.reset();
  parser_.set_body_sink(std::move(sink));
  write_all(fd_, request);
  read_until([](const HttpResponseParser& p) { return p.headers_done(); });
  return parser_;
}

bool BlockingConnection::pump() {
  char buffer[16384];
  long n = read_some_stamped(fd_, buffer, sizeof buffer, &arrived_ns_);
  if (n <= 0)
    return false;
  parser_.feed(buffer, static_cast<std::size_t>(n));
  return !parser_.done();
}

}  // namespace bench
