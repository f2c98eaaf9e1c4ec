"""The live addon client: identity, executor, job queue, runner, outbox and connection wired
together, plus the main-thread side of the pump (contract 9.7).

One client is active at a time (module-level `active()`), created by Connect in the UI or by
run_background(). pump_once() and run_loop() must be called on Blender's main thread; everything
the network threads want done there goes through queue.call_soon().
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from . import job_context, whereabouts
from .job_queue import JobQueue
from .net import auth
from .net.backoff import DELAYS
from .net.connection import Connection, ConnectionConfig
from .net.outbox import Outbox
from .registry import build_executor
from .runner import JobRunner
from .version import VERSION_STRING

BACKGROUND_WAIT = 0.25

_active: "AddonClient | None" = None
_lock = threading.Lock()


class AddonClient:
    def __init__(self, base_url: str, tokens: auth.Tokens, *, client_uuid: str, group_id: str = "",
                 username: str = "", password: str = "",
                 on_tokens: Callable[[auth.Tokens], None] = lambda tokens: None,
                 log: Callable[[str], None] = print, executor: Any = None,
                 backoff_delays: tuple[float, ...] = DELAYS) -> None:
        self.client_uuid = client_uuid
        self.status = "disconnected"
        self._log = log
        self._on_tokens = on_tokens
        self.executor = executor if executor is not None else build_executor(log)
        self.outbox = Outbox(on_put=self._wake_connection)
        self.runner = JobRunner(self.executor, self.outbox.put, client_uuid)
        self.queue = JobQueue(client_uuid, on_cancelled=self.runner.cancelled,
                              on_cancel_running=self.runner.cancel_running)
        config = ConnectionConfig(base_url=base_url, client_uuid=client_uuid, client_version=VERSION_STRING,
                                  group_id=group_id or None, username=username, password=password,
                                  backoff_delays=backoff_delays, blender_version=whereabouts.blender_version(),
                                  host=whereabouts.host_name())
        self.connection = Connection(config, auth.TokenState(tokens), on_message=self._on_message,
                                     on_tokens=self._tokens_changed, on_status=self._status_changed,
                                     outbox=self.outbox, log=log)

    # -- network threads ---------------------------------------------------------------------------
    def _on_message(self, message: dict) -> None:
        self.queue.offer(message)

    def _wake_connection(self) -> None:
        connection = getattr(self, "connection", None)
        if connection is not None:
            connection.wake()

    def _tokens_changed(self, tokens: auth.Tokens) -> None:
        self.queue.call_soon(lambda: self._on_tokens(tokens))

    def _status_changed(self, text: str) -> None:
        self.status = text
        self.queue.wake()

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        self.connection.start()

    def stop(self) -> None:
        self.connection.stop()

    @property
    def connected(self) -> bool:
        return self.connection.registered.is_set()

    # -- main thread -------------------------------------------------------------------------------
    def pump_once(self) -> bool:
        """Runs handed-over calls and at most one job; returns True while more jobs are queued."""
        self.queue.run_calls()
        job = self.queue.pop()
        if job is not None:
            self.runner.run(job)
        return len(self.queue) > 0

    def run_loop(self, should_stop: Callable[[], bool]) -> None:
        """Background mode: the main-thread worker loop; a job starts as soon as it is queued."""
        while not should_stop():
            self.queue.run_calls()
            job = self.queue.pop(BACKGROUND_WAIT, stop=should_stop)
            if job is not None:
                self.runner.run(job)


def active() -> AddonClient | None:
    return _active


def set_active(client: AddonClient | None) -> None:
    """The live client; commands wait for its network threads through job_context.quiet_network."""
    global _active
    with _lock:
        _active = client
        job_context.install_network_quiet(client.connection.wait_quiet if client is not None else None)


def stop_active(wait: float = 3.0) -> None:
    client = _active
    if client is None:
        return
    set_active(None)
    deadline = time.monotonic() + wait
    client.connection.stop(max(0.1, deadline - time.monotonic()))
