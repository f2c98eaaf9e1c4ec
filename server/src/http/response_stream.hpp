#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http/types.hpp"

namespace bmcp::http {

// The answer to one request, written by the connection that read it. A handler either calls
// respond() once, or start_events() and then push_event()... end(). It may do so later and
// from any thread. Thread safety: all methods are safe from any thread.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;

  virtual void respond(HttpResponse response) = 0;
  // Starts a 200 `text/event-stream` response (chunked, Cache-Control: no-cache,
  // X-Accel-Buffering: no) with `extra` headers. With `watch_disconnect` the connection watches
  // the socket so that a client that goes away is noticed at once (long-lived streams); the
  // connection then closes when the stream ends.
  virtual void start_events(Headers extra, bool watch_disconnect) = 0;
  // Queues one SSE frame. False when the response is closed, or when the frame is larger than
  // event_room(): the client is too slow, and the connection is closed.
  virtual bool push_event(std::shared_ptr<const std::string> frame) = 0;
  // Bytes push_event() accepts now: the bounded buffer less the frames queued or being written.
  virtual std::size_t event_room() const = 0;
  // event_room() of an empty buffer.
  virtual std::size_t event_capacity() const = 0;
  // Runs (on the connection's strand, no lock held) when queued frames have been written after
  // event_room() was asked while the buffer was not empty, so a producer that waited for room
  // can go on. (A producer that found the buffer empty had all the room there is: nothing it
  // could wait for.)
  virtual void on_drained(std::function<void()> callback) = 0;
  // Finishes an event stream after the queued frames.
  virtual void end() = 0;
  // Runs once when the response is over (written, ended, or the client went away); at once if
  // it already is.
  virtual void on_close(std::function<void()> callback) = 0;
};

using Handler = std::function<void(HttpRequest request, std::shared_ptr<ResponseStream> response)>;

}  // namespace bmcp::http
