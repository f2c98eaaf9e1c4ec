// Incremental HTTP/1.1 response parser: status line, headers, then a body framed by
// Content-Length or chunked transfer coding. The body is either collected (default) or handed
// piece by piece to a sink, which is how SSE streams are read while they stay open.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

class HttpResponseParser {
 public:
  using BodySink = std::function<void(std::string_view)>;

  // Body bytes go to `sink` instead of body() (for streams that never end).
  void set_body_sink(BodySink sink) { sink_ = std::move(sink); }
  // Consumes bytes; returns how many were used. Bytes after the end of the response are left
  // unconsumed (the caller treats them as a protocol error: no request is ever pipelined).
  // Throws std::runtime_error on malformed framing.
  std::size_t feed(const char* data, std::size_t size);
  // The peer closed the connection: completes a body that is delimited by the close.
  void finish_on_eof();

  bool headers_done() const { return state_ != State::kHead; }
  bool done() const { return state_ == State::kDone; }
  int status() const { return status_; }
  // Value of the first header with this name (case-insensitive), or "".
  std::string header(std::string_view name) const;
  const std::string& body() const { return body_; }
  // Ready for the next response on the same connection (the sink is kept).
  void reset();

 private:
  enum class State {
    kHead,
    kFixedBody,
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailers,
    kUntilClose,
    kDone
  };
  void parse_head(std::string_view head);
  void emit(std::string_view piece);

  State state_ = State::kHead;
  std::string line_;  // partial head or chunk-size line
  int status_ = 0;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
  std::size_t remaining_ = 0;
  BodySink sink_;
};

}  // namespace bench
