"""Arrival-to-start times of jobs: from the moment the stream thread received the record to the
moment the main thread starts running it. Kept for the last 1000 jobs; read by benchmarks through
a script job (`from blender_mcp import latency; print(latency.summary())`)."""
from __future__ import annotations

import collections
import json
import threading

_samples: collections.deque[float] = collections.deque(maxlen=1000)
_lock = threading.Lock()


def record(seconds: float) -> None:
    with _lock:
        _samples.append(seconds)


def samples() -> list[float]:
    with _lock:
        return list(_samples)


def clear() -> None:
    with _lock:
        _samples.clear()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def summary() -> str:
    values = samples()
    return json.dumps({"count": len(values), "p50_ms": percentile(values, 0.5) * 1000,
                       "p90_ms": percentile(values, 0.9) * 1000, "p99_ms": percentile(values, 0.99) * 1000,
                       "max_ms": (max(values) * 1000) if values else float("nan")})
