"""`blender-mcp stdio` as a subprocess driven line by line: requests are written to its stdin and
its stdout lines are collected by a thread, so a test can wait for the answer to one id while
notifications arrive in between."""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import threading
from typing import Any

from support.server_process import binary_path, stop_process

ANSWER_TIMEOUT = 30.0


class StdioProcess:
    def __init__(self, *flags: str, env: dict[str, str] | None = None) -> None:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("BLENDER_MCP_")}
        full_env.update(env or {})
        self.process = subprocess.Popen([str(binary_path()), "stdio", *flags], env=full_env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.messages: list[dict[str, Any]] = []
        self.raw_lines: list[str] = []
        self.stderr_lines: list[str] = []
        self.changed = threading.Condition()
        self._ids = itertools.count(1)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            with self.changed:
                self.raw_lines.append(line)
                self.messages.append(json.loads(line))
                self.changed.notify_all()

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            with self.changed:
                self.stderr_lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def write(self, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """Writes a request and returns its id."""
        request_id = next(self._ids)
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.write(message)
        return request_id

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.write(message)

    def answer(self, request_id: Any, timeout: float = ANSWER_TIMEOUT) -> dict[str, Any]:
        with self.changed:
            self.changed.wait_for(lambda: self._find(request_id) is not None, timeout)
            found = self._find(request_id)
        assert found is not None, f"no answer to {request_id!r}; got {self.messages}\nstderr: {self.stderr_lines}"
        return found

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.answer(self.send(method, params))

    def result(self, method: str, params: dict[str, Any] | None = None) -> Any:
        reply = self.request(method, params)
        assert "result" in reply, reply
        return reply["result"]

    def tool(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """tools/call, decoded: the JSON text of the first content item."""
        result = self.result("tools/call", {"name": name, "arguments": arguments or {}})
        return json.loads(result["content"][0]["text"])

    def initialize(self) -> dict[str, Any]:
        result = self.result("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                            "clientInfo": {"name": "stdio-test", "version": "0"}})
        self.notify("notifications/initialized")
        return result

    def notifications(self, method: str) -> list[dict[str, Any]]:
        with self.changed:
            return [m for m in self.messages if m.get("method") == method and "id" not in m]

    def wait_for(self, predicate, timeout: float = ANSWER_TIMEOUT) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    def close_input(self, timeout: float = 60.0) -> int:
        """Ends stdin and returns the exit status."""
        self.process.stdin.close()
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            stop_process(self.process)

    def _find(self, request_id: Any) -> dict[str, Any] | None:
        for message in self.messages:
            if message.get("id") == request_id and ("result" in message or "error" in message):
                return message
        return None


def run_stdio(*flags: str, stdin_text: str = "", env: dict[str, str] | None = None,
              timeout: float = 60.0) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BLENDER_MCP_")}
    full_env.update(env or {})
    return subprocess.run([str(binary_path()), "stdio", *flags], input=stdin_text, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
