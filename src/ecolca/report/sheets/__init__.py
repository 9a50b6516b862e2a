"""The report's sheets, one module each, found by name: a module here with ``NAME`` (the sheet
title), ``ORDER`` (its place in the workbook) and ``write(sheet, ctx)`` is a sheet of the
report; ``applies(ctx)`` (optional) leaves it out when it has nothing to show, and ``MAX_TEXT``
(optional) caps its text columns. Adding a sheet is adding one file."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def _discover() -> list[ModuleType]:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "write"):
            mods.append(mod)
    mods.sort(key=lambda m: (m.ORDER, m.NAME))
    return mods


SHEETS: list[ModuleType] = _discover()
