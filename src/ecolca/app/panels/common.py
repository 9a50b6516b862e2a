"""Helpers of the properties panels: numbers as the user types them, the catalogue of
background activities, and the activity picker's entry point."""

from __future__ import annotations

import math
from typing import Callable

from PySide6.QtWidgets import QLineEdit, QMessageBox

from ecolca.core.model import ActivityRef, Uncertainty, default_category




def parse_number(text: str) -> float | None:
    """A number typed by a person: '80,000', '1e6', ' 12.5 ' → float; '' → None; else raises."""
    t = text.strip().replace("\u202f", "").replace(" ", "")
    if not t:
        return None
    if t.count(",") and t.count(".") == 0 and all(len(p) == 3 for p in t.split(",")[1:]):
        t = t.replace(",", "")
    elif t.count(",") and t.count("."):
        t = t.replace(",", "")
    value = float(t)
    if not math.isfinite(value):
        raise ValueError("not finite")
    return value


def number_problem(text: str) -> str:
    """Why ``text`` is not a number, with a hint for a decimal comma ("1,5": use 1.5)."""
    t = text.strip()
    parts = t.replace(" ", "").split(",")
    if len(parts) == 2 and all(p.lstrip("-+").isdigit() for p in parts if p) and parts[1] \
            and len(parts[1]) != 3:
        return f"'{t}' is not a number: use {parts[0] or '0'}.{parts[1]} (a point for decimals)"
    return f"'{t}' is not a number"


def fmt_number(x: float | None) -> str:
    if x is None:
        return ""
    if x == 0:
        return "0"
    if abs(x) >= 1e-3 and abs(x) < 1e12:
        return f"{x:,.10g}"
    return f"{x:.6g}"


def show_start(edit: QLineEdit, text: str) -> None:
    """Put ``text`` in a line edit showing its start (setText shows the end of a long text,
    which hides what it is), with the whole text as tooltip."""
    if edit.text() != text:
        edit.setText(text)
    if not edit.hasFocus():
        edit.setCursorPosition(0)
    edit.setToolTip(text)


def describe_uncertainty(u: Uncertainty) -> str:
    if u.type == "none":
        return "—"
    if u.type == "lognormal":
        return f"lognormal, σg {u.gsd:g}"
    if u.type == "normal":
        return f"normal, sd {u.sd:g}"
    return f"{u.type} {u.minimum:g}–{u.maximum:g}"


class Catalog:
    """Activities and biosphere flows of the Brightway project, loaded on first use (the main
    window sets ``loader``); ``describe`` names a reference for display."""

    def __init__(self, loader: Callable[[bool], list] | None = None):
        self.loader = loader
        self._rows: dict[bool, list] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._by_key: tuple = (None, {})  # (the rows it was made of, key -> row)

    def rows(self, biosphere: bool = False) -> list:
        if biosphere not in self._rows:
            rows = self.loader(biosphere) if self.loader else []
            self._rows[biosphere] = rows
            for r in rows:
                self._names[(r.database, r.code)] = f"{r.name} [{r.location}] ({r.unit})"
        return self._rows[biosphere]

    def describe(self, ref: ActivityRef | None) -> str:
        if ref is None:
            return ""
        if not self._rows:
            try:
                self.rows(False)
            except Exception:  # no project yet: show the code only
                pass
        return self._names.get(ref.key, f"{ref.database}:{ref.code}")

    def row(self, ref: ActivityRef | None):
        """The catalog row (name, product, unit …) of ``ref``; None when not known."""
        if ref is None:
            return None
        try:
            rows = self.rows(False)
        except Exception:  # no project yet
            return None
        if self._by_key[0] is not rows:
            self._by_key = (rows, {(r.database, r.code): r for r in rows})
        return self._by_key[1].get(ref.key)

    def invalidate(self) -> None:
        self._rows.clear()
        self._names.clear()


def category_after(flow, catalog: Catalog, **new) -> str | None:
    """The category ``flow`` takes when its ``name``, ``unit`` or background ``ref`` change as
    in ``new``: the one :func:`~ecolca.core.model.default_category` gives, while its category is
    still the default of what it was (its author never chose one); None otherwise."""
    def default(name, unit, ref) -> str:
        return default_category(flow.kind, unit, name, catalog.row(ref))

    ref = flow.fate if flow.kind == "residue" else flow.activity
    before = default(flow.name, flow.unit, ref)
    after = default(new.get("name", flow.name), new.get("unit", flow.unit), new.get("ref", ref))
    return after if flow.category == before and after != before else None


def pick_activity(parent, catalog: Catalog, *, biosphere: bool = False, unit_hint: str | None = None,
                  current: ActivityRef | None = None, title: str | None = None,
                  search: str | None = None, fates: bool = False) -> ActivityRef | None:
    from ecolca.app.pickers import ActivityPickerDialog

    rows = catalog.rows(biosphere)
    if not rows:
        QMessageBox.information(parent, "No background data",
                                "The Brightway project has no activities yet. Set it up with "
                                "Run ▸ Set up Brightway project.")
        return None
    kw = {"unit_hint": unit_hint, "current": current, "fates": fates}
    if title:
        kw["title"] = title
    if search and current is None:  # a first choice: start from the flow's name
        kw["search"] = search
    return ActivityPickerDialog.pick(parent, rows, **kw)
