"""--busy-poll-us: the I/O threads poll for a while after their last event instead of sleeping at
once. Everything is served as without it, and an idle server does not keep a core busy: the
polling ends the set time after the last event."""
from __future__ import annotations

import time

from blackbox.processes import cpu_seconds
from blackbox.wire import Mcp, demo_access_token
from support.server_process import ServerProcess




def call_tools(server: ServerProcess, calls: int) -> None:
    mcp = Mcp(server.base_url, demo_access_token(server.base_url))
    try:
        session = mcp.initialize()
        for _ in range(calls):
            result = session.tool("blender_list_available_clients")
            assert result.get("isError") is not True, result
        assert session.delete().status in (200, 204)
    finally:
        mcp.close()


def test_a_polling_server_serves_as_usual_and_rests_when_idle(spawn):
    server = spawn("--busy-poll-us", "2000")
    assert any("polls for 2000 us after its last event" in line for line in server.stderr_lines), \
        server.stderr_lines
    call_tools(server, 20)
    # Idle: after the last event the threads poll for 2 ms, then sleep. Two seconds of a server
    # that kept polling would cost close to two seconds of CPU per thread.
    time.sleep(0.5)
    before = cpu_seconds(server.process.pid)
    time.sleep(2)
    assert cpu_seconds(server.process.pid) - before < 0.3
    call_tools(server, 5)  # and it wakes up for the next request
