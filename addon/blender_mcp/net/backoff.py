"""Reconnect delays of contract 9.6: 1, 2, 4, 8, 16, then 30 s for every further attempt."""
from __future__ import annotations

DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)


class Backoff:
    def __init__(self, delays: tuple[float, ...] = DELAYS) -> None:
        if not delays or any(d <= 0 for d in delays):
            raise ValueError("backoff delays must be a non-empty list of positive numbers")
        self._delays = delays
        self._attempt = 0

    def next_delay(self) -> float:
        delay = self._delays[min(self._attempt, len(self._delays) - 1)]
        self._attempt += 1
        return delay

    def reset(self) -> None:
        self._attempt = 0

    @property
    def attempts(self) -> int:
        return self._attempt
