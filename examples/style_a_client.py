"""Style A client from the guide "Write your own LLM client": log in, open an authenticated
fastmcp transport, call dispatch tools and parse their JSON envelopes.

    python examples/style_a_client.py [BASE_URL [USERNAME [PASSWORD]]]

The arguments default to the environment variables BLENDER_MCP_URL, BLENDER_MCP_USERNAME and
BLENDER_MCP_PASSWORD, and then to http://localhost:8000, demo and demo.

It prints the envelope of blender_get_scene_info (a Python dict), then the `result` of
blender_execute_code (the captured stdout: "3\\n" on Blender's default scene), and downloads a
PolyHaven HDRI when the PolyHaven status probe completes. A Blender client (the addon, or
examples/fake_blender_peer.py) must be connected to the same user's bus.

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


# Stage 1 — Get a JWT
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
transport = StreamableHttpTransport(
    url=f"{BASE}/mcp",
    headers={"Authorization": f"Bearer {token}"},
)


# Stage 3 — Call tools
async def main():
    async with Client(transport) as client:
        # Read the active scene. Returns a JSON string; parse it.
        raw = await client.call_tool("blender_get_scene_info", {})
        result = json.loads(raw.content[0].text)
        print(result)
        # {"status": "completed", "command": "get_scene_info",
        #  "target_uuid": "blender-demo01", "job_id": "j-...",
        #  "result": "{...scene info as JSON string...}", "error": ""}

        # Run arbitrary Python in Blender.
        raw = await client.call_tool("blender_execute_code", {
            "code": "import bpy; print(len(bpy.data.objects))"
        })
        print(json.loads(raw.content[0].text)["result"])  # "3\n"

        # Download a PolyHaven HDRI. Status probe first.
        status = json.loads(
            (await client.call_tool("blender_get_polyhaven_status", {})).content[0].text
        )
        if status["status"] == "completed":
            await client.call_tool("blender_download_polyhaven_asset", {
                "asset_id": "kloofendal_43d_clear_puresky",
                "asset_type": "hdris",
                "resolution": "2k",
            })


asyncio.run(main())
