"""The addon's integration commands (contract 9.12): PolyHaven, Hyper3D Rodin and Sketchfab.

register_commands(executor) adds the 12 commands with their gates. A gate reads a toggle from the
settings object at dispatch time; the three status commands have no gate so a caller can always
find out how to enable an integration. Handlers run on Blender's main thread and may block on HTTP.
"""
from __future__ import annotations

from typing import Any, Callable

from . import hyper3d, polyhaven, sketchfab
from .hyper3d import RODIN_FREE_TRIAL_KEY


def _toggle(name: str) -> Callable[[Any], bool]:
    def gate(settings: Any) -> bool:
        return bool(getattr(settings, name, False))
    gate.__name__ = f"gate_{name}"
    return gate


_POLYHAVEN = _toggle("use_polyhaven")
_HYPER3D = _toggle("use_hyper3d")
_SKETCHFAB = _toggle("use_sketchfab")

# (command name, handler, gate or None)
COMMANDS: tuple[tuple[str, Callable[..., Any], Callable[[Any], bool] | None], ...] = (
    ("get_polyhaven_status", polyhaven.get_polyhaven_status, None),
    ("get_polyhaven_categories", polyhaven.get_polyhaven_categories, _POLYHAVEN),
    ("search_polyhaven_assets", polyhaven.search_polyhaven_assets, _POLYHAVEN),
    ("download_polyhaven_asset", polyhaven.download_polyhaven_asset, _POLYHAVEN),
    ("set_texture", polyhaven.set_texture, _POLYHAVEN),
    ("get_hyper3d_status", hyper3d.get_hyper3d_status, None),
    ("create_rodin_job", hyper3d.create_rodin_job, _HYPER3D),
    ("poll_rodin_job_status", hyper3d.poll_rodin_job_status, _HYPER3D),
    ("import_generated_asset", hyper3d.import_generated_asset, _HYPER3D),
    ("get_sketchfab_status", sketchfab.get_sketchfab_status, None),
    ("search_sketchfab_models", sketchfab.search_sketchfab_models, _SKETCHFAB),
    ("download_sketchfab_model", sketchfab.download_sketchfab_model, _SKETCHFAB),
)

__all__ = ["COMMANDS", "RODIN_FREE_TRIAL_KEY", "register_commands"]


def register_commands(executor: Any) -> None:
    for name, handler, gate in COMMANDS:
        executor.register(name, handler, gate=gate)
