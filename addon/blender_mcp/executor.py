"""Command registry and dispatcher (contract 9.11).

A command is a plain function registered under a name, with an optional gate: a predicate over
the current settings (blender_mcp.settings.current()) that is evaluated at call time, so turning
an integration off in the preferences takes effect on the next dispatch.

Thread safety: registration happens at start-up; execute_command runs on Blender's main thread.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

from . import settings

Gate = Callable[[Any], bool]


class _Command:
    __slots__ = ("handler", "gate", "parameter_names", "takes_any_keyword")

    def __init__(self, handler: Callable[..., Any], gate: Gate | None) -> None:
        self.handler = handler
        self.gate = gate
        parameters = inspect.signature(handler).parameters.values()
        self.takes_any_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
        self.parameter_names = frozenset(
            p.name for p in parameters
            if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY))


class Executor:
    """Name -> handler table. `executor.<name>(**kwargs)` calls a handler directly, with no gate."""

    def __init__(self) -> None:
        self._commands: dict[str, _Command] = {}

    def register(self, name: str, handler: Callable[..., Any], gate: Gate | None = None) -> None:
        """Registers `handler` under `name`; a later registration under the same name replaces it."""
        if not isinstance(name, str) or not name:
            raise ValueError("command name must be a non-empty string")
        if not callable(handler):
            raise TypeError(f"handler for command '{name}' is not callable")
        self._commands[name] = _Command(handler, gate)

    def names(self) -> list[str]:
        return sorted(self._commands)

    def has(self, name: str) -> bool:
        return name in self._commands

    def execute_command(self, command: dict) -> dict:
        """Runs {"type": name, "params": {...}} and returns the 9.11 status object."""
        name = command.get("type") if isinstance(command, dict) else None
        entry = self._commands.get(name) if isinstance(name, str) else None
        if entry is None or not self._gate_open(entry):
            return {"status": "error", "message": f"Unknown command type: {name}"}
        params = command.get("params") or {}
        if not isinstance(params, dict):
            return {"status": "error", "message": f"params of command '{name}' must be an object"}
        kwargs = {key: value for key, value in params.items()
                  if value is not None and (entry.takes_any_keyword or key in entry.parameter_names)}
        try:
            return {"status": "success", "result": entry.handler(**kwargs)}
        except Exception as error:  # a handler failure is a reply, never a crash of the pump
            return {"status": "error", "message": str(error)}

    @staticmethod
    def _gate_open(entry: _Command) -> bool:
        if entry.gate is None:
            return True
        try:
            return bool(entry.gate(settings.current()))
        except Exception:
            return False

    def __getattr__(self, name: str) -> Callable[..., Any]:
        commands = self.__dict__.get("_commands", {})
        if name in commands:
            return commands[name].handler
        raise AttributeError(f"executor has no command '{name}'")
