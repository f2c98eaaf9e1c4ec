"""A fake Blender peer for blender-mcp: stands in for the Blender addon on a user's bus.

It connects to a running blender-mcp server with fastmcp, subscribes to every bus priority
(logging level ``debug``), registers as a persistent client of type ``blender`` and answers the two
payloads an addon acts on (contract §8.7), addressed to its own uuid:

* ``command_dispatch`` (what the 26 dispatch tools send) is answered with
  ``blender_job_update(job_id, "completed", result=json.dumps({"echoed_command": command,
  "echoed_params": params}))``;
* ``job_dispatch`` (a script sent with ``blender_send_message``) is answered with
  ``blender_job_update(job_id, "completed", result="(fake-peer) executed:\\n<script>")``.

Every other record is ignored. Nothing runs Blender code. Once registered it prints
``fake peer <uuid> ready`` on stdout, so a script or test can wait for that line.

Usage::

    python examples/fake_blender_peer.py --server http://127.0.0.1:8000 --username demo --password demo
    python examples/fake_blender_peer.py --server http://127.0.0.1:8000 --token "$ACCESS_TOKEN" \\
        --uuid blender-abc --duration 60 --delay 5 --progress

``--duration 0`` (the default) runs until the process is interrupted (Ctrl-C or SIGTERM); the MCP
session is then ended properly, which leaves the persistent client registered but offline.
``--delay`` waits before each reply (to exercise dispatch timeouts); ``--progress`` sends a
``running`` update with progress 0.5 before each reply.

Needs only the standard library and fastmcp (3.x or 4.x).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import urllib.request
from typing import Any

from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

BUS_LOGGER = "_message_bus"
CAPABILITIES = ["python_execution", "modeling", "rendering", "scene_management", "asset_processing"]
LOGIN_TIMEOUT = 10.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="A fake Blender addon that echoes dispatched jobs.")
    parser.add_argument("--server", default="http://127.0.0.1:8000", help="server base URL (no /mcp)")
    parser.add_argument("--token", help="access token; otherwise --username/--password log in")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--uuid", default="blender-demo01", help="client uuid to register")
    parser.add_argument("--duration", type=float, default=0.0, help="seconds to run; 0 = until killed")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each reply")
    parser.add_argument("--progress", action="store_true", help="send a running update (0.5) first")
    return parser.parse_args(argv)


def login(base: str, username: str, password: str) -> str:
    """POST /auth/login and return the access token."""
    request = urllib.request.Request(
        f"{base}/auth/login",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=LOGIN_TIMEOUT) as response:
        return json.loads(response.read())["access_token"]


def bus_data(message: Any) -> dict[str, Any] | None:
    """The decoded ``data`` of a ``_message_bus`` notification, or None for any other message."""
    inner = getattr(message, "root", message)
    if getattr(inner, "method", None) != "notifications/message":
        return None
    params = getattr(inner, "params", None)
    if isinstance(params, dict):
        logger, data = params.get("logger"), params.get("data")
    else:
        logger, data = getattr(params, "logger", None), getattr(params, "data", None)
    if logger != BUS_LOGGER:
        return None
    if isinstance(data, str):  # receivers must accept data as JSON text too (§8.5)
        data = json.loads(data)
    return data if isinstance(data, dict) else None


def reply_for(payload: dict[str, Any]) -> str | None:
    """The result text the fake peer reports for a payload, or None if it ignores the payload."""
    kind = payload.get("message_type")
    if kind == "command_dispatch":
        return json.dumps({"echoed_command": payload.get("command"), "echoed_params": payload.get("params")})
    if kind == "job_dispatch":
        return f"(fake-peer) executed:\n{payload.get('script', '')}"
    return None


class FakePeer:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.jobs: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.tasks: set[asyncio.Task[None]] = set()

    async def on_message(self, message: Any) -> None:
        # Runs inside the client's receive loop: queue the work rather than calling tools here.
        data = bus_data(message)
        if data is None or data.get("target_uuid") != self.args.uuid:
            return
        payload = data.get("payload")
        if isinstance(payload, dict) and isinstance(payload.get("job_id"), str) and reply_for(payload) is not None:
            self.jobs.put_nowait(payload)

    async def on_log(self, _params: Any) -> None:
        """Bus records are handled in on_message; keep fastmcp from logging each of them."""

    async def answer(self, client: Client, payload: dict[str, Any]) -> None:
        job_id = payload["job_id"]
        if self.args.progress:
            await client.call_tool("blender_job_update", {
                "job_id": job_id, "status": "running", "progress": 0.5,
                "progress_message": "(fake-peer) half way"})
        if self.args.delay > 0:
            await asyncio.sleep(self.args.delay)
        await client.call_tool("blender_job_update", {
            "job_id": job_id, "status": "completed", "result": reply_for(payload), "error": ""})
        print(f"fake peer {self.args.uuid} answered {job_id}", file=sys.stderr, flush=True)

    async def serve(self, client: Client) -> None:
        """Answers jobs as they come, each in its own task so a --delay never holds up the next."""
        while True:
            payload = await self.jobs.get()
            task = asyncio.create_task(self.answer(client, payload))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def run(self) -> None:
        token = self.args.token or login(self.args.server, self.args.username, self.args.password)
        transport = StreamableHttpTransport(url=f"{self.args.server}/mcp",
                                            headers={"Authorization": f"Bearer {token}"})
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with Client(transport, message_handler=self.on_message, log_handler=self.on_log) as client:
            await client.set_logging_level("debug")
            raw = await client.call_tool("blender_register_client", {
                "client_uuid": self.args.uuid, "client_type": "blender", "is_persistent": True,
                "capabilities": CAPABILITIES})
            registered = json.loads(raw.content[0].text)
            if registered.get("status") != "ok":
                raise SystemExit(f"registration failed: {registered}")
            print(f"fake peer {self.args.uuid} ready", flush=True)
            server = asyncio.create_task(self.serve(client))
            try:
                await asyncio.wait_for(stop.wait(), self.args.duration if self.args.duration > 0 else None)
            except asyncio.TimeoutError:
                pass
            server.cancel()
            for task in list(self.tasks):
                task.cancel()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(FakePeer(parse_args(argv)).run())


if __name__ == "__main__":
    main()
