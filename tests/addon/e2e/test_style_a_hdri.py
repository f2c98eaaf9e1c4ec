"""The user guide's Style A program, run as written, against the real server and a real headless
Blender whose addon has PolyHaven on and points it at the local service server: besides the scene
info and `3\\n`, its last step downloads the HDRI `kloofendal_43d_clear_puresky` (2k), and a
follow-up blender_execute_code through a fastmcp client shows the world lit by that image."""
from __future__ import annotations

import ast
import asyncio
import json
import subprocess
import sys
from typing import Iterator

import pytest
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

from ..integrations.service_server import ServiceServer
from ..paths import EXAMPLES_DIR
from ..raw_mcp import login
from .blender_worker import BlenderWorker, start_background, wait_until_online

UUID = "blender-demo01"
CLIENT_TIMEOUT = 120
HDRI_IMAGE = "kloofendal_43d_clear_puresky_2k.hdr"
EVERY_BLENDER_VERSION = True  # conftest.py: once per Blender version

# Reads the world's node tree: the links as "Node.socket->Node.socket" and the images of its
# Environment Texture nodes, as one JSON line.
WORLD_PROBE = """
import bpy, json
tree = bpy.context.scene.world.node_tree
links = sorted(f"{l.from_node.bl_idname}.{l.from_socket.name}->{l.to_node.bl_idname}.{l.to_socket.name}"
               for l in tree.links)
images = [{"name": n.image.name, "size": list(n.image.size), "packed": n.image.packed_file is not None,
           "source": n.image.source}
          for n in tree.nodes if n.bl_idname == "ShaderNodeTexEnvironment" and n.image is not None]
print(json.dumps({"use_nodes": bpy.context.scene.world.use_nodes, "links": links, "images": images}))
"""


@pytest.fixture(scope="module")
def services(runtime) -> Iterator[ServiceServer]:
    """A fresh local service server per Blender version (its request log is checked below)."""
    local = ServiceServer().start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="module")
def polyhaven_worker(server, services, runtime) -> Iterator[BlenderWorker]:
    """blender-demo01 with use_polyhaven on; BLENDER_MCP_POLYHAVEN_API names the local server."""
    token = login(server.base_url)["access_token"]
    blender = start_background(server.base_url, uuid=UUID, duration=180, env=services.environment(),
                               preferences={"use_polyhaven": True}, runtime=runtime)
    try:
        wait_until_online(blender, server.base_url, token, UUID)
        yield blender
    finally:
        code = blender.stop()
        print(f"\n--- {runtime.label} (exit {code}) ---\n{blender.output()[-4000:]}")


async def execute_code_through_fastmcp(base_url: str, code: str) -> dict:
    token = login(base_url)["access_token"]
    transport = StreamableHttpTransport(url=f"{base_url}/mcp", headers={"Authorization": f"Bearer {token}"})
    async with Client(transport, timeout=60) as client:
        raw = await client.call_tool("blender_execute_code", {"code": code})
        return json.loads(raw.content[0].text)


def test_the_style_a_program_downloads_the_hdri_and_the_world_uses_it(server, services, polyhaven_worker):
    done = subprocess.run([sys.executable, str(EXAMPLES_DIR / "style_a_client.py"), server.base_url, "demo", "demo"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLIENT_TIMEOUT)
    detail = f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}\n{polyhaven_worker.output()}"
    assert done.returncode == 0, detail

    lines = done.stdout.split("\n")
    envelope = ast.literal_eval(lines[0])
    assert (envelope["status"], envelope["command"], envelope["target_uuid"]) == \
        ("completed", "get_scene_info", UUID), detail
    assert json.loads(envelope["result"])["object_count"] == 3, detail
    assert lines[1:] == ["3", "", ""], detail  # print("3\n"); nothing is printed after it

    # The addon fetched the file list and the 2k file from the local server, nothing else.
    fetched = [(r.method, r.path) for r in services.requests]
    assert fetched == [("GET", "/polyhaven/files/kloofendal_43d_clear_puresky"),
                       ("GET", "/dl/test_sky_2k.hdr")], fetched

    reply = asyncio.run(execute_code_through_fastmcp(server.base_url, WORLD_PROBE))
    assert reply["status"] == "completed", reply
    world = json.loads(reply["result"])
    assert world["use_nodes"] is True
    assert "ShaderNodeTexEnvironment.Color->ShaderNodeBackground.Color" in world["links"], world
    assert "ShaderNodeBackground.Background->ShaderNodeOutputWorld.Surface" in world["links"], world
    # The 2k file of the local server is 32x16 pixels (the 1k one 16x8): the image is the one asked for.
    assert world["images"] == [{"name": HDRI_IMAGE, "size": [32, 16], "packed": True, "source": "FILE"}], world
