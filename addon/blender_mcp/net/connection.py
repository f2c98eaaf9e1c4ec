"""The addon's connection to the server (contract 9.6): a control thread and a stream thread.

Control thread: initialize -> notifications/initialized -> open the GET stream -> logging/setLevel
debug -> blender_register_client; then, while connected, it sends the outbox in order, pings every
30 s and refreshes the access token 60 s before it expires. Transport failures are retried on the
same MCP session after a backoff of 1, 2, 4, 8, 16, then 30 s; a 404 means the server forgot the
session, so it initializes a new one and registers again (the outbox is flushed after that); a 401
gets one refresh (or, when a password is known, one login) and stops the connection if that fails.

A reply the server refuses is dropped and logged, except a job update that carries pictures: it is
replaced by a `failed` update with the server's reason, so the job's caller still gets an answer.

Stream thread: reads the standalone SSE stream and hands every JSON-RPC message to `on_message`;
when the stream breaks it reopens it with Last-Event-ID after the same backoff, so records the
server retained are replayed (the receiver de-duplicates by message_id).

Callbacks run on these threads and must not touch bpy; the addon hands their work to the pump.

link() tells, from any thread, whether the connection is connected (registered, the control
thread's last exchange worked and the stream is open), connecting, reconnecting (and when the next
attempt starts) or not connected (net/link_state.py); the panel shows it. Both threads record their
part under _state_lock, which is only ever taken last (the stream thread holds _cond around it so a
replaced stream cannot speak for the current one).
"""
from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from . import auth, http
from .backoff import DELAYS, Backoff
from .link_state import LinkParts, LinkState, combine
from .mcp_session import McpError, McpSession, SessionLost, Unauthorized
from .outbox import Outbox

CAPABILITIES = ["python_execution", "modeling", "rendering", "scene_management", "asset_processing"]
PING_INTERVAL = 30.0
STOP_TIMEOUT = 3.0
AUTH_FAILED = "Authentication failed: please Login again"


@dataclass
class ConnectionConfig:
    base_url: str
    client_uuid: str
    client_version: str
    group_id: str | None = None
    username: str = ""
    password: str = ""  # only in background mode; allows a new login when refresh fails
    ping_interval: float = PING_INTERVAL
    backoff_delays: tuple[float, ...] = DELAYS
    capabilities: list[str] = field(default_factory=lambda: list(CAPABILITIES))
    # Reported at registration when known (whereabouts.py); None leaves the argument out.
    blender_version: str | None = None
    host: str | None = None


class _Fatal(Exception):
    pass


def registration_arguments(config: ConnectionConfig) -> dict:
    """blender_register_client's arguments (contract 9.6 step 5), plus blender_version and host where
    known: optional arguments that a server without them ignores (its argument check looks only at
    the parameters it declares), so any server takes this registration."""
    arguments = {"client_uuid": config.client_uuid, "client_type": "blender", "is_persistent": True,
                 "capabilities": config.capabilities, "group_id": config.group_id or None}
    if config.blender_version is not None:
        arguments["blender_version"] = config.blender_version
    if config.host is not None:
        arguments["host"] = config.host
    return arguments


def refused_pictures_update(arguments: dict, answer: dict) -> dict:
    """The failed job_update that replaces a reply whose pictures the server refused."""
    reason = answer.get("detail") or answer.get("error") or "refused"
    return {"job_id": arguments.get("job_id"), "status": "failed", "result": "",
            "error": f"The server refused the pictures of this reply ({answer.get('error')}): {reason}"}


