#include "bridge/sse_parser.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace bmcp::bridge {
namespace {

std::vector<SseEvent> parse_in_pieces(std::string_view stream, std::size_t piece) {
  std::vector<SseEvent> events;
  SseParser parser([&](SseEvent event) { events.push_back(std::move(event)); });
  for (std::size_t at = 0; at < stream.size(); at += piece)
    parser.feed(stream.substr(at, piece));
  return events;
}

TEST(SseParserTest, EventsAreFoundWhateverTheSizeOfThePieces) {
  const std::string_view stream =
      "id: 1\ndata: {\"a\":1}\n\n: keep-alive comment\n\nid: 2\nevent: message\ndata: x\n\n";
  for (std::size_t piece : {1u, 2u, 7u, 1000u}) {
    const auto events = parse_in_pieces(stream, piece);
    ASSERT_EQ(events.size(), 2u) << piece;
    EXPECT_EQ(events[0].id, "1");
    EXPECT_EQ(events[0].data, R"({"a":1})");
    EXPECT_EQ(events[1].id, "2");
    EXPECT_EQ(events[1].data, "x");
  }
}

TEST(SseParserTest, CrLfAndCrLineEndsWorkAndDataLinesJoinWithNewlines) {
  const auto events = parse_in_pieces("data: a\r\ndata:b\r\n\r\ndata: c\r\r", 3);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "a\nb");
  EXPECT_FALSE(events[0].id.has_value());
  EXPECT_EQ(events[1].data, "c");
}

TEST(SseParserTest, AnEventWithoutDataOrNotYetEndedIsNotDelivered) {
  const auto events = parse_in_pieces("id: 5\n\nretry: 100\n\ndata: partial\n", 4);
  EXPECT_TRUE(events.empty());
}

TEST(SseParserTest, AnIdWithNulIsIgnored) {
  // Found by fuzz/targets/sse_parser: the id was kept and would have gone back to the server in
  // a Last-Event-ID header.
  const std::string stream(
      "id: 1\ndata: a\n\nid:\xe6"
      "2\x01\x00`@\ndata: b\n\n",
      34);
  const auto events = parse_in_pieces(stream, 5);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "1");
  EXPECT_FALSE(events[1].id.has_value());
  EXPECT_EQ(events[1].data, "b");
}

}  // namespace
}  // namespace bmcp::bridge
