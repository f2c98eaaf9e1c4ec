"""Incremental parser of text/event-stream (the subset MCP servers send).

Feed it lines (bytes or str, with or without the line ending); it returns an Event when a blank
line ends one. Comment lines (starting with ':') are ignored, `data` lines are joined with '\n',
an `id` field is remembered as the stream's last event id (SSE rules: an event without an id
keeps the previous one).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator


@dataclass
class Event:
    event: str
    data: str
    id: str | None


class SseParser:
    def __init__(self) -> None:
        self.last_event_id: str | None = None
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._has_fields = False

    def feed_line(self, raw: bytes | str) -> Event | None:
        line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        line = line.rstrip("\r\n")
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        self._has_fields = True
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        return None

    def _dispatch(self) -> Event | None:
        if not self._has_fields:
            return None
        if self._id is not None:
            self.last_event_id = self._id
        event = Event(self._event or "message", "\n".join(self._data), self._id)
        self._event, self._data, self._id, self._has_fields = "", [], None, False
        return event if event.data or event.id is not None else None

    def finish(self) -> Event | None:
        """Ends the stream; an event not followed by a blank line is discarded, as SSE requires."""
        self._event, self._data, self._id, self._has_fields = "", [], None, False
        return None


def parse_events(lines: Iterable[bytes | str]) -> Iterator[Event]:
    parser = SseParser()
    for line in lines:
        event = parser.feed_line(line)
        if event is not None:
            yield event


def parse_body(body: bytes) -> list[Event]:
    """All complete events of a whole SSE body (a POST reply stream)."""
    return list(parse_events(body.splitlines(keepends=True) + [b"\n"]))
