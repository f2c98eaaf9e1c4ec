"""Cutting the addon's connection mid-job (a TCP proxy between real headless Blender and the real
server drops every connection and refuses new ones for a while) loses no job and runs none twice."""
from __future__ import annotations

import json
import threading
import time
import urllib.parse

from ..tcp_proxy import TcpProxy
from .blender_worker import start_background, wait_until_online

UUID = "blender-cut01"
JOBS = 6
JOBS_DURING_CUT = 3
CUT_SECONDS = 2.5
EVERY_BLENDER_VERSION = True  # conftest.py: once per Blender version


def job_code(tag: str) -> str:
    return ("import bpy, time\n"
            f"bpy.app.driver_namespace.setdefault('runs', []).append({tag!r})\n"
            "time.sleep(0.4)\n"
            f"print({tag!r})")


def test_a_cut_connection_mid_job_loses_no_job_and_runs_none_twice(server, raw, token, runtime):
    proxy = TcpProxy("127.0.0.1", urllib.parse.urlsplit(server.base_url).port)
    blender = start_background(proxy.url, uuid=UUID, duration=120, runtime=runtime)
    try:
        wait_until_online(blender, server.base_url, token, UUID)
        envelopes: dict[str, dict] = {}

        def call(tag: str) -> None:
            envelopes[tag] = raw.call("blender_execute_code",
                                      {"code": job_code(tag), "target_uuid": UUID, "_timeout": 60}, timeout=90)

        callers = [threading.Thread(target=call, args=(f"job-{n}",)) for n in range(JOBS)]
        for caller in callers:
            caller.start()
            time.sleep(0.05)
        time.sleep(0.3)  # the first job is running now; the others are queued in Blender or on the server
        assert proxy.cut(block=True) >= 1
        # Sent while the addon is cut off: the server queues these records for its MCP session.
        late = [threading.Thread(target=call, args=(f"job-{n}",)) for n in range(JOBS, JOBS + JOBS_DURING_CUT)]
        for caller in late:
            caller.start()
        callers += late
        time.sleep(CUT_SECONDS)
        proxy.unblock()
        for caller in callers:
            caller.join(90)

        assert {tag: (e["status"], e["result"]) for tag, e in envelopes.items()} == \
            {f"job-{n}": ("completed", f"job-{n}\n") for n in range(JOBS + JOBS_DURING_CUT)}, envelopes
        runs = json.loads(raw.call("blender_execute_code", {
            "code": "import bpy, json; print(json.dumps(bpy.app.driver_namespace['runs']))",
            "target_uuid": UUID})["result"])
        assert sorted(runs) == sorted(f"job-{n}" for n in range(JOBS + JOBS_DURING_CUT)), runs
        assert proxy.connections > 3  # the addon did reconnect through the proxy
    finally:
        code = blender.stop()
        proxy.close()
        print(f"\n--- {runtime.label} (exit {code}) ---\n{blender.output()[-3000:]}")
