"""Starting, pinning and stopping the processes a benchmark needs: servers and bench programs.

Every process is started by this module and stopped by it (terminate, then kill after 10 s);
nothing is ever looked up or killed by name.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

STOP_GRACE_SECONDS = 10


def pinned(cmd: list[str], cpus: str | None) -> list[str]:
    """`cmd` run under taskset on the given CPU list (e.g. "0"), or unchanged when cpus is None."""
    return ["taskset", "-c", cpus, *cmd] if cpus else cmd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_GRACE_SECONDS)


@dataclass
class Service:
    """A running server: its process, base URL (no trailing slash) and log file."""

    name: str
    process: subprocess.Popen
    base_url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    def stop(self) -> None:
        stop(self.process)


def start_logged(name: str, cmd: list[str], log: Path, ready: re.Pattern[str], env: dict[str, str] | None = None,
                 timeout: float = 30.0, cwd: Path | None = None) -> tuple[subprocess.Popen, re.Match[str]]:
    """Starts `cmd` with stdout+stderr to `log` and waits until a log line matches `ready`."""
    handle = open(log, "w", encoding="utf-8")
    process = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                               stdin=subprocess.DEVNULL)
    handle.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = ready.search(log.read_text(encoding="utf-8", errors="replace"))
        if match:
            return process, match
        if process.poll() is not None:
            break
        time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"{name} did not start (exit {process.returncode}); log {log}:\n"
                       + log.read_text(encoding="utf-8", errors="replace")[-3000:])


BLENDER_MCP_READY = re.compile(r"blender-mcp listening on (http://\S+)")
SDK_READY = re.compile(r"listening on (http://\S+)")


def server_env(admin_password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLENDER_MCP_")}
    env.pop("OAUTH_SECRET_KEY", None)
    env.pop("JWT_SECRET", None)
    env["ADMIN_PASSWORD"] = admin_password
    return env


def start_blender_mcp(binary: Path, data_dir: Path, log: Path, cpus: str | None, threads: int,
                      admin_password: str, fixtures: bool = True, extra_args: list[str] | None = None,
                      settings: dict[str, str] | None = None) -> Service:
    """`extra_args` are added to the serve command line (for example --database-url); `settings`
    are BLENDER_MCP_* environment settings."""
    cmd = [str(binary), "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(data_dir),
           "--threads", str(threads), *(extra_args or [])]
    if fixtures:
        cmd.append("--conformance-fixtures")
    process, match = start_logged("blender-mcp", pinned(cmd, cpus), log, BLENDER_MCP_READY,
                                  env={**server_env(admin_password), **(settings or {})})
    return Service("blender-mcp", process, match.group(1).rstrip("/"), log)


def start_node_sdk(node: Path, script: Path, log: Path, cpus: str | None) -> Service:
    process, match = start_logged("TypeScript SDK server", pinned([str(node), str(script)], cpus), log, SDK_READY,
                                  cwd=script.parent)
    return Service("ts-sdk", process, match.group(1).rstrip("/"), log)


def start_python_sdk(python: Path, script: Path, log: Path, cpus: str | None) -> Service:
    port = free_port()
    process, match = start_logged("Python SDK server", pinned([str(python), str(script), "--port", str(port)], cpus),
                                  log, SDK_READY)
    # uvicorn binds after the line is printed: wait for the port to accept connections.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"Python SDK server exited; log {log}")
            time.sleep(0.1)
    return Service("python-sdk", process, match.group(1).rstrip("/"), log)


def add_users(binary: Path, data_dir: Path, names: list[str], password: str, admin_password: str) -> None:
    for name in names:
        subprocess.run([str(binary), "--data-dir", str(data_dir), "user", "add", name, "--password-stdin"],
                       input=password + "\n", text=True, check=True, capture_output=True,
                       env=server_env(admin_password), timeout=60)


def run_json(cmd: list[str], cpus: str | None, timeout: float, allow_failure: bool = False) -> dict:
    """Runs a bench program (pinned) and returns the JSON object on the last line of its stdout."""
    completed = subprocess.run(pinned(cmd, cpus), capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if not lines or (completed.returncode != 0 and not allow_failure):
        raise RuntimeError(f"{Path(cmd[0]).name} failed (exit {completed.returncode}): "
                           f"{completed.stderr.strip()[-2000:]} {completed.stdout.strip()[-2000:]}")
    result = json.loads(lines[-1])
    result["exit_code"] = completed.returncode
    return result
