"""The user guide's Style B client ("Write your own LLM client", Style B — custom _message_bus
subscription), as the guide writes it. Only the server URL and the login credentials come from the
command line: `python style_b_client.py BASE_URL USERNAME PASSWORD`.

It logs in with requests, opens a StreamableHttpTransport with the bearer token, filters bus records
in a message handler, resolves a JobWaiter future on the job_update reply, subscribes at debug,
registers llm-myclient-001, dispatches a script to blender-demo01 as job-abc123, waits up to 30 s,
prints the reply and unregisters (the guide's last call; its result is printed too).

Runs under fastmcp 4.x (.venv) and fastmcp 3.x (.venv-fastmcp3).
"""
import sys

import requests

BASE, USERNAME, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3]


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

# Stage 2 — Open an authenticated FastMCP transport
from fastmcp import Client  # noqa: E402
from fastmcp.client.transports import StreamableHttpTransport  # noqa: E402

transport = StreamableHttpTransport(
    url=f"{BASE}/mcp",
    headers={"Authorization": f"Bearer {token}"},
)

# Stage 3 — A message handler that filters bus traffic
import json  # noqa: E402

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
import asyncio  # noqa: E402


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
    # "Wire waiter.resolve(data) into your on_message."
    waiter.resolve(data)


# Stage 5 — Register, dispatch, wait
async def main():
    async def handler(message):
        # reuse on_message from stage 3, which calls waiter.resolve(decoded_data)
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
