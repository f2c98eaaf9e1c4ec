"""The addon's client outside Blender, for tests against the real server: an AddonClient whose
queue is pumped by a test thread (the stand-in for Blender's main thread), with a small command of
the test's own in place of the bpy ones. It records the tokens it was handed and its log lines."""
from __future__ import annotations

import threading
import time

from .. import paths  # noqa: F401  (puts addon/ on sys.path)
from blender_mcp import runtime
from blender_mcp.executor import Executor
from blender_mcp.net import auth

FAST_BACKOFF = (0.1, 0.2, 0.4)
WAIT = 20.0


def wait_for(condition, timeout: float = WAIT, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def make_executor(calls: list) -> Executor:
    executor = Executor()

    def get_scene_info():
        calls.append("get_scene_info")
        return {"name": "Scene", "object_count": len(calls)}

    executor.register("get_scene_info", get_scene_info)
    return executor


def tokens_of(answer: dict) -> auth.Tokens:
    """Tokens as the addon keeps them after a login answer."""
    return auth.Tokens(answer["access_token"], answer["refresh_token"], time.time() + answer["expires_in"],
                       float(answer["expires_in"]))


class Running:
    """An AddonClient plus a thread that pumps its queue. Use as a context manager."""

    def __init__(self, base_url: str, tokens: auth.Tokens, uuid: str, *, password: str = "",
                 pumping: bool = True) -> None:
        self.calls: list = []
        self.new_tokens: list[auth.Tokens] = []
        self.logs: list[str] = []
        self.client = runtime.AddonClient(base_url, tokens, client_uuid=uuid, username="demo", password=password,
                                          executor=make_executor(self.calls), log=self.logs.append,
                                          on_tokens=self.new_tokens.append, backoff_delays=FAST_BACKOFF)
        self.pumping = threading.Event()
        if pumping:
            self.pumping.set()
        self._stop = False
        self._thread = threading.Thread(target=self._pump, daemon=True)

    def _pump(self) -> None:
        while not self._stop:
            if not self.pumping.wait(0.05):
                continue
            self.client.queue.run_calls()
            job = self.client.queue.pop(0.05)
            if job is not None:
                self.client.runner.run(job)

    def start(self) -> "Running":
        self.client.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop = True
        self.client.stop()
        self._thread.join(2)

    def __enter__(self) -> "Running":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
