// One keep-alive HTTP/1.1 connection used with blocking reads: send a request, read its
// whole response. Used for session set-up and by the programs that are not load generators.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "http_response_parser.hpp"
#include "url.hpp"

namespace bench {

class BlockingConnection {
 public:
  explicit BlockingConnection(const HttpUrl& url);
  ~BlockingConnection();
  BlockingConnection(const BlockingConnection&) = delete;
  BlockingConnection& operator=(const BlockingConnection&) = delete;

  // Writes `request` and reads the complete response. Throws on I/O or framing errors.
  const HttpResponseParser& round_trip(std::string_view request);
  // Writes `request` and reads until the response head is complete; body bytes go to `sink`
  // from then on through pump(). Used for SSE streams.
  const HttpResponseParser& open_stream(std::string_view request,
                                        HttpResponseParser::BodySink sink);
  // Reads once (blocking) and feeds the stream; returns false when the peer closed.
  bool pump();
  // When the bytes pump() is feeding arrived (see read_some_stamped); with
  // enable_arrival_stamps(fd()) that is the kernel's receive time, else the read's.
  std::int64_t arrived_ns() const { return arrived_ns_; }

  int fd() const { return fd_; }
  // Hands the socket and its parser state over to the caller (for non-blocking use).
  HttpResponseParser& parser() { return parser_; }

 private:
  void read_until(bool (*enough)(const HttpResponseParser&));
  int fd_ = -1;
  std::int64_t arrived_ns_ = 0;
  HttpResponseParser parser_;
};

}  // namespace bench
