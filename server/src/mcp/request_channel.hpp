#pragma once

#include <memory>
#include <string>

namespace bmcp::mcp {

// The way back to the client for one request: messages related to it (progress, logs,
// server-to-client requests) and then its single response. Implemented by the transport
// (an SSE or a JSON HTTP response). Thread safety: any thread; calls are serialized by caller.
class RequestChannel {
 public:
  virtual ~RequestChannel() = default;
  // False when related messages cannot reach the client (a JSON response, or it went away).
  virtual bool send_related(std::string_view json_text) = 0;
  // The final response; ends the channel.
  virtual void complete(std::string_view json_text) = 0;
  // Ends the channel without a response (the request was cancelled or its session ended).
  virtual void abandon() = 0;
};

}  // namespace bmcp::mcp
