"""Shared pieces of the bus tests (contract §5.1, §6, §8): a user's bus driven through raw MCP
sessions, the bus records that arrive on their standalone streams, and exact-shape checks.

* `Bus` — one user's bus on one server. `bus.join(uuid, ...)` initializes an MCP session, sets its
  level, registers the client and opens its GET stream; `bus.observer` is a session with no client,
  used to read the bus without touching any client's `last_seen`.
* `Peer` — one joined MCP session and the streams it opened, in order.
* fixtures `bus_for` (a factory: `bus_for(srv, username="demo", password="demo")`) and `own_bus`
  (a user created for the test on the shared server, so the test has an empty bus of its own).
  Test modules import the fixtures they use.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pytest

from blackbox.wire import Session, SseStream, login_ok

BUS_LOGGER = "_message_bus"
LEVELS = ["emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"]
CLIENT_INFO_KEYS = {"uuid", "client_type", "is_persistent", "capabilities", "group_id", "connected_at", "last_seen",
                    "online", "last_seen_seconds_ago"}
RECORD_KEYS = {"user_id", "from_uuid", "target_uuid", "routing", "payload", "job_id", "message_id", "priority",
               "timestamp"}
SEND_RESULT_KEYS = {"status", "message_id", "job_id", "targets", "filtered_by_level", "offline", "routing"}
JOB_UPDATE_RESULT_KEYS = {"status", "delivered", "targets", "filtered_by_level", "offline"}
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
FIXED_TIMESTAMP = re.compile(r'"timestamp":\s*-?\d+\.\d+\s*[,}]')
VOLATILE_CLIENT_KEYS = ("last_seen", "last_seen_seconds_ago")
RECORD_TIMEOUT = 10.0


# --------------------------------------------------------------------------------------------------
# Tool results


def decoded(result: dict) -> dict:
    """The result object of a successful tool call (`isError: false`); `structuredContent`, when sent,
    is the same object."""
    assert result.get("isError") is False, result
    assert result["content"][0]["type"] == "text", result
    value = json.loads(result["content"][0]["text"])
    if "structuredContent" in result:
        assert result["structuredContent"] == value, result
    return value


def assert_invalid_arguments(result: dict, tool: str) -> None:
    """Contract §4.10: a validation failure is `isError: true` with `Invalid arguments for <tool>: <detail>`."""
    assert result.get("isError") is True, result
    assert "structuredContent" not in result, result
    assert result["content"][0]["type"] == "text", result
    assert result["content"][0]["text"].startswith(f"Invalid arguments for {tool}: "), result


def call(session: Session, tool: str, arguments: dict | None = None) -> dict:
    return decoded(session.tool(tool, arguments or {}))


def register(session: Session, uuid: str, client_type: str = "llm", **fields: Any) -> dict:
    """Registers and returns the ClientInfo, which must have exactly the nine wire keys."""
    result = call(session, "blender_register_client", {"client_uuid": uuid, "client_type": client_type, **fields})
    assert result["status"] == "ok" and set(result) == {"status", "client"}, result
    assert set(result["client"]) == CLIENT_INFO_KEYS, result
    assert result["client"]["uuid"] == uuid, result
    return result["client"]


def unregister(session: Session, uuid: str) -> dict:
    return call(session, "blender_unregister_client", {"client_uuid": uuid})


def send(session: Session, payload: Any, **fields: Any) -> dict:
    return call(session, "blender_send_message", {"payload": payload, **fields})


def send_ok(session: Session, payload: Any, **fields: Any) -> dict:
    """A send that must succeed with exactly the documented keys (no bound was hit, so no `dropped`)."""
    result = send(session, payload, **fields)
    assert result.get("status") == "ok" and set(result) == SEND_RESULT_KEYS, result
    assert UUID4.match(result["message_id"]), result
    return result


def job_update(session: Session, job_id: str, status: str, **fields: Any) -> dict:
    return call(session, "blender_job_update", {"job_id": job_id, "status": status, **fields})


def job_update_ok(session: Session, job_id: str, status: str, **fields: Any) -> dict:
    result = job_update(session, job_id, status, **fields)
    assert result.get("status") == "ok" and set(result) == JOB_UPDATE_RESULT_KEYS, result
    return result


def set_level(session: Session, level: str) -> None:
    assert session.result("logging/setLevel", {"level": level}) == {}


def read_resource(session: Session, uri: str) -> dict:
    """`resources/read` of a bus resource: one JSON content, decoded."""
    result = session.result("resources/read", {"uri": uri})
    assert set(result) == {"contents"} and len(result["contents"]) == 1, result
    content = result["contents"][0]
    assert set(content) == {"uri", "mimeType", "text"}, result
    assert content["uri"] == uri and content["mimeType"] == "application/json", result
    return json.loads(content["text"])


def uuids(clients: list[dict]) -> list[str]:
    return [client["uuid"] for client in clients]


def stable(client: dict) -> dict:
    """A ClientInfo without the keys that move with time and requests."""
    return {k: v for k, v in client.items() if k not in VOLATILE_CLIENT_KEYS}


# --------------------------------------------------------------------------------------------------
# Bus records on standalone streams


@dataclass
class Record:
    """One bus record as it arrived: its SSE event id, `params.level`, the decoded `data` and the
    raw `data:` line of the event."""

    event_id: int
    level: str
    data: dict
    raw: str

    @property
    def payload(self) -> Any:
        return self.data["payload"]


def records_of(stream: SseStream) -> list[Record]:
    found = []
    for event in stream.events:
        message = event.json()
        params = message.get("params") or {}
        if message.get("method") != "notifications/message" or params.get("logger") != BUS_LOGGER:
            continue
        data = params["data"]
        found.append(Record(int(event.id) if event.id is not None else -1, params.get("level"),
                            json.loads(data) if isinstance(data, str) else data, event.data))
    return found


@dataclass
class Peer:
    """A joined MCP session: the uuid it registered and its standalone streams, oldest first.
    `lost` maps a stream's index to the number of its first events the peer processed before the
    stream was cut; later events of that stream count as lost in flight."""

    session: Session
    uuid: str
    client: dict
    streams: list[SseStream] = field(default_factory=list)
    lost: dict[int, int] = field(default_factory=dict)

    @property
    def stream(self) -> SseStream:
        return self.streams[-1]

    def open(self, last_event_id: int | None = None) -> SseStream:
        headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else None
        stream = self.session.stream(headers=headers)
        assert stream.status == 200, stream.raw
        self.streams.append(stream)
        return stream

    def cut(self, lose_last: int = 0) -> None:
        """Drops the current stream from the client side, as a lost connection would; the last
        `lose_last` events that did arrive are treated as lost in flight (never processed)."""
        self.stream.close()
        index = len(self.streams) - 1
        self.lost[index] = max(0, len(self.streams[index].events) - lose_last)

    def _events(self, index: int) -> list:
        events = self.streams[index].events
        return events[:self.lost[index]] if index in self.lost else events

    def records(self) -> list[Record]:
        return [record for index in range(len(self.streams)) for record in records_of(self.streams[index])
                [:self.lost.get(index)]]

    def wait_records(self, count: int, timeout: float = RECORD_TIMEOUT) -> list[Record]:
        """Waits (hard cap `timeout`) until `count` events arrived over all streams; returns the records.
        Only bus records travel on standalone streams, so events and records are counted alike."""
        earlier = sum(len(self._events(i)) for i in range(len(self.streams) - 1))
        self.stream.wait_for(lambda s: earlier + len(s.parser.events) >= count, timeout)
        return self.records()

    def last_event_id(self) -> int | None:
        """The id of the last event processed, for Last-Event-ID."""
        ids = [int(e.id) for i in range(len(self.streams)) for e in self._events(i) if e.id is not None]
        return max(ids) if ids else None

    def close(self) -> None:
        for stream in self.streams:
            stream.close()


def assert_no_new_records(peer: Peer, seen: int, via: Session) -> None:
    """Nothing reached `peer` after its first `seen` records: a marker sent now at `emergency` (delivered
    at every level) is the next record to arrive, since delivery keeps order per MCP session."""
    marker = send_ok(via, {"marker": True}, target_uuid=peer.uuid, priority="emergency")
    records = peer.wait_records(seen + 1)
    assert len(records) >= seen + 1, f"the marker never arrived; {len(records)} records"
    assert records[seen].data["message_id"] == marker["message_id"], records[seen:]
    assert len(records) == seen + 1, records[seen:]


def assert_record(record: Record, *, user_id: str, from_uuid: str, target_uuid: str, routing: dict,
                  payload: Any, job_id: str, message_id: str, priority: int) -> None:
    """Contract §8.5: exactly the nine keys, `data` as an object, the level named after the priority,
    and the timestamp in fixed notation."""
    assert isinstance(json.loads(record.raw)["params"]["data"], dict), record.raw
    assert set(record.data) == RECORD_KEYS, record.data
    expected = {"user_id": user_id, "from_uuid": from_uuid, "target_uuid": target_uuid, "routing": routing,
                "payload": payload, "job_id": job_id, "message_id": message_id, "priority": priority}
    assert {k: v for k, v in record.data.items() if k != "timestamp"} == expected
    assert record.level == LEVELS[priority], record
    assert isinstance(record.data["timestamp"], float), record.data
    assert FIXED_TIMESTAMP.search(record.raw), record.raw


# --------------------------------------------------------------------------------------------------
# A user's bus


class Bus:
    """One user's bus on one server, driven through MCP sessions of that user. On a cluster,
    `mcps` holds a client per node and each new session goes to the next node in turn, so a
    test's clients are spread over the nodes."""

    def __init__(self, mcp: Any, user_id: str, more: tuple[Any, ...] = ()) -> None:
        self.mcp = mcp
        self.mcps = [mcp, *more]
        self._sessions_made = 0
        self.user_id = user_id
        self.peers: list[Peer] = []
        self._observer: Session | None = None

    def _next_mcp(self) -> Any:
        mcp = self.mcps[self._sessions_made % len(self.mcps)]
        self._sessions_made += 1
        return mcp

    @property
    def observer(self) -> Session:
        if self._observer is None:
            self._observer = self._next_mcp().initialize()
        return self._observer

    def session(self, level: str | None = None) -> Session:
        session = self._next_mcp().initialize()
        if level is not None:
            set_level(session, level)
        return session

    def join(self, uuid: str, client_type: str = "llm", *, level: str | None = "debug", stream: bool = True,
             **fields: Any) -> Peer:
        """A new MCP session that sets `level`, registers `uuid` and (unless `stream=False`) opens its stream."""
        session = self.session(level)
        peer = Peer(session, uuid, register(session, uuid, client_type, **fields))
        self.peers.append(peer)
        if stream:
            peer.open()
        return peer

    def listing(self) -> dict:
        result = call(self.observer, "blender_list_available_clients")
        assert result["status"] == "ok" and set(result) == {"status", "user_id", "persistent", "ephemeral"}, result
        assert result["user_id"] == self.user_id, result
        return result

    def client(self, uuid: str) -> dict | None:
        listing = self.listing()
        matches = [c for c in listing["persistent"] + listing["ephemeral"] if c["uuid"] == uuid]
        assert len(matches) <= 1, listing
        return matches[0] if matches else None

    def stats(self) -> dict:
        return read_resource(self.observer, "blender://bus/stats")

    def state(self) -> tuple[dict, dict]:
        """What a failed call must not change: the listing (without time-moving keys) and the stats."""
        listing = self.listing()
        return ({"persistent": [stable(c) for c in listing["persistent"]],
                 "ephemeral": [stable(c) for c in listing["ephemeral"]]}, self.stats())

    def close(self) -> None:
        for peer in self.peers:
            peer.close()


@pytest.fixture
def bus_for(http_for, mcp_for) -> Iterator[Callable[..., Bus]]:
    """A factory: `bus_for(srv, username="demo", password="demo")`; sessions end and streams close after the test."""
    made: list[Bus] = []

    def make(srv: Any, username: str = "demo", password: str = "demo") -> Bus:
        tokens = login_ok(http_for(srv), username, password)
        nodes = getattr(srv, "nodes", [srv])
        clients = [mcp_for(node, tokens.access) for node in nodes]
        made.append(Bus(clients[0], username, tuple(clients[1:])))
        return made[-1]

    yield make
    for bus in made:
        bus.close()


@pytest.fixture
def own_bus(server, new_user, bus_for) -> Bus:
    """The bus of a user created for this test on the shared server: empty, and seen by nobody else."""
    return bus_for(server, *new_user(server))
