"""The programs in examples/ against the real server: the fake Blender peer stands in for the addon
while the guide's Style A and Style B clients run, all as subprocesses, under the newest fastmcp
(.venv) and under fastmcp 3.x (.venv-fastmcp3). Contract §5.2, §8.7 and §12."""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from interop.common import CLIENT_TIMEOUT, FASTMCP3_PYTHON, REPO, call_tool_once, login, require
from interop.fake_peer import PEER_UUID, READY_TIMEOUT, FakePeer
from support.server_process import DEMO_PASSWORD, ServerProcess

EXAMPLES = REPO / "examples"
STYLE_A = EXAMPLES / "style_a_client.py"
STYLE_B = EXAMPLES / "style_b_client.py"
JOB_ID = re.compile(r"^j-[0-9a-f]{12}$")
STYLE_A_CODE = "import bpy; print(len(bpy.data.objects))"
STYLE_B_SCRIPT = "import bpy\nprint(len(bpy.data.objects))"


def _python(major: str) -> Path:
    return Path(sys.executable) if major == "4" else require(FASTMCP3_PYTHON)


def _run_client(python: Path, program: Path, server: ServerProcess) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), str(program), server.base_url, "demo", DEMO_PASSWORD],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CLIENT_TIMEOUT)


def _detail(client: subprocess.CompletedProcess, peer: FakePeer) -> str:
    return (f"client exit {client.returncode}\nstdout:\n{client.stdout}\nstderr:\n{client.stderr}\n"
            + peer.detail())


def _get_job(server: ServerProcess, job_id: str) -> dict:
    result = call_tool_once(server, login(server.base_url)["access_token"], "blender_get_job", {"job_id": job_id})
    assert result["status"] == "ok", result
    return result["job"]


@pytest.mark.parametrize("major", ["4", "3"])
def test_the_style_a_client_prints_the_completed_envelope_and_the_echoed_execute_code_result(server, major):
    python = _python(major)
    peer = FakePeer(python, server, "--username", "demo", "--password", DEMO_PASSWORD)
    try:
        assert peer.ready.wait(READY_TIMEOUT), peer.detail()
        client = _run_client(python, STYLE_A, server)
        detail = _detail(client, peer)
        assert client.returncode == 0, detail
        # Four dispatches: scene info, execute_code, the PolyHaven probe and (the probe completed) the download.
        answered = peer.wait_answered(4)
    finally:
        peer_exit = peer.stop()
    assert peer_exit == 0, peer.detail()

    lines = client.stdout.splitlines()
    assert len(lines) == 2, detail
    envelope = ast.literal_eval(lines[0])
    assert isinstance(envelope, dict), detail
    assert set(envelope) == {"status", "command", "target_uuid", "job_id", "result", "error"}, envelope
    assert (envelope["status"], envelope["command"], envelope["target_uuid"], envelope["error"]) == \
        ("completed", "get_scene_info", PEER_UUID, ""), envelope
    assert JOB_ID.match(envelope["job_id"]), envelope
    assert isinstance(envelope["result"], str), envelope
    assert json.loads(envelope["result"]) == {"echoed_command": "get_scene_info", "echoed_params": {}}

    # The second line is the envelope's `result` string printed as is: the fake peer's echo.
    assert json.loads(lines[1]) == {"echoed_command": "execute_code", "echoed_params": {"code": STYLE_A_CODE}}

    assert len(answered) == 4 and len(set(answered)) == 4, peer.detail()
    assert answered[0] == envelope["job_id"], peer.detail()
    assert all(JOB_ID.match(job_id) for job_id in answered), answered

    # What the server kept of the four jobs: the download went out with every parameter, defaults included.
    jobs = [_get_job(server, job_id) for job_id in answered]
    assert [job["command"] for job in jobs] == \
        ["get_scene_info", "execute_code", "get_polyhaven_status", "download_polyhaven_asset"], jobs
    assert all(job["state"] == "completed" and job["target_uuids"] == [PEER_UUID] for job in jobs), jobs
    assert jobs[0]["result"] == envelope["result"], jobs[0]
    assert json.loads(jobs[3]["result"]) == {
        "echoed_command": "download_polyhaven_asset",
        "echoed_params": {"asset_id": "kloofendal_43d_clear_puresky", "asset_type": "hdris", "resolution": "2k",
                          "file_format": None}}


@pytest.mark.parametrize("major", ["4", "3"])
def test_the_style_b_client_prints_the_fake_peers_job_update_for_its_script(server, major):
    python = _python(major)
    token = login(server.base_url)["access_token"]
    peer = FakePeer(python, server, "--token", token)
    try:
        assert peer.ready.wait(READY_TIMEOUT), peer.detail()
        client = _run_client(python, STYLE_B, server)
        detail = _detail(client, peer)
        assert client.returncode == 0, detail
        answered = peer.wait_answered(1)
    finally:
        peer_exit = peer.stop()
    assert peer_exit == 0, peer.detail()

    printed = [ast.literal_eval(line) for line in client.stdout.splitlines() if line.startswith("{")]
    assert printed == [
        {"kind": "job_update", "job_id": "job-abc123", "status": "completed",
         "result": f"(fake-peer) executed:\n{STYLE_B_SCRIPT}", "error": ""},
        {"status": "ok", "client_uuid": "llm-myclient-001"},
    ], detail
    assert answered == ["job-abc123"], peer.detail()
