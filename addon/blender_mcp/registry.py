"""Builds the executor with all 26 commands: the 14 core ones (the contract's 12, look and render) and the 12
integration ones."""
from __future__ import annotations

from .commands import register_core_commands
from .executor import Executor


def build_executor(log=print) -> Executor:
    executor = Executor()
    register_core_commands(executor)
    try:
        from . import integrations
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.integrations":
            raise
        log(f"blender-mcp: integration commands unavailable ({error}); PolyHaven, Hyper3D and Sketchfab "
            "commands will answer 'Unknown command type'")
    else:
        integrations.register_commands(executor)
    return executor
