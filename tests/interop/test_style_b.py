"""The user guide's Style B client (contract §12, "Style B") against the real server, with a fastmcp
peer standing in for the Blender addon `blender-demo01`. Both programs run as subprocesses, under
the newest fastmcp (.venv) and under fastmcp 3.x (.venv-fastmcp3)."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from interop.common import CLIENT_TIMEOUT, FASTMCP3_PYTHON, call_tool_once, login, require
from support.server_process import DEMO_PASSWORD, ServerProcess, stop_process

HERE = Path(__file__).resolve().parent
CLIENT = HERE.parents[1] / "examples" / "style_b_client.py"
PEER = HERE / "style_b_peer.py"
READY_TIMEOUT = 60.0
RECORD_KEYS = {"user_id", "from_uuid", "target_uuid", "routing", "payload", "job_id", "message_id", "priority",
               "timestamp"}
DISPATCH = {"message_type": "job_dispatch", "job_id": "job-abc123", "script": "import bpy\nprint(len(bpy.data.objects))"}
REPLY = {"kind": "job_update", "job_id": "job-abc123", "status": "completed", "result": "3\n", "error": ""}


class PeerProcess:
    """style_b_peer.py running in the background; its stdout lines are collected by a thread."""

    def __init__(self, python: Path, base_url: str) -> None:
        self.process = subprocess.Popen([str(python), str(PEER), base_url, "demo", DEMO_PASSWORD],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.lines: list[str] = []
        self.errors: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=lambda: self.errors.extend(self.process.stderr), daemon=True).start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.strip() == "ready":
                self.ready.set()

    def report(self, timeout: float) -> dict:
        self.process.wait(timeout)
        reports = [json.loads(line) for line in self.lines if line.startswith("{")]
        assert self.process.returncode == 0 and len(reports) == 1, self.detail()
        return reports[0]

    def detail(self) -> str:
        return f"peer exit {self.process.poll()}\nstdout:\n" + "\n".join(self.lines) + "\nstderr:\n" + \
            "".join(self.errors)

    def stop(self) -> None:
        stop_process(self.process)


def _printed_dicts(stdout: str) -> list[dict]:
    """The Python dicts the client printed with print(), in order."""
    found = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            value = ast.literal_eval(line)
            if isinstance(value, dict):
                found.append(value)
    return found


@pytest.mark.parametrize("major", ["4", "3"])
def test_the_guides_style_b_client_receives_the_job_update_of_its_script_dispatch(server, major):
    python = Path(sys.executable) if major == "4" else require(FASTMCP3_PYTHON)
    peer = PeerProcess(python, server.base_url)
    try:
        assert peer.ready.wait(READY_TIMEOUT), peer.detail()
        client = subprocess.run([str(python), str(CLIENT), server.base_url, "demo", DEMO_PASSWORD],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLIENT_TIMEOUT)
        detail = f"client exit {client.returncode}\nstdout:\n{client.stdout}\nstderr:\n{client.stderr}"
        assert client.returncode == 0, detail + "\n" + peer.detail()
        printed = _printed_dicts(client.stdout)
        assert printed == [REPLY, {"status": "ok", "client_uuid": "llm-myclient-001"}], detail
        report = peer.report(CLIENT_TIMEOUT)
    finally:
        peer.stop()

    assert report["fastmcp_version"].startswith(major + "."), report
    registered = report["registered"]
    assert registered["status"] == "ok", report
    assert (registered["client"]["client_type"], registered["client"]["is_persistent"]) == ("blender", True)
    assert report["job"] == DISPATCH
    [dispatch] = [r for r in report["records"] if r["data"]["payload"] == DISPATCH]
    assert set(dispatch["data"]) == RECORD_KEYS
    assert dispatch["level"] == "info" and dispatch["data"]["priority"] == 6
    assert (dispatch["data"]["from_uuid"], dispatch["data"]["target_uuid"], dispatch["data"]["routing"]) == \
        ("llm-myclient-001", "blender-demo01", {"type": "direct", "target_uuid": "blender-demo01"})
    assert dispatch["data"]["user_id"] == "demo" and dispatch["data"]["job_id"] == "job-abc123"
    assert report["update"] == {"status": "ok", "delivered": "direct", "targets": ["llm-myclient-001"],
                                "filtered_by_level": [], "offline": []}
    assert report["unregistered"] == {"status": "ok", "client_uuid": "blender-demo01"}

    listing = call_tool_once(server, login(server.base_url)["access_token"], "blender_list_available_clients", {})
    assert "llm-myclient-001" not in [c["uuid"] for c in listing["persistent"] + listing["ephemeral"]], listing
