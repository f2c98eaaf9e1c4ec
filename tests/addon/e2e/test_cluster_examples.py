"""The user guide's Style A and Style B programs across a three-node cluster (issue 13): a real
headless Blender (the addon, `blender -b`) is connected to node C; Style A runs against node A and
prints Blender's `3`, Style B runs against node B and gets its JobWaiter resolved by that Blender.

The nodes share one redis-server and one PostgreSQL database (so demo's login on any node is the
same user); nothing but the shared store links the program's node to Blender's.
"""
from __future__ import annotations

import ast
import json
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from support.cluster import Cluster, start_cluster
from support.postgres import PostgresMissing, running_in_ci, start_postgres
from support.redis_server import RedisMissing, start_redis
from support.server_process import Store, binary_path

from ..raw_mcp import login
from .blender_worker import BlenderWorker, start_background, wait_until_online
from .test_background_worker import DEFAULT_SCENE, run_example

UUID = "blender-demo01"
A, B, C = 0, 1, 2


def _missing(what: str, error: Exception):
    if running_in_ci():
        pytest.fail(f"CI=true requires {what}: {error}")
    pytest.skip(str(error))


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if not binary_path().exists():
        pytest.fail(f"{binary_path()} is not built; run scripts/setup --build or set BLENDER_MCP_BINARY")
    try:
        pg = start_postgres(Path(tempfile.mkdtemp(prefix="bmcp-e2e-pg-")))
    except PostgresMissing as missing:
        _missing("PostgreSQL", missing)
    try:
        redis = start_redis(Path(tempfile.mkdtemp(prefix="bmcp-e2e-redis-")))
    except RedisMissing as missing:
        pg.stop()
        _missing("redis-server", missing)
    store = Store(Path(tempfile.mkdtemp(prefix="bmcp-e2e-cluster-")), pg.new_database(), pg)
    nodes = start_cluster(3, store, redis)
    try:
        yield nodes
    finally:
        nodes.stop()
        pg.stop()


@pytest.fixture(scope="module")
def blender_on_c(cluster: Cluster) -> Iterator[BlenderWorker]:
    node_c = cluster.nodes[C].base_url
    blender = start_background(node_c, uuid=UUID, duration=240)
    try:
        # Seen online from node A: the registration on C is in the shared store.
        wait_until_online(blender, cluster.nodes[A].base_url, login(cluster.nodes[A].base_url)["access_token"], UUID)
        yield blender
    finally:
        code = blender.stop()
        print(f"\n--- Blender (exit {code}) ---\n{blender.output()[-4000:]}")


def test_style_a_on_node_a_prints_3_from_the_blender_on_node_c(cluster, blender_on_c):
    lines = run_example("style_a_client.py", cluster.nodes[A].base_url).stdout.split("\n")
    envelope = ast.literal_eval(lines[0])
    assert (envelope["status"], envelope["command"], envelope["target_uuid"], envelope["error"]) == \
        ("completed", "get_scene_info", UUID, ""), envelope
    scene = json.loads(envelope["result"])
    assert (scene["object_count"], scene["objects"]) == (3, DEFAULT_SCENE), scene
    assert lines[1:3] == ["3", ""], lines  # print("3\n")


def test_style_b_on_node_b_gets_its_job_waiter_resolved_by_the_blender_on_node_c(cluster, blender_on_c):
    printed = [ast.literal_eval(line) for line in
               run_example("style_b_client.py", cluster.nodes[B].base_url).stdout.splitlines() if line.startswith("{")]
    assert printed == [{"kind": "job_update", "job_id": "job-abc123", "status": "completed", "result": "3\n",
                        "error": ""},
                       {"status": "ok", "client_uuid": "llm-myclient-001"}], printed
