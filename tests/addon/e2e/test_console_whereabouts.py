"""A real Blender registers and the web console's Clients page shows the Blender version and host
it reported (addon/blender_mcp/whereabouts.py, docs/console.md), read from the page's event stream
as the browser gets it."""
from __future__ import annotations

import socket

from blackbox.console_client import signed_in
from blackbox.console_clients import by_uuid, last_clients
from blackbox.wire import Http

from .conftest import WORKER_UUID

EVERY_BLENDER_VERSION = True  # conftest.py: once per Blender version


def test_the_console_shows_the_version_and_host_the_addon_reported(server, raw, worker) -> None:
    envelope = raw.call("blender_execute_code", {"code": "import bpy; print(bpy.app.version_string)"})
    assert envelope["status"] == "completed", envelope
    version = envelope["result"].strip()
    http = Http(server.base_url)
    stream = signed_in(http, "demo", "demo").events()
    try:
        assert stream.wait_for(lambda s: WORKER_UUID in by_uuid(last_clients(s)), 10.0), last_clients(stream)
        client = by_uuid(last_clients(stream))[WORKER_UUID]
        assert (client["blender_version"], client["host"]) == (version, socket.gethostname()), client
        assert client["online"] is True and client["queued"] == 0, client
        assert "held" not in client, client  # online: nothing is held for it
    finally:
        stream.close()
        http.close()
