"""Running the blender-mcp binary: the user CLI, and servers started with full control of their
arguments and environment (for configuration tests that `support.server_process` cannot express)."""
from __future__ import annotations

import os
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from support.server_process import (ADMIN_PASSWORD, DEMO_PASSWORD, StderrWatch, Store, binary_path,
                                   stop_process)

CLI_TIMEOUT = 60.0
START_TIMEOUT = 20.0
TICKS = os.sysconf("SC_CLK_TCK")


def clean_env(extra: dict[str, str] | None = None, remove: Iterable[str] = (),
              admin: bool = True, demo: bool = True) -> dict[str, str]:
    """The environment of the test process without any blender-mcp settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLENDER_MCP_")}
    for name in ("OAUTH_SECRET_KEY", "JWT_SECRET", "ADMIN_PASSWORD", "DEMO_PASSWORD",
                 "ACCESS_TOKEN_EXPIRE_MINUTES", "REFRESH_TOKEN_EXPIRE_DAYS"):
        env.pop(name, None)
    if admin:
        env["ADMIN_PASSWORD"] = ADMIN_PASSWORD
    if demo:
        env["DEMO_PASSWORD"] = DEMO_PASSWORD
    env.update(extra or {})
    for name in remove:
        env.pop(name, None)
    return env


def run_binary(*args: str, stdin_text: str | None = None, env: dict[str, str] | None = None,
               timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
    """Runs the binary to completion in a new session (so it has no controlling terminal)."""
    return subprocess.run([str(binary_path()), *args], input=stdin_text if stdin_text is not None else None,
                          stdin=None if stdin_text is not None else subprocess.DEVNULL,
                          capture_output=True, text=True, env=env or clean_env(),
                          timeout=timeout, start_new_session=True)


def store_args(where: Path | Store) -> list[str]:
    """The options selecting a store: a Store, or a data directory (its SQLite file)."""
    return where.cli_args() if isinstance(where, Store) else ["--data-dir", str(where)]


def user_cli(where: Path | Store, *args: str, stdin_text: str | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return run_binary(*store_args(where), "user", *args, stdin_text=stdin_text, env=env)


def add_user(where: Path | Store, username: str, password: str, roles: Iterable[str] = (),
             scopes: Iterable[str] = ()) -> None:
    args = ["add", username, "--password-stdin"]
    for role in roles:
        args += ["--role", role]
    for scope in scopes:
        args += ["--scope", scope]
    done = user_cli(where, *args, stdin_text=password + "\n")
    assert done.returncode == 0, f"user add {username} failed: {done.returncode}\n{done.stderr}"


def remove_user(where: Path | Store, username: str) -> None:
    done = user_cli(where, "remove", username)
    assert done.returncode == 0, f"user remove {username} failed: {done.returncode}\n{done.stderr}"


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports that were free a moment ago (all held open while choosing)."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


@dataclass
class Boot:
    """A `blender-mcp` start: either it is listening (`url`), or it exited (`exit_code`)."""

    process: subprocess.Popen
    url: str | None
    exit_code: int | None
    lines: list[str] = field(default_factory=list)

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)

    @property
    def base_url(self) -> str:
        assert self.url, f"server is not listening; exit {self.exit_code}\n{self.stderr}"
        return self.url.rstrip("/")

    def stop(self) -> int | None:
        return stop_process(self.process)


def boot(*args: str, env: dict[str, str] | None = None, timeout: float = START_TIMEOUT) -> Boot:
    """Starts the binary with exactly `args` and waits until it listens or exits (hard cap `timeout`)."""
    process = subprocess.Popen([str(binary_path()), *args], env=env or clean_env(),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    watch = StderrWatch(process)
    if watch.wait_listening(timeout):
        return Boot(process, watch.url, None, watch.lines)
    if process.poll() is not None:
        watch.finished.wait(5)  # let the watch collect the last stderr lines
        return Boot(process, None, process.returncode, watch.lines)
    process.kill()
    process.wait(10)
    raise AssertionError("server neither listened nor exited in time:\n" + "\n".join(watch.lines))


def expect_startup_refused(*args: str, env: dict[str, str] | None = None) -> Boot:
    """Starts the binary and requires it to exit without listening; stops it if it did listen."""
    result = boot(*args, env=env)
    if result.url is not None:
        result.stop()
        raise AssertionError(f"server started at {result.url} but should have refused:\n{result.stderr}")
    return result


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (/proc/<pid>/stat utime + stime)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS
