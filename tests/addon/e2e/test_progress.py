"""report_progress from real Blender (`blender -b`, run_background() as blender-demo01) reaching
its caller, contract 5.2 (Progress), 8.7 and 9.9/9.10:

* a dispatch-tool caller (Style A) that sends `_meta.progressToken` with blender_execute_code gets
  the code's report_progress calls as `notifications/progress` (value x 100 of 100, the message),
  at most one per 0.5 s except 100 %, and nothing for the job's start notice;
* a bus client (Style B) that sends a job_dispatch script gets `kind: "progress"` records on its
  stream before the job's single `job_update`.
"""
from __future__ import annotations

import asyncio
import json

from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

from ..raw_mcp import login
from .conftest import WORKER_UUID

CALLER_UUID = "llm-progress-01"
BUS_WAIT = 30.0


def transport(base_url: str) -> StreamableHttpTransport:
    token = login(base_url)["access_token"]
    return StreamableHttpTransport(url=f"{base_url}/mcp", headers={"Authorization": f"Bearer {token}"})


async def execute_code_with_progress(base_url: str, code: str) -> tuple[dict, list[tuple]]:
    seen: list[tuple] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(transport(base_url), timeout=60) as client:
        raw = await client.call_tool("blender_execute_code", {"code": code}, progress_handler=on_progress)
        return json.loads(raw.content[0].text), seen


def test_a_dispatch_caller_gets_report_progress_of_execute_code_as_mcp_progress(server, worker):
    code = ("report_progress(25, 'quarter')\n"
            "report_progress(50, 'too soon')\n"  # within 0.5 s of the last one: not sent
            "report_progress(100, 'done')\n"
            "print('finished')")
    envelope, seen = asyncio.run(execute_code_with_progress(server.base_url, code))
    assert (envelope["status"], envelope["result"], envelope["error"]) == ("completed", "finished\n", ""), envelope
    assert seen == [(25.0, 100.0, "quarter"), (100.0, 100.0, "done")], seen


def test_execute_code_in_a_dispatch_job_holds_that_jobs_report_progress(server, worker):
    envelope, seen = asyncio.run(execute_code_with_progress(
        server.base_url, "print(callable(report_progress), type(report_progress).__name__)"))
    assert envelope["result"] == "True _ProgressReporter\n", envelope
    assert seen == []  # the start notice carries no progress, so it is no notification


async def dispatch_script_on_the_bus(base_url: str, job_id: str, script: str) -> list[dict]:
    """Registers CALLER_UUID, sends a job_dispatch to blender-demo01 and returns the payloads of the
    bus records for that job, in arrival order, up to and including its job_update."""
    payloads: list[dict] = []
    finished = asyncio.Event()

    async def on_message(message) -> None:
        inner = getattr(message, "root", message)
        if getattr(inner, "method", None) != "notifications/message":
            return
        params = inner.params
        if getattr(params, "logger", None) != "_message_bus":
            return
        data = json.loads(params.data) if isinstance(params.data, str) else params.data
        payload = data.get("payload", {})
        if payload.get("job_id") == job_id:
            payloads.append(payload)
            if payload.get("kind") == "job_update":
                finished.set()

    async with Client(transport(base_url), message_handler=on_message, timeout=30) as client:
        await client.set_logging_level("debug")
        await client.call_tool("blender_register_client", {
            "client_uuid": CALLER_UUID, "client_type": "llm", "is_persistent": False, "capabilities": ["chat"]})
        try:
            await client.call_tool("blender_send_message", {
                "target_uuid": WORKER_UUID, "from_uuid": CALLER_UUID, "priority": "info",
                "payload": {"message_type": "job_dispatch", "job_id": job_id, "script": script}})
            await asyncio.wait_for(finished.wait(), BUS_WAIT)
        finally:
            await client.call_tool("blender_unregister_client", {"client_uuid": CALLER_UUID})
    return payloads


def test_a_bus_caller_gets_progress_records_then_one_job_update_for_its_script(server, worker):
    script = ("report_progress(40, 'meshes', frame=7)\n"
              "report_progress(60, 'too soon')\n"
              "report_progress(100, 'all done')\n"
              "print(job_id)")
    payloads = asyncio.run(dispatch_script_on_the_bus(server.base_url, "job-progress-1", script))
    assert payloads == [
        {"kind": "progress", "job_id": "job-progress-1", "percent": 40.0, "message": "meshes", "frame": 7},
        {"kind": "progress", "job_id": "job-progress-1", "percent": 100.0, "message": "all done", "frame": None},
        {"kind": "job_update", "job_id": "job-progress-1", "status": "completed", "result": "job-progress-1\n",
         "error": ""},
    ], payloads
