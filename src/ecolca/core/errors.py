"""Errors a user can cause, each naming the item and the field it concerns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One validation message.

    ``path`` locates the item for the app and reports: e.g. ``("sites", "asnaes", "flows",
    "gypsum-out", "amount")``; ``item`` and ``field`` are what a person reads.
    """

    item: str
    field: str
    message: str
    path: tuple = ()
    severity: str = "error"  # "error" blocks a calculation, "warning" does not

    def __str__(self) -> str:
        where = f"{self.item}, field '{self.field}'" if self.field else self.item
        return f"{where}: {self.message}"


class EcolcaError(Exception):
    """Base class of errors caused by user input; the CLI prints them without a traceback."""

    exit_code = 1


class Cancelled(EcolcaError):
    """The user cancelled a running calculation or import (raised by the LCA code and the
    importers alike, so it lives here, below both)."""


class ScenarioError(EcolcaError):
    """A scenario cannot be read or is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem] | str, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(item=source or "scenario", field="", message=problems)]
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}{len(self.problems)} problem(s)\n{lines}")


class UnitError(EcolcaError):
    """A quantity cannot be converted between two units."""


class SetupError(EcolcaError):
    """The Brightway project is missing something the calculation needs."""


class ReportError(EcolcaError):
    """The report cannot be written (path not writable, etc.)."""


class ImportFailed(EcolcaError):
    """An input file cannot be imported (the message names the file and the item)."""


# the old name (it read like the builtin ImportError); deprecated, kept for existing code
ImportError_ = ImportFailed
