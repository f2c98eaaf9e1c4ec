"""Turns an MCP message from the stream into a Job, or decides to drop it (contract 9.7 intake).

A job is accepted only from `notifications/message` with logger `_message_bus` and non-null data
(a JSON object, or a JSON text of one). Records for another target, payloads without a string
job_id, and payload types the addon does not act on are dropped silently.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MESSAGE_BUS_LOGGER = "_message_bus"
LEVELS = {"emergency": 0, "alert": 1, "critical": 2, "error": 3, "warning": 4, "notice": 5, "info": 6,
          "debug": 7}
UNKNOWN_LEVEL_PRIORITY = 6


@dataclass
class Job:
    """One unit of work for the main thread. kind is "script", "command" or "cancel"."""

    kind: str
    job_id: str
    priority: int
    message_id: str | None = None
    from_uuid: str | None = None
    script: str = ""
    command: str = ""
    params: dict = field(default_factory=dict)
    arrived_at: float = 0.0  # time.perf_counter() when the stream thread received the record


def bus_data(message: Any) -> tuple[dict, int] | None:
    """(record data, priority) of a bus notification, or None for anything else."""
    if not isinstance(message, dict) or message.get("method") != "notifications/message":
        return None
    params = message.get("params")
    if not isinstance(params, dict) or params.get("logger") != MESSAGE_BUS_LOGGER:
        return None
    data = params.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return None
    if not isinstance(data, dict):
        return None
    level = params.get("level")
    priority = LEVELS.get(level.lower(), UNKNOWN_LEVEL_PRIORITY) if isinstance(level, str) else \
        UNKNOWN_LEVEL_PRIORITY
    return data, priority


def job_from(data: dict, priority: int, my_uuid: str) -> Job | None:
    """The job a record asks for, or None when it must be dropped (message_id dedupe is the caller's)."""
    target = data.get("target_uuid")
    if target is not None and target != my_uuid:
        return None
    payload = data.get("payload")
    if not isinstance(payload, dict) or not isinstance(payload.get("job_id"), str):
        return None
    message_id = data.get("message_id") if isinstance(data.get("message_id"), str) else None
    from_uuid = data.get("from_uuid") if isinstance(data.get("from_uuid"), str) else None
    common = {"job_id": payload["job_id"], "priority": priority, "message_id": message_id, "from_uuid": from_uuid}
    kind = payload.get("message_type")
    if kind == "job_dispatch" and isinstance(payload.get("script"), str):
        return Job("script", script=payload["script"], **common)
    if kind == "command_dispatch" and isinstance(payload.get("command"), str):
        params = payload.get("params")
        return Job("command", command=payload["command"], params=params if isinstance(params, dict) else {},
                   **common)
    if kind == "cancel":
        return Job("cancel", **common)
    return None
