"""The SSE parser of the addon's MCP client."""
from __future__ import annotations

from .. import paths  # noqa: F401
from blender_mcp.net import sse


def test_an_event_is_dispatched_on_the_blank_line_with_its_id():
    parser = sse.SseParser()
    assert parser.feed_line(b"id: 7\r\n") is None
    assert parser.feed_line(b"event: message\n") is None
    assert parser.feed_line(b'data: {"a": 1}\n') is None
    event = parser.feed_line(b"\n")
    assert (event.event, event.data, event.id) == ("message", '{"a": 1}', "7")
    assert parser.last_event_id == "7"


def test_comments_and_keepalives_produce_no_event():
    parser = sse.SseParser()
    assert parser.feed_line(": keepalive\n") is None
    assert parser.feed_line("\n") is None
    assert parser.last_event_id is None


def test_multi_line_data_is_joined_with_newlines_and_the_last_id_is_kept_across_events():
    events = list(sse.parse_events(["id: 1\n", "data: a\n", "data: b\n", "\n", "data: c\n", "\n"]))
    assert [(e.data, e.id) for e in events] == [("a\nb", "1"), ("c", None)]


def test_a_post_reply_body_is_parsed_whole_and_an_unterminated_event_is_dropped():
    body = b'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n: keepalive\n\n'
    assert [e.data for e in sse.parse_body(body)] == ['{"jsonrpc":"2.0","id":1,"result":{}}']
    parser = sse.SseParser()
    parser.feed_line("data: partial\n")
    assert parser.finish() is None


def test_a_field_without_a_space_after_the_colon_is_read_as_well():
    event = list(sse.parse_events(["data:x\n", "id:3\n", "\n"]))[0]
    assert (event.data, event.id) == ("x", "3")
