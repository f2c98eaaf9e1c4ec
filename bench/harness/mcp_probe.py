"""A few plain JSON MCP calls over urllib, for set-up checks (never for measurements)."""
from __future__ import annotations

import json
import urllib.request


def login(base_url: str, username: str, password: str) -> str:
    request = urllib.request.Request(f"{base_url}/auth/login", method="POST",
                                     data=json.dumps({"username": username, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["access_token"]


class McpProbe:
    """One MCP session answering in JSON (the request's Accept has no text/event-stream)."""

    def __init__(self, mcp_url: str, token: str) -> None:
        self.url, self.token, self.session, self.next_id = mcp_url, token, "", 1
        init = self._post({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                           "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                                      "clientInfo": {"name": "bench-probe", "version": "1"}}})
        if "result" not in init:
            raise RuntimeError(f"initialize failed: {init}")
        self._post({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def _post(self, message: dict) -> dict:
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "Authorization": f"Bearer {self.token}"}
        if self.session:
            headers["Mcp-Session-Id"] = self.session
        request = urllib.request.Request(self.url, data=json.dumps(message).encode(), headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            self.session = self.session or response.headers.get("Mcp-Session-Id", "")
            body = response.read()
        return json.loads(body) if body else {}

    def call_tool(self, name: str, arguments: dict) -> dict:
        self.next_id += 1
        reply = self._post({"jsonrpc": "2.0", "id": self.next_id, "method": "tools/call",
                            "params": {"name": name, "arguments": arguments}})
        if "result" not in reply:
            raise RuntimeError(f"{name} failed: {reply}")
        return json.loads(reply["result"]["content"][0]["text"])

    def close(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Mcp-Session-Id": self.session}
        try:
            urllib.request.urlopen(urllib.request.Request(self.url, headers=headers, method="DELETE"), timeout=10)
        except OSError:
            pass