class Connection:
    """Thread-safe: start(), stop() and the read-only properties may be called from any thread."""

    def __init__(self, config: ConnectionConfig, tokens: auth.TokenState, *,
                 on_message: Callable[[dict], None],
                 on_tokens: Callable[[auth.Tokens], None] = lambda tokens: None,
                 on_status: Callable[[str], None] = lambda text: None,
                 outbox: Outbox | None = None,
                 log: Callable[[str], None] = print) -> None:
        self.config = config
        self.tokens = tokens
        self.outbox = outbox if outbox is not None else Outbox()
        self._on_message = on_message
        self._on_tokens = on_tokens
        self._on_status = on_status
        self._log = log
        self._session = McpSession(config.base_url + "/mcp", tokens.access_token, config.client_version)
        self._cond = threading.Condition()
        self._sleeping = False  # the control thread waits on _cond (under _cond)
        self._stopping = False
        self._session_lost = False
        self._unauthorized = False
        self._generation = 0
        self._stream = None
        self._stream_thread: threading.Thread | None = None
        self._control: threading.Thread | None = None
        self._last_event_id: str | None = None
        self._backoff = Backoff(config.backoff_delays)
        self._next_ping = 0.0
        self.registered = threading.Event()
        self.ever_registered = threading.Event()
        self.finished = threading.Event()
        self.fatal_error: str | None = None
        self.last_error: str = ""
        self.registrations = 0
        self._state_lock = threading.Lock()
        self._parts = LinkParts()

    # -- public -----------------------------------------------------------------------------------
    @property
    def session_id(self) -> str | None:
        return self._session.session_id

    def link(self) -> LinkState:
        """Connected / connecting / reconnecting (and when) / not connected, from any thread."""
        with self._state_lock:
            return combine(dataclasses.replace(self._parts))

    def start(self) -> None:
        self._control = threading.Thread(target=self._run, name="blender-mcp-control", daemon=True)
        self._control.start()

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def wait_quiet(self, timeout: float) -> bool:
        """Waits at most `timeout` s until the control thread has nothing left to send and sleeps
        (it then runs no Python until woken); True when it does. The stream thread is not waited
        for: it runs Python only when a record arrives."""
        with self._cond:
            return self._cond.wait_for(lambda: self._sleeping and not len(self.outbox), timeout)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Unregisters, ends the MCP session and stops both threads, waiting at most `timeout` s."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._control is not None and self._control is not threading.current_thread():
            self._control.join(timeout)

    # -- control thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._is_stopping():
                try:
                    self._step()
                except SessionLost:
                    self._log("blender-mcp: the server no longer knows the MCP session; initializing again")
                    self._drop_session()
                except Unauthorized:
                    self._recover_from_401()
                except (http.TransportError, McpError, OSError) as error:
                    self._failed(str(error))
        except _Fatal as error:
            self.fatal_error = str(error)
            self._status(str(error))
        finally:
            self._shutdown()

    def _step(self) -> None:
        if self._session_lost:
            self._session_lost = False
            raise SessionLost("stream answered 404")
        if self._unauthorized:
            self._unauthorized = False
            raise Unauthorized("stream answered 401")
        if not self.registered.is_set():
            self._connect()
        self._flush_outbox()
        now = time.time()
        if self._refresh_due(now):
            self._refresh()
        if time.monotonic() >= self._next_ping:
            self._session.request("ping")
            self._next_ping = time.monotonic() + self.config.ping_interval
        self._update(control_ok=True, control_retry_at=None)  # this round's exchanges worked
        self._wait_for_work()

    def _connect(self) -> None:
        self._update(control_ok=False, control_retry_at=None)
        self._status("connecting")
        if self._refresh_due(time.time()):
            self._refresh()
        self._session.initialize()
        self._last_event_id = None
        self._start_stream()
        self._session.request("logging/setLevel", {"level": "debug"})
        answer = self._session.call_tool("blender_register_client", registration_arguments(self.config))
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            raise McpError(f"blender_register_client refused: {answer}")
        self._backoff.reset()
        self._next_ping = time.monotonic() + self.config.ping_interval
        self.registrations += 1
        self.registered.set()
        self.ever_registered.set()
        self.last_error = ""
        self._update(registered=True, ever_registered=True, control_ok=True, error="")
        self._status("connected")

    def _flush_outbox(self) -> None:
        while (item := self.outbox.peek()) is not None:
            tool, arguments = item
            answer = self._session.call_tool(tool, arguments)
            if too_large_reply(tool, answer):
                # The job's caller must still learn that it ended: the same job, failed, with
                # why instead of the result the server could not carry.
                answer = self._session.call_tool(tool, oversized_reply_failure(arguments, answer))
            if isinstance(answer, dict) and answer.get("status") == "error":
                if tool == "blender_job_update" and arguments.get("images"):
                    # The pictures were refused (images_too_large, record_too_large, ...): the job
                    # still ends, as failed with the server's reason, so its caller is not left waiting.
                    self._log(f"blender-mcp: the pictures of job {arguments.get('job_id')} were refused: "
                              f"{answer.get('error')}; reporting the job failed")
                    self.outbox.replace_if(item, (tool, refused_pictures_update(arguments, answer)))
                    continue
                self._log(f"blender-mcp: {tool} for job {arguments.get('job_id')} refused: {answer.get('error')}; "
                          "the reply is dropped")
            self.outbox.pop_if(item)

    def _wait_for_work(self) -> None:
        deadline = self._next_ping
        due = self.tokens.refresh_due_at()
        timeout = max(0.0, deadline - time.monotonic())
        if due is not None:
            timeout = min(timeout, max(0.0, due - time.time()))
        with self._cond:
            if self._stopping or self._session_lost or self._unauthorized or len(self.outbox):
                return
            self._sleep_locked(min(timeout, 5.0))

    def _refresh_due(self, now: float) -> bool:
        due = self.tokens.refresh_due_at()
        return due is not None and now >= due

    def _refresh(self) -> None:
        """Refreshes the tokens (or logs in again when a password is known); _Fatal when refused."""
        current = self.tokens.get()
        try:
            new_tokens = auth.refresh(self.config.base_url, current.refresh_token)
        except auth.AuthError as refused:
            if not self.config.password:
                raise _Fatal(AUTH_FAILED) from refused
            try:
                new_tokens = auth.login(self.config.base_url, self.config.username, self.config.password)
            except auth.AuthError as error:
                raise _Fatal(AUTH_FAILED) from error
        self.tokens.set(new_tokens)
        self._on_tokens(new_tokens)

    def _recover_from_401(self) -> None:
        self._log("blender-mcp: the server refused the access token; refreshing it once")
        try:
            self._refresh()
            if self.registered.is_set():
                self._session.request("ping")  # prove the new token before going on
        except Unauthorized as error:
            raise _Fatal(AUTH_FAILED) from error
        except (http.TransportError, McpError, OSError) as error:
            self._failed(str(error))

    def _failed(self, message: str) -> None:
        self.last_error = message
        delay = self._backoff.next_delay()
        self._update(control_ok=False, control_retry_at=time.monotonic() + delay, error=message)
        self._status(f"reconnecting in {delay:g} s: {message}")
        with self._cond:
            if not self._stopping:
                self._sleep_locked(delay)
        self._update(control_retry_at=None)

    def _sleep_locked(self, timeout: float) -> None:
        """The control thread's waits (under _cond): wait_quiet callers hear that it sleeps."""
        self._sleeping = True
        self._cond.notify_all()
        try:
            self._cond.wait(timeout)
        finally:
            self._sleeping = False

    def _drop_session(self) -> None:
        self.registered.clear()
        self._update(registered=False, control_ok=False, stream_open=False, stream_retry_at=None)
        with self._cond:
            self._generation += 1
            stream = self._stream
            self._stream = None
        if stream is not None:
            stream.close()

    def _shutdown(self) -> None:
        try:
            if self.registered.is_set() and self.fatal_error is None:
                try:
                    self._flush_outbox()
                    self._session.call_tool("blender_unregister_client", {"client_uuid": self.config.client_uuid},
                                            timeout=2.0)
                except Exception as error:  # best effort while stopping
                    self._log(f"blender-mcp: unregister failed: {error}")
            try:
                self._session.delete()
            except Exception:
                pass
        finally:
            self._drop_session()
            self._update(finished=True, error=self.fatal_error or "")
            self._status("stopped" if self.fatal_error is None else self.fatal_error)
            self.finished.set()

    def _is_stopping(self) -> bool:
        with self._cond:
            return self._stopping

    def _update(self, **changes) -> None:
        with self._state_lock:
            for name, value in changes.items():
                setattr(self._parts, name, value)

    def _status(self, text: str) -> None:
        try:
            self._on_status(text)
        except Exception:
            pass

    # -- stream thread ----------------------------------------------------------------------------
    def _start_stream(self) -> None:
        with self._cond:
            self._generation += 1
            generation = self._generation
            old = self._stream
            self._stream = None
        if old is not None:
            old.close()
        stream = self._session.open_stream(None)  # the first open reports its errors to _connect
        with self._cond:
            self._stream = stream
        self._update(stream_open=True, stream_retry_at=None)
        self._stream_thread = threading.Thread(target=self._read_stream, args=(generation, stream),
                                               name="blender-mcp-stream", daemon=True)
        self._stream_thread.start()

    def _current(self, generation: int) -> bool:
        with self._cond:
            return generation == self._generation and not self._stopping

    def _read_stream(self, generation: int, stream) -> None:
        backoff = Backoff(self.config.backoff_delays)
        while True:
            try:
                for message in stream.messages():
                    if not self._current(generation):
                        return
                    try:
                        self._on_message(message)
                    except Exception as error:  # one bad record must not end the stream thread
                        self._log(f"blender-mcp: dropped a stream message: {type(error).__name__}: {error}")
                    self._last_event_id = stream.last_event_id
                self._last_event_id = stream.last_event_id
                reason = "the stream ended"
            except http.TransportError as error:
                self._last_event_id = stream.last_event_id
                reason = str(error)
            stream.close()
            while True:
                if not self._current(generation):
                    return
                delay = backoff.next_delay()
                self._update_stream(generation, stream_open=False, stream_retry_at=time.monotonic() + delay,
                                    error=f"event stream lost: {reason}")
                self._status(f"stream lost ({reason}); reopening in {delay:g} s")
                with self._cond:
                    self._cond.wait_for(lambda: generation != self._generation or self._stopping, delay)
                if not self._current(generation):
                    return
                self._update_stream(generation, stream_retry_at=None)
                try:
                    # A reopen always resumes, from before the first event ("0") when no event
                    # carried an id yet: a record written into the stream that broke before it
                    # was read is sent again (message_ids dedupe the replay), not lost.
                    stream = self._session.open_stream(self._last_event_id or "0")
                except SessionLost:
                    self._signal(lost=True)
                    return
                except Unauthorized:
                    self._signal(unauthorized=True)
                    return
                except (http.TransportError, McpError, OSError) as error:
                    reason = str(error)
                    continue
                with self._cond:
                    if generation != self._generation:
                        stream.close()
                        return
                    self._stream = stream
                backoff.reset()
                self._update_stream(generation, stream_open=True, stream_retry_at=None, error="")
                self._status("connected")
                break

    def _update_stream(self, generation: int, **changes) -> None:
        """_update for the stream of `generation` only: a replaced stream no longer speaks."""
        with self._cond:
            if generation != self._generation:
                return
            self._update(**changes)

    def _signal(self, lost: bool = False, unauthorized: bool = False) -> None:
        with self._cond:
            self._session_lost = self._session_lost or lost
            self._unauthorized = self._unauthorized or unauthorized
            self._cond.notify_all()


def too_large_reply(tool: str, answer: object) -> bool:
    """The server refused a job update as larger than its record limit (docs/limits.md)."""
    return (tool == "blender_job_update" and isinstance(answer, dict) and answer.get("status") == "error"
            and answer.get("error") == "record_too_large")


def oversized_reply_failure(arguments: dict, answer: dict) -> dict:
    """A `failed` update for the job whose reply was refused as too large."""
    detail = answer.get("detail") or "the reply is larger than the server's record limit"
    return {"job_id": arguments.get("job_id", ""), "status": "failed", "result": "",
            "error": f"The job's reply was too large to send: {detail}. Print or return less "
                     "(for example write large output to a file and return its path)."}
