"""A plain `requests` MCP session for tests: the sending side (an LLM client) of addon tests."""
from __future__ import annotations

import json
from typing import Any

import requests


def login(base_url: str, username: str = "demo", password: str = "demo") -> dict:
    answer = requests.post(f"{base_url}/auth/login", json={"username": username, "password": password}, timeout=10)
    answer.raise_for_status()
    return answer.json()


class RawSession:
    def __init__(self, base_url: str, token: str) -> None:
        self.url = f"{base_url}/mcp"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                        "Accept": "application/json"}
        self._id = 0
        init = self._post({"method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "addon-test", "version": "0"}}})
        self.headers["Mcp-Session-Id"] = init.headers["Mcp-Session-Id"]
        requests.post(self.url, headers=self.headers, timeout=10,
                      data=json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))

    def _post(self, body: dict, timeout: float = 60) -> requests.Response:
        self._id += 1
        answer = requests.post(self.url, headers=self.headers, timeout=timeout,
                               data=json.dumps({"jsonrpc": "2.0", "id": self._id, **body}))
        answer.raise_for_status()
        return answer

    def call(self, tool: str, arguments: dict, timeout: float = 60) -> Any:
        return json.loads(self.call_result(tool, arguments, timeout)["content"][0]["text"])

    def call_result(self, tool: str, arguments: dict, timeout: float = 60) -> dict:
        """The whole tools/call result: content (the envelope's text, then any images), structuredContent."""
        reply = self._post({"method": "tools/call", "params": {"name": tool, "arguments": arguments}}, timeout)
        return reply.json()["result"]

    def notify(self, method: str, params: dict) -> int:
        """Sends a notification on this session; returns the HTTP status (202)."""
        return requests.post(self.url, headers=self.headers, timeout=10,
                             data=json.dumps({"jsonrpc": "2.0", "method": method, "params": params})).status_code

    def clients(self) -> dict[str, dict]:
        listing = self.call("blender_list_available_clients", {})
        return {c["uuid"]: c for c in listing["persistent"] + listing["ephemeral"]}

    def delete_session(self, session_id: str) -> int:
        """DELETE /mcp for another session of the same user (the server's view of it ends)."""
        headers = {**self.headers, "Mcp-Session-Id": session_id}
        return requests.delete(self.url, headers=headers, timeout=10).status_code

    def close(self) -> None:
        requests.delete(self.url, headers=self.headers, timeout=10)
