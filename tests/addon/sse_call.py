"""One tools/call answered as an SSE stream, read on a thread: the progress notifications it
carries (with their arrival times) and its result, or its end without one after a cancellation."""
from __future__ import annotations

import itertools
import json
import threading
import time

import requests

from .raw_mcp import RawSession

_ids = itertools.count(1000)


class StreamedCall:
    def __init__(self, raw: RawSession, tool: str, arguments: dict, *, progress_token: str = "p-1",
                 timeout: float = 120) -> None:
        self.raw = raw
        self.request_id = next(_ids)
        self.started = time.monotonic()
        self.progress: list[tuple[float, dict]] = []  # (seconds since the call, params)
        self.result: dict | None = None
        self.finished_after: float | None = None
        self.ended = threading.Event()
        body = {"jsonrpc": "2.0", "id": self.request_id, "method": "tools/call",
                "params": {"name": tool, "arguments": arguments, "_meta": {"progressToken": progress_token}}}
        headers = {**raw.headers, "Accept": "application/json, text/event-stream"}
        self._response = requests.post(raw.url, headers=headers, data=json.dumps(body), stream=True,
                                       timeout=(10, timeout))
        self._response.raise_for_status()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        data: list[str] = []
        try:
            for line in self._response.iter_lines(decode_unicode=True):
                if line is None:
                    continue
                if line.startswith("data:"):
                    data.append(line[5:].lstrip())
                elif line == "" and data:
                    self._message(json.loads("\n".join(data)))
                    data = []
        except requests.RequestException:
            pass
        finally:
            self.ended.set()

    def _message(self, message: dict) -> None:
        now = time.monotonic() - self.started
        if message.get("method") == "notifications/progress":
            self.progress.append((now, message["params"]))
        elif message.get("id") == self.request_id:
            self.result = message.get("result")
            self.finished_after = now

    def cancel(self, reason: str = "stopped by the test") -> int:
        return self.raw.notify("notifications/cancelled", {"requestId": self.request_id, "reason": reason})

    def wait(self, timeout: float) -> bool:
        return self.ended.wait(timeout)

    def envelope(self) -> dict:
        assert self.result is not None, "the call has no result"
        return json.loads(self.result["content"][0]["text"])
