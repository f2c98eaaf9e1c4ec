"""Style B client from the guide "Write your own LLM client": subscribe to the `_message_bus`
records, join the bus, dispatch a script with blender_send_message and wait for its job_update.

    python examples/style_b_client.py [BASE_URL [USERNAME [PASSWORD]]]

The arguments default to the environment variables BLENDER_MCP_URL, BLENDER_MCP_USERNAME and
BLENDER_MCP_PASSWORD, and then to http://localhost:8000, demo and demo.

It registers as llm-myclient-001, sends a job_dispatch (job-abc123) to blender-demo01, prints the
job_update payload that comes back within 30 s ({'kind': 'job_update', ..., 'result': '3\\n'} from
the addon on Blender's default scene), then unregisters and prints that result. The Blender client
blender-demo01 (the addon with BLENDER_MCP_CLIENT_UUID=blender-demo01, or
examples/fake_blender_peer.py) must be connected to the same user's bus.

The guide shows the final blender_unregister_client call after asyncio.run(main()); here it runs
inside main(), while the client is still connected.

Needs fastmcp (3.x or 4.x) and requests.
"""
import asyncio
import json
import os
import sys

import requests
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

BASE = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BLENDER_MCP_URL", "http://localhost:8000")
USERNAME = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("BLENDER_MCP_USERNAME", "demo")
PASSWORD = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("BLENDER_MCP_PASSWORD", "demo")


# Stage 1 — Get a JWT (same as Style A)
def login(base: str, username: str, password: str) -> dict:
    r = requests.post(
        f"{base}/auth/login",
        json={"username": username, "password": password},
        timeout=10,
    )
    r.raise_for_status()
    return r.json()  # {access_token, refresh_token, token_type, expires_in, user}


auth = login(BASE, USERNAME, PASSWORD)
token = auth["access_token"]

# Stage 2 — Open an authenticated FastMCP transport (same as Style A)
transport = StreamableHttpTransport(
    url=f"{BASE}/mcp",
    headers={"Authorization": f"Bearer {token}"},
)

# Stage 3 — A message handler that filters bus traffic
MESSAGE_BUS_LOGGER = "_message_bus"


async def on_message(message):
    inner = getattr(message, "root", message)
    if getattr(inner, "method", None) != "notifications/message":
        return
    params = getattr(inner, "params", None)
    if params is None:
        return
    logger = getattr(params, "logger", None) or (
        params.get("logger") if isinstance(params, dict) else None
    )
    if logger != MESSAGE_BUS_LOGGER:
        return
    data = getattr(params, "data", None) or (
        params.get("data") if isinstance(params, dict) else None
    )
    if isinstance(data, str):
        data = json.loads(data)
    # data shape:
    # {user_id, from_uuid, target_uuid, routing, payload,
    #  job_id, message_id, priority, timestamp}
    handle_bus_record(data)


# Stage 4 — A client-side JobWaiter
class JobWaiter:
    def __init__(self):
        self._futures: dict[str, asyncio.Future] = {}

    def register(self, job_id: str) -> asyncio.Future:
        loop = asyncio.get_event_loop()
        fut = loop.create_future()
        self._futures[job_id] = fut
        return fut

    def resolve(self, data: dict):
        # called from on_message when a job_update arrives
        payload = data.get("payload", {})
        if payload.get("kind") != "job_update":
            return
        fut = self._futures.pop(payload["job_id"], None)
        if fut and not fut.done():
            fut.set_result(payload)


waiter = JobWaiter()


def handle_bus_record(data):
    # Wire waiter.resolve(data) into your on_message.
    waiter.resolve(data)


# Stage 5 — Register on the bus, dispatch, wait for the reply
async def main():
    async def handler(message):
        # on_message from stage 3, which calls waiter.resolve(decoded_data)
        await on_message(message)

    async with Client(transport, message_handler=handler) as client:
        # Subscribe to every priority level (default is "warning").
        await client.set_logging_level("debug")
        # Join the bus.
        my_uuid = "llm-myclient-001"
        await client.call_tool("blender_register_client", {
            "client_uuid": my_uuid,
            "client_type": "llm",
            "is_persistent": False,
            "capabilities": ["chat"],
        })
        # Dispatch a script.
        job_id = "job-abc123"
        fut = waiter.register(job_id)
        await client.call_tool("blender_send_message", {
            "target_uuid": "blender-demo01",
            "from_uuid": my_uuid,
            "priority": "info",
            "payload": {
                "message_type": "job_dispatch",
                "job_id": job_id,
                "script": "import bpy\nprint(len(bpy.data.objects))",
            },
        })
        # Wait for the addon's job_update reply.
        result = await asyncio.wait_for(fut, timeout=30)
        print(result)  # {kind:'job_update', status:'completed', result:'3\n', ...}

        # Stage 6 — Clean up
        raw = await client.call_tool("blender_unregister_client", {"client_uuid": my_uuid})
        print(json.loads(raw.content[0].text))


asyncio.run(main())
