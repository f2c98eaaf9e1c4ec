#pragma once

#include <atomic>

#include "mcp/request_channel.hpp"
#include "stdio/in_flight.hpp"
#include "stdio/line_writer.hpp"

namespace bmcp::stdio {

// A request's way back over stdio: related messages and the response are lines on the shared
// writer. Counts itself in `in_flight` from construction until it completes or is abandoned.
class LineRequestChannel final : public mcp::RequestChannel {
 public:
  LineRequestChannel(LineWriter& out, InFlight& in_flight);
  ~LineRequestChannel() override;

  bool send_related(std::string_view json_text) override;
  void complete(std::string_view json_text) override;
  void abandon() override;

 private:
  void finish();

  LineWriter& out_;
  InFlight& in_flight_;
  std::atomic<bool> finished_{false};
};

}  // namespace bmcp::stdio
