"""The Brightway project ecolca calculates in: its name, making it current (after finishing or
undoing an import a killed process left half-done), and whether it is ready. ``ecolca setup``
itself is :mod:`ecolca.importers.setup` (it imports databases).
"""

from __future__ import annotations

import os
import time
from typing import Callable

from ecolca.brightway import bwcompat  # noqa: F401  (silences the pypardiso warning before bw2calc loads)
from ecolca.core.errors import SetupError

DEFAULT_PROJECT = "ecolca"
PROJECT_ENV = "ECOLCA_PROJECT"

Progress = Callable[[str, float], None]


def project_name(name: str | None = None) -> str:
    """The project to use: ``name``, else ``$ECOLCA_PROJECT``, else ``ecolca``."""
    return name or os.environ.get(PROJECT_ENV) or DEFAULT_PROJECT


def activate(name: str | None = None, create: bool = False) -> str:
    """Make ``name`` the current Brightway project; raise SetupError if it does not exist and
    ``create`` is False."""
    bwcompat.check_environment()
    import bw2data as bd

    name = project_name(name)
    if name not in bd.projects and not create:
        raise SetupError(f"Brightway project '{name}' does not exist; run `ecolca setup"
                         f"{'' if name == DEFAULT_PROJECT else ' --project ' + name}` first")
    if bd.projects.current != name:
        bd.projects.set_current(name)
        bwcompat.load_multifunctional_if_used()
    recover_interrupted_import(name)
    return name


def recover_interrupted_import(name: str) -> None:
    """Before anything reads the project: finish or undo an import that a killed process left
    half-swapped, and drop its temporary databases (:func:`ecolca.brightway.swap.recover`; a
    quick check when there is nothing to do)."""
    from ecolca.brightway import swap

    try:
        swap.recover()
    except Exception as exc:  # noqa: BLE001  (disk full, permissions: said, not a traceback)
        raise SetupError(f"project '{name}': an interrupted import could not be finished or "
                         f"undone ({type(exc).__name__}: {exc})") from exc


def is_ready(name: str | None = None, all_methods: bool = False) -> bool:
    """True when the project exists with biosphere3, the methods and the current bundled
    background database (what ``setup`` would do is nothing)."""
    import bw2data as bd

    from ecolca.brightway import background

    name = project_name(name)
    if name not in bd.projects:
        return False
    activate(name)
    if "biosphere3" not in bd.databases:
        return False
    bundled = background.read()
    meta = bd.databases.get(bundled.name, {})
    if meta.get("ecolca_digest") != bundled.digest:
        return False
    marker = (bd.projects.dataset.data or {}).get("ecolca_methods")
    return marker == "all" or (marker == "default" and not all_methods)
