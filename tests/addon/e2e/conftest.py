"""Fixtures of the end-to-end tests: demo's token and a headless Blender worker per module."""
from __future__ import annotations

from typing import Iterator

import pytest

from ..raw_mcp import RawSession, login
from .blender_worker import BlenderWorker, start_background, wait_until_online

WORKER_UUID = "blender-demo01"


@pytest.fixture(scope="module")
def token(server) -> str:
    return login(server.base_url)["access_token"]


@pytest.fixture(scope="module")
def raw(server, token) -> Iterator[RawSession]:
    session = RawSession(server.base_url, token)
    yield session
    session.close()


@pytest.fixture(scope="module")
def worker(server, token) -> Iterator[BlenderWorker]:
    """`blender -b --factory-startup` running run_background() as blender-demo01."""
    blender = start_background(server.base_url, uuid=WORKER_UUID, duration=240)
    try:
        wait_until_online(blender, server.base_url, token, WORKER_UUID)
        yield blender
    finally:
        code = blender.stop()
        print(f"\n--- Blender (exit {code}) ---\n{blender.output()[-4000:]}")
