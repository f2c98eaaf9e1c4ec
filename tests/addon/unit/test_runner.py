"""Running jobs outside Blender (contract 9.9, 9.10): stdout capture, naming, replies, progress."""
from __future__ import annotations

from .. import paths  # noqa: F401
import base64
import threading

from blender_mcp import images, job_context, runner
from blender_mcp.executor import Executor
from blender_mcp.records import Job


class Sent(list):
    def __call__(self, tool, arguments):
        self.append((tool, arguments))


def make_runner(executor=None):
    sent = Sent()
    return runner.JobRunner(executor or Executor(), sent, "blender-me", modules=lambda: {}), sent


def script(job_id: str, text: str, from_uuid: str = "llm-1") -> Job:
    return Job("script", job_id=job_id, priority=6, script=text, from_uuid=from_uuid)


def test_a_dispatched_job_reports_running_then_completed_with_its_stdout():
    job_runner, sent = make_runner()
    job_runner.run(script("job-42", "for n in range(2):\n    print(n)", from_uuid="server-dispatch:demo"))
    assert sent == [("blender_job_update", {"job_id": "job-42", "status": "running", "result": "", "error": ""}),
                    ("blender_job_update", {"job_id": "job-42", "status": "completed", "result": "0\n1\n",
                                            "error": ""})]


def test_a_bus_originator_gets_only_the_terminal_update_as_the_guides_job_waiter_expects():
    job_runner, sent = make_runner()
    job_runner.run(script("job-abc123", "print(3)", from_uuid="llm-myclient-001"))
    assert sent == [("blender_job_update", {"job_id": "job-abc123", "status": "completed", "result": "3\n",
                                            "error": ""})]


def test_a_failing_script_keeps_its_stdout_and_its_traceback_names_the_job():
    job_runner, sent = make_runner()
    reply = job_runner.run(script("job-7", "print('before')\nraise RuntimeError('boom')"))
    assert reply["status"] == "failed" and reply["result"] == "before\n"
    assert reply["error"].startswith("boom\n") and 'File "<job_job-7>", line 2' in reply["error"]


def test_system_exit_in_a_script_fails_the_job_instead_of_ending_the_process():
    job_runner, _ = make_runner()
    assert job_runner.run(script("bye", "raise SystemExit(3)"))["status"] == "failed"


def test_every_script_gets_fresh_globals_with_the_executor_and_its_job_id():
    executor = Executor()
    executor.register("double", lambda value: value * 2)
    job_runner, _ = make_runner(executor)
    job_runner.run(script("one", "leaked = 1"))
    reply = job_runner.run(script("two", "print('leaked' in globals(), job_id, __name__, executor.double(value=4))"))
    assert reply["result"] == "False two __blender_mcp_job__ 8\n"


def test_a_command_result_is_json_text_and_a_failure_carries_the_message():
    executor = Executor()
    executor.register("info", lambda name: {"name": name, "size": 2})
    executor.register("broken", lambda: (_ for _ in ()).throw(ValueError("Object not found: X")))
    job_runner, _ = make_runner(executor)
    ok = job_runner.run(Job("command", job_id="j-1", priority=6, command="info", params={"name": "Cube"}))
    assert ok == {"job_id": "j-1", "status": "completed", "result": '{"name": "Cube", "size": 2}', "error": ""}
    bad = job_runner.run(Job("command", job_id="j-2", priority=6, command="broken"))
    assert (bad["status"], bad["error"]) == ("failed", "Object not found: X")
    unknown = job_runner.run(Job("command", job_id="j-3", priority=6, command="nope"))
    assert (unknown["status"], unknown["error"]) == ("failed", "Unknown command type: nope")


def test_execute_code_replies_with_the_stdout_itself_not_json():
    executor = Executor()
    executor.register("execute_code", lambda code: {"executed": True, "result": "3\n"})
    job_runner, _ = make_runner(executor)
    reply = job_runner.run(Job("command", job_id="j-4", priority=6, command="execute_code", params={"code": "x"}))
    assert reply["result"] == "3\n"


def test_long_results_are_cut_and_marked():
    job_runner, _ = make_runner()
    reply = job_runner.run(script("big", "print('x' * 1_200_000, end='')"))
    assert len(reply["result"]) == runner.RESULT_CAP and reply["result"].endswith("\n[truncated]")


def test_report_progress_of_a_dispatched_job_sends_running_updates_at_most_every_half_second():
    job_runner, sent = make_runner()
    job_runner.run(script("p", "report_progress(10, 'a')\nreport_progress(20, 'b')\nreport_progress(100, 'done')",
                          from_uuid="server-dispatch:demo"))
    updates = [args for tool, args in sent if tool == "blender_job_update" and "progress" in args]
    assert [(u["progress"], u["progress_message"]) for u in updates] == [(0.1, "a"), (1.0, "done")]
    assert not [tool for tool, _ in sent if tool == "blender_send_message"]


