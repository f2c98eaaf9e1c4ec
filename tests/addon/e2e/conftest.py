"""Fixtures of the end-to-end tests: demo's token, the Blender version to run on, and a headless
Blender worker per module (and version).

A test module that sets EVERY_BLENDER_VERSION = True runs once per version of versions_to_test()
(its module-scoped fixtures, the worker among them, once per version); every other module runs on
Debian's Blender 3.4 only. A version that is not installed skips its tests, and fails them under
CI=true (scripts/setup --test-deps installs 4.2 and 5.0; 4.5 with --bpy-4.5).
"""
from __future__ import annotations

import os
from typing import Iterator

import pytest

from ..raw_mcp import RawSession, login
from .blender_worker import DEBIAN_BLENDER, RUNTIMES, BlenderRuntime, BlenderWorker, start_background, \
    wait_until_online

WORKER_UUID = "blender-demo01"
DEFAULT_VERSIONS = ("3.4", "4.2", "5.0")


def versions_to_test() -> list[str]:
    """3.4, 4.2 and 5.0, and 4.5 when BLENDER_MCP_BPY_45=1 or its virtualenv exists."""
    versions = list(DEFAULT_VERSIONS)
    if os.environ.get("BLENDER_MCP_BPY_45") == "1" or RUNTIMES["4.5"].available():
        versions.append("4.5")
    return versions


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "runtime" in metafunc.fixturenames and getattr(metafunc.module, "EVERY_BLENDER_VERSION", False):
        metafunc.parametrize("runtime", versions_to_test(), indirect=True, scope="module",
                             ids=lambda version: f"blender-{version}")


def require(version: str) -> BlenderRuntime:
    """The runtime of `version`; skips the test when it is not installed (fails it under CI=true)."""
    found = RUNTIMES[version]
    if not found.available():
        message = f"Blender {found.version} is not installed ({found.executable}); run scripts/setup --test-deps"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def runtime(request) -> BlenderRuntime:
    return require(getattr(request, "param", DEBIAN_BLENDER.version))


@pytest.fixture(scope="module")
def token(server) -> str:
    return login(server.base_url)["access_token"]


@pytest.fixture(scope="module")
def raw(server, token) -> Iterator[RawSession]:
    session = RawSession(server.base_url, token)
    yield session
    session.close()


@pytest.fixture(scope="module")
def worker(server, token, runtime) -> Iterator[BlenderWorker]:
    """The runtime in background mode running run_background() as blender-demo01."""
    blender = start_background(server.base_url, uuid=WORKER_UUID, duration=240, runtime=runtime)
    try:
        wait_until_online(blender, server.base_url, token, WORKER_UUID)
        yield blender
    finally:
        code = blender.stop()
        print(f"\n--- {runtime.label} (exit {code}) ---\n{blender.output()[-4000:]}")
