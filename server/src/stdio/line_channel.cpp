#include "stdio/line_channel.hpp"

namespace bmcp::stdio {

LineRequestChannel::LineRequestChannel(LineWriter& out, InFlight& in_flight)
    : out_(out), in_flight_(in_flight) {
  in_flight_.begin();
}

LineRequestChannel::~LineRequestChannel() {
  finish();
}

bool LineRequestChannel::send_related(std::string_view json_text) {
  if (finished_.load())
    return false;
  return out_.write_line(json_text);
}

void LineRequestChannel::complete(std::string_view json_text) {
  if (finished_.load())
    return;
  out_.write_line(json_text);
  finish();
}

void LineRequestChannel::abandon() {
  finish();
}

void LineRequestChannel::finish() {
  if (!finished_.exchange(true))
    in_flight_.end();
}

}  // namespace bmcp::stdio