def test_report_progress_of_a_bus_job_sends_progress_messages_to_its_originator_at_most_every_half_second():
    job_runner, sent = make_runner()
    job_runner.run(script("p", "report_progress(10, 'a')\nreport_progress(20, 'b')\nreport_progress(100, 'done')"))
    assert [args["status"] for tool, args in sent if tool == "blender_job_update"] == ["completed"]
    messages = [args for tool, args in sent if tool == "blender_send_message"]
    assert [m["payload"]["percent"] for m in messages] == [10.0, 100.0]
    assert messages[0]["target_uuid"] == "llm-1" and messages[0]["priority"] == "notice"
    assert messages[0]["payload"] == {"kind": "progress", "job_id": "p", "percent": 10.0, "message": "a",
                                      "frame": None}
    # From the worker's own uuid (contract 9.9); the server keeps the job's pending entry.
    assert messages[0]["from_uuid"] == "blender-me"


def test_a_cancelled_job_gets_a_cancelled_reply():
    job_runner, sent = make_runner()
    job_runner.cancelled(script("gone", ""))
    assert sent[0][1]["status"] == "cancelled" and sent[0][1]["job_id"] == "gone"


def test_a_command_sees_the_reporter_of_its_job_only_while_the_job_runs():
    seen = []
    executor = Executor()

    def report(percent: float):
        reporter = job_context.current_reporter()
        seen.append(reporter is not None)
        reporter(percent, "from a command")
        return {"reported": percent}

    executor.register("report", report)
    job_runner, sent = make_runner(executor)
    job_runner.run(Job("command", job_id="c1", priority=6, command="report", params={"percent": 30},
                       from_uuid="server-dispatch:demo"))
    assert seen == [True] and job_context.current_reporter() is None
    assert [(args["status"], args.get("progress"), args.get("progress_message")) for _, args in sent] == [
        ("running", None, None), ("running", 0.3, "from a command"), ("completed", None, None)]


def pictures_command(executor: Executor, size: int = 24) -> None:
    def shoot(label: str = "top"):
        data = b"\x89PNG\r\n\x1a\n" + b"\0" * (size - 8)
        picture = images.Picture(label=label, mime_type="image/png", data=data, width=2, height=1)
        return images.WithImages({"success": True, "images": images.describe([picture])}, [picture])

    executor.register("shoot", shoot)


def test_pictures_of_a_command_go_in_the_images_argument_and_only_their_description_in_result():
    executor = Executor()
    pictures_command(executor)
    job_runner, _ = make_runner(executor)
    reply = job_runner.run(Job("command", job_id="s-1", priority=6, command="shoot", params={"label": "front"}))
    assert reply["status"] == "completed"
    assert reply["result"] == ('{"success": true, "images": [{"index": 1, "label": "front", "width": 2, "height": 1, '
                               '"mimeType": "image/png", "bytes": 24}]}')
    assert [(item["label"], item["mimeType"]) for item in reply["images"]] == [("front", "image/png")]
    assert base64.b64decode(reply["images"][0]["data"]).startswith(b"\x89PNG")
    assert reply["images"][0]["data"] not in reply["result"]


def test_pictures_over_the_bound_fail_the_job_with_the_reason_and_carry_no_bytes(monkeypatch):
    executor = Executor()
    pictures_command(executor, size=5000)
    job_runner, _ = make_runner(executor)
    monkeypatch.setenv("BLENDER_MCP_MAX_IMAGE_BYTES", "4096")
    reply = job_runner.run(Job("command", job_id="s-2", priority=6, command="shoot"))
    assert reply == {"job_id": "s-2", "status": "failed", "result": "", "error": (
        "The pictures are 5000 bytes in all, more than the limit of 4096 bytes per reply "
        "(BLENDER_MCP_MAX_IMAGE_BYTES); ask for a smaller max_size, format jpeg or fewer views")}


def test_a_running_command_that_sees_its_cancel_ends_the_job_cancelled_and_others_are_not_touched():
    executor = Executor()
    started, finished = threading.Event(), []

    def wait_for_cancel():
        started.set()
        if job_context.cancel_event().wait(5):
            raise job_context.JobCancelled("cancelled while rendering")
        finished.append(True)
        return {}

    executor.register("wait_for_cancel", wait_for_cancel)
    job_runner, sent = make_runner(executor)
    assert job_runner.cancel_running("r-0") is False  # nothing runs yet
    thread = threading.Thread(target=job_runner.run, args=(
        Job("command", job_id="r-1", priority=6, command="wait_for_cancel", from_uuid="server-dispatch:demo"),))
    thread.start()
    assert started.wait(5)
    assert job_runner.cancel_running("other") is False
    assert job_runner.cancel_running("r-1") is True
    thread.join(5)
    assert sent[-1] == ("blender_job_update", {"job_id": "r-1", "status": "cancelled", "result": "",
                                               "error": "cancelled while rendering"})
    assert finished == [] and job_context.cancelled() is False
    assert job_runner.cancel_running("r-1") is False  # it no longer runs


def test_a_cancel_that_comes_just_before_its_job_starts_is_not_lost():
    executor = Executor()
    executor.register("check", lambda: {"cancelled": job_context.cancelled()})
    job_runner, _ = make_runner(executor)
    assert job_runner.cancel_running("late") is False  # the job left the queue but has not started
    reply = job_runner.run(Job("command", job_id="late", priority=6, command="check"))
    assert reply["result"] == '{"cancelled": true}'
    assert job_runner.run(Job("command", job_id="other", priority=6, command="check"))["result"] == \
        '{"cancelled": false}'
