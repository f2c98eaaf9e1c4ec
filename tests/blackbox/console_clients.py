"""The Clients page's queue depths, held counts and reported Blender version and host, read from the
console's event stream (docs/console.md): one scenario shared by the one-node and the cluster
tests."""
from __future__ import annotations

import json

from blackbox.bus_helpers import Bus, send_ok
from blackbox.console_client import Console

QUEUED = 3
HELD = 2
VERSION = "4.2.3 LTS"
HOST = "studio-7.example"


def last_clients(stream) -> dict:
    lists = [json.loads(event.data) for event in stream.parser.events if event.event == "clients"]
    return lists[-1] if lists else {}


def by_uuid(clients: dict) -> dict[str, dict]:
    return {client["uuid"]: client for client in clients.get("persistent", []) + clients.get("ephemeral", [])}


def check_queue_depths_and_reports(console: Console, bus: Bus) -> None:
    """A Blender whose session has no open stream gets QUEUED records (its queue depth), one that went
    offline gets HELD (held for it); the console shows both numbers and the reported version and host
    without a reload, and nothing of the kind for a client that reported nothing. On a cluster the
    clients are spread over the nodes (Bus.join takes them in turn) and `console` signs in on a node
    that holds neither session, so the numbers come from the shared store."""
    stream = console.events()
    try:
        assert stream.wait_for(lambda s: bool(last_clients(s)), 5.0)
        quiet = bus.join("blender-quiet", "blender", is_persistent=True, stream=False,
                         blender_version=VERSION, host=HOST)
        gone = bus.join("blender-gone", "blender", is_persistent=True)
        sender = bus.join("llm-sender", "llm")
        gone.close()
        assert gone.session.delete().status in (200, 202, 204)
        for i in range(QUEUED):
            send_ok(sender.session, {"n": i}, target_uuid=quiet.uuid, from_uuid=sender.uuid)
        for i in range(HELD):
            assert send_ok(sender.session, {"n": i}, target_uuid=gone.uuid)["offline"] == [gone.uuid]

        def shown(s) -> bool:
            clients = by_uuid(last_clients(s))
            q, g = clients.get(quiet.uuid, {}), clients.get(gone.uuid, {})
            return q.get("queued") == QUEUED and g.get("held") == HELD and g.get("online") is False

        assert stream.wait_for(shown, 10.0), last_clients(stream)
        clients = by_uuid(last_clients(stream))
        assert (clients[quiet.uuid]["blender_version"], clients[quiet.uuid]["host"]) == (VERSION, HOST)
        assert clients[gone.uuid]["queued"] == 0
        for absent in ("blender_version", "host"):
            assert absent not in clients[gone.uuid] and absent not in clients[sender.uuid], clients
        assert "held" not in clients[sender.uuid], clients  # ephemeral: nothing is ever held for it
        assert "error" not in last_clients(stream) and "details_error" not in last_clients(stream)
        # The contract's listing is unchanged: the nine ClientInfo keys only.
        listing = bus.listing()
        assert {uuid for c in listing["persistent"] for uuid in c} == {
            "uuid", "client_type", "is_persistent", "capabilities", "group_id", "connected_at", "last_seen",
            "online", "last_seen_seconds_ago"}
    finally:
        stream.close()
