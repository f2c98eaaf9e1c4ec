"""A stand-in for the Blender addon in the Style B interop test, written as a fastmcp client.

`python style_b_peer.py BASE_URL USERNAME PASSWORD`. It logs in, subscribes at debug, registers as
the persistent client `blender-demo01` (client_type "blender"), prints `ready`, then waits for one
`job_dispatch` record addressed to it and answers with
`blender_job_update(job_id, "completed", result="3\\n")` (what the addon's script run would capture
on the default scene). It prints one JSON line with what it saw and did, unregisters, and exits.

Runs under fastmcp 4.x (.venv) and fastmcp 3.x (.venv-fastmcp3).
"""
import asyncio
import json
import sys

import requests
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

MESSAGE_BUS_LOGGER = "_message_bus"
MY_UUID = "blender-demo01"
JOB_WAIT_SECONDS = 60


def bus_record(message):
    """`{"level", "data"}` of a `_message_bus` notification (data decoded), or None for anything else."""
    inner = getattr(message, "root", message)
    if getattr(inner, "method", None) != "notifications/message":
        return None
    params = getattr(inner, "params", None)
    if params is None:
        return None
    get = (lambda name: params.get(name)) if isinstance(params, dict) else (lambda name: getattr(params, name, None))
    if get("logger") != MESSAGE_BUS_LOGGER:
        return None
    data = get("data")
    return {"level": get("level"), "data": json.loads(data) if isinstance(data, str) else data}


async def main(base: str, username: str, password: str) -> dict:
    import fastmcp

    r = requests.post(f"{base}/auth/login", json={"username": username, "password": password}, timeout=10)
    r.raise_for_status()
    token = r.json()["access_token"]
    jobs: asyncio.Queue = asyncio.Queue()
    report = {"fastmcp_version": fastmcp.__version__, "records": []}

    async def handler(message):
        # Runs in the client's receive loop: hand the job over instead of calling tools from here.
        record = bus_record(message)
        if record is None:
            return
        report["records"].append(record)
        data = record["data"]
        payload = data.get("payload") or {}
        if data.get("target_uuid") == MY_UUID and payload.get("message_type") == "job_dispatch":
            jobs.put_nowait(payload)

    transport = StreamableHttpTransport(url=f"{base}/mcp", headers={"Authorization": f"Bearer {token}"})
    async with Client(transport, message_handler=handler) as client:
        await client.set_logging_level("debug")
        raw = await client.call_tool("blender_register_client", {
            "client_uuid": MY_UUID,
            "client_type": "blender",
            "is_persistent": True,
            "capabilities": ["python_execution", "modeling", "rendering", "scene_management", "asset_processing"],
        })
        report["registered"] = json.loads(raw.content[0].text)
        print("ready", flush=True)
        job = await asyncio.wait_for(jobs.get(), timeout=JOB_WAIT_SECONDS)
        report["job"] = job
        raw = await client.call_tool("blender_job_update", {
            "job_id": job["job_id"], "status": "completed", "result": "3\n", "error": ""})
        report["update"] = json.loads(raw.content[0].text)
        raw = await client.call_tool("blender_unregister_client", {"client_uuid": MY_UUID})
        report["unregistered"] = json.loads(raw.content[0].text)
    return report


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:4])), default=str), flush=True)
