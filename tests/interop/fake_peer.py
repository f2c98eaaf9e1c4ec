"""examples/fake_blender_peer.py run in the background for interop tests: it stands in for the
Blender addon, answering dispatched jobs with echoes."""
from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from interop.common import REPO
from support.server_process import ServerProcess, stop_process

PEER = REPO / "examples" / "fake_blender_peer.py"
PEER_UUID = "blender-demo01"
READY_TIMEOUT = 60.0
ANSWER_TIMEOUT = 30.0


class FakePeer:
    """examples/fake_blender_peer.py in the background; its output lines are collected by threads."""

    def __init__(self, python: Path, server: ServerProcess, *extra: str) -> None:
        self.process = subprocess.Popen(
            [str(python), str(PEER), "--server", server.base_url, "--uuid", PEER_UUID, *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.errors: list[str] = []
        self.ready = threading.Event()
        self.changed = threading.Condition()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.strip() == f"fake peer {PEER_UUID} ready":
                self.ready.set()

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            with self.changed:
                self.errors.append(line.rstrip("\n"))
                self.changed.notify_all()

    def answered(self) -> list[str]:
        """The job ids the peer reported as answered (it logs one stderr line per reply)."""
        prefix = f"fake peer {PEER_UUID} answered "
        with self.changed:
            return [line[len(prefix):] for line in self.errors if line.startswith(prefix)]

    def wait_answered(self, count: int, timeout: float = ANSWER_TIMEOUT) -> list[str]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.answered()) >= count, timeout)
        return self.answered()

    def detail(self) -> str:
        return (f"peer exit {self.process.poll()}\nstdout:\n" + "\n".join(self.lines) + "\nstderr:\n"
                + "\n".join(self.errors))

    def stop(self) -> int:
        return stop_process(self.process)
