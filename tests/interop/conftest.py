"""Fixtures of the interop suite: one fixture server per test module, a demo token.

Every module starts its own `blender-mcp serve --conformance-fixtures` (fresh data dir, free
port) through tests/support/server_process.py and drives it with one real client.
"""
from __future__ import annotations

import os
import shutil
from typing import Iterator

import pytest

from interop.common import login
from support.https_documents import DocumentServer
from support.server_process import ServerProcess, binary_path, start_server


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if binary_path().exists() or os.environ.get("BLENDER_MCP_REQUIRE_BINARY") == "1":
        return
    skip = pytest.mark.skip(reason=f"{binary_path()} is not built")
    for item in items:
        if "interop" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = start_server("--conformance-fixtures")
    try:
        yield proc
    finally:
        proc.stop()
        shutil.rmtree(proc.data_dir, ignore_errors=True)


@pytest.fixture
def token(server: ServerProcess) -> str:
    return login(server.base_url)["access_token"]


@pytest.fixture(scope="module")
def documents() -> Iterator[DocumentServer]:
    """An https server on loopback for Client ID Metadata Documents, with its own test CA."""
    served = DocumentServer()
    yield served
    served.close()


@pytest.fixture(scope="module")
def document_server(documents: DocumentServer) -> Iterator[ServerProcess]:
    """A fixture server that trusts the documents' test CA and may fetch from 127.0.0.1."""
    proc = start_server("--conformance-fixtures", "--oauth-metadata-allow", "127.0.0.1",
                        "--oauth-metadata-ca-file", str(documents.ca_file))
    yield proc
    proc.stop()
