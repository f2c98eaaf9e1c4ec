"""Shared pieces of the diagnostics tests (contract §5.3): a temporary machine layout (HOME, PATH,
add-on source) with a server whose environment points into it, a stand-in `blender` script, and
processes the server's process table sees as Blender."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
from pathlib import Path
from typing import Iterator

from blackbox.processes import add_user
from blackbox.wire import Http, Mcp, login_ok
from support.server_process import ADMIN_PASSWORD, ServerProcess, start_server

HOST_TOOLS = ["blender_check_status", "blender_find_blender", "blender_list_running_blender",
              "blender_check_addon_installed", "blender_install_addon"]

# A stand-in Blender: its version, and the add-on question answered from a flag file in HOME.
# Every call's arguments are logged so the tests can check how Blender was asked.
FAKE_BLENDER = """#!/bin/sh
echo "$@" >> "{log}"
case "$1" in
  --version) echo "Blender 3.4.1"; echo "	build date: 2023-01-23"; exit 0 ;;
  -b) if [ -f "$HOME/addon-enabled" ]; then echo "BLENDER_MCP_ADDON_ENABLED=True";
      else echo "BLENDER_MCP_ADDON_ENABLED=False"; fi ;;
esac
"""

# A minimal but real add-on package, so the real Blender can enable it.
ADDON_INIT = '''bl_info = {"name": "BlenderMCP test package", "blender": (3, 0, 0), "category": "System"}
MARKER = "%s"


def register():
    pass


def unregister():
    pass
'''


def forbidden(tool: str) -> dict:
    return {"status": "error", "error": "forbidden", "hint": f"{tool} requires the admin role."}


def write_executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def write_addon(root: Path, marker: str) -> Path:
    package = root / "blender_mcp"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(ADDON_INIT % marker)
    (package / "helper.py").write_text("VALUE = 1\n")
    return package


class Machine:
    """A temporary machine layout and a server whose environment points into it. The user
    `operator` has the roles admin and user; `demo` has none."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.home = root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.server: ServerProcess = start_server(env={"HOME": str(self.home), **env})
        add_user(self.server.store, "operator", "operator-password", roles=["admin", "user"])
        self.http = Http(self.server.base_url)
        self.clients: list[Mcp] = []

    def session(self, username: str = "admin", password: str = ADMIN_PASSWORD):
        """An initialized MCP session; by default the admin's, as the host tools need that role."""
        client = Mcp(self.server.base_url, login_ok(self.http, username, password).access)
        self.clients.append(client)
        return client.initialize()

    def addons(self, version: str = "3.4") -> Path:
        return self.home / ".config" / "blender" / version / "scripts" / "addons"

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.http.close()
        self.server.stop()


def result_of(session, tool: str, arguments: dict | None = None) -> dict:
    result = session.tool(tool, arguments)
    assert result["isError"] is False, result
    decoded = json.loads(result["content"][0]["text"])
    assert result["structuredContent"] == decoded
    return decoded


@contextlib.contextmanager
def blender_named_processes(directory: Path, *argument_lists: list[str]) -> Iterator[list[subprocess.Popen]]:
    """One process per argument list, each started as `<directory>/blender`: a symlink to the shell,
    so the kernel's command name is `blender` (what the server's process table matches). The shell
    runs `sleep 30; :` (the `; :` stops it from replacing itself with sleep); the arguments given
    follow as $0, $1, ... Every process group is killed on exit."""
    link = directory / "blender"
    if not link.exists():
        link.symlink_to("/bin/sh")
    processes = [subprocess.Popen([str(link), "-c", "sleep 30; :", *arguments], start_new_session=True)
                 for arguments in argument_lists]
    try:
        yield processes
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
