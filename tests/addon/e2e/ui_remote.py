"""Blender's UI under xvfb-run, driven from the test: start_remote_ui() starts it with
ui_remote_blender.py, and UiRemote.run(code) runs Python on Blender's main thread and returns the
`result` the code left (see that script)."""
from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from ..paths import ADDON_DIR
from .blender_worker import (BLENDER, XVFB_RUN, BlenderWorker, _temporary_file, blender_environment,
                             hard_limited)

SCRIPT = Path(__file__).with_name("ui_remote_blender.py")
START_TIMEOUT = 60.0


class UiRemote:
    def __init__(self, worker: BlenderWorker, port: int) -> None:
        self.worker = worker
        self._socket = socket.create_connection(("127.0.0.1", port), timeout=60)
        self._stream = self._socket.makefile("rw", encoding="utf-8")

    def run(self, code: str):
        self._stream.write(json.dumps({"code": code}) + "\n")
        self._stream.flush()
        line = self._stream.readline()
        if not line:
            raise AssertionError(f"Blender closed the remote:\n{self.worker.output()[-3000:]}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise AssertionError(f"in Blender:\n{answer['error']}")
        return answer["result"]

    def wait_for(self, condition_code: str, timeout: float = 20.0, what: str = ""):
        """Polls `condition_code` (an expression) in Blender until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.run(f"result = ({condition_code})")
            if value:
                return value
            if time.monotonic() > deadline:
                drawn = self.run("result = panel.DRAWN['rows']")
                raise AssertionError(f"timed out waiting for {what or condition_code}; the panel shows {drawn}")
            time.sleep(0.05)

    def close(self) -> int:
        try:
            self._socket.close()
        finally:
            return self.worker.stop()


def start_remote_ui(duration: float = 120.0, env: dict[str, str] | None = None) -> UiRemote:
    port_file = _temporary_file("bmcp-ui-port-", ".txt")
    args = [XVFB_RUN, "-a", "-s", "-screen 0 1280x800x24", BLENDER, "--factory-startup", "--enable-event-simulate",
            "--python-exit-code", "1", "--python", str(SCRIPT), "--", str(ADDON_DIR), str(port_file)]
    worker = BlenderWorker(hard_limited(args, duration), blender_environment(env))
    deadline = time.monotonic() + START_TIMEOUT
    while not port_file.read_text().strip():
        if worker.process.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            raise AssertionError(f"Blender's UI did not start the remote:\n{worker.output()[-3000:]}")
        time.sleep(0.1)
    return UiRemote(worker, int(port_file.read_text()))
