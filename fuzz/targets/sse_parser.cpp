// The bridge's text/event-stream parser (bridge::SseParser): every byte a server sends on a
// POST's SSE answer or on the GET stream. The first input byte chooses how the rest is cut into
// pieces (as the network would); the rest is the stream. Beyond "no crash, no leak, no undefined
// behaviour":
//  - the events do not depend on how the stream was cut: fed whole, in pieces of the chosen
//    sizes and byte by byte, the parser delivers the same events;
//  - an event's data holds no CR (lines are joined with LF), and its id holds no CR, LF or NUL
//    (an id with NUL is ignored, as the SSE specification says).
#include "bridge/sse_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"

namespace {

using bmcp::bridge::SseEvent;
using bmcp::bridge::SseParser;
using bmcp::fuzz::require;

struct Parsed {
  std::vector<SseEvent> events;
  SseParser parser{[this](SseEvent event) { events.push_back(std::move(event)); }};
};

bool same_events(const std::vector<SseEvent>& a, const std::vector<SseEvent>& b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].data != b[i].data)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const unsigned cut = data[0];
  const auto stream = bmcp::fuzz::as_text(data + 1, size - 1);

  Parsed whole;
  whole.parser.feed(stream);

  // Pieces of 1 to 16 bytes, the sizes cycling through the bits of the first byte.
  Parsed pieces;
  for (std::size_t at = 0, n = 0; at < stream.size(); ++n) {
    const std::size_t length = 1 + ((cut >> (n % 8)) & 0xF);
    pieces.parser.feed(stream.substr(at, length));
    at += length;
  }

  Parsed bytes;
  for (std::size_t at = 0; at < stream.size(); ++at)
    bytes.parser.feed(stream.substr(at, 1));

  require(same_events(whole.events, pieces.events), "events do not depend on the pieces");
  require(same_events(whole.events, bytes.events), "events do not depend on the pieces (bytes)");
  for (const auto& event : whole.events) {
    require(event.data.find('\r') == std::string::npos, "event data holds no CR");
    if (event.id) {
      require(event.id->find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
              "an event id holds no CR, LF or NUL");
    }
  }
  return 0;
}
