"""Heavy work off the GUI thread: the comparison, the report and project set-up run in a
QThread and report progress with signals; the window repaints and responds throughout.
"""

from __future__ import annotations

import copy
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ecolca.core.errors import EcolcaError, ScenarioError


class Job(QObject):
    """Runs ``fn(progress, cancelled)`` in its own thread.

    Signals: ``progress(message, fraction)``, ``succeeded(result)``, ``failed(message, details)``,
    ``cancelled()``, and ``done()`` after any of the three.
    """

    progress = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, fn: Callable[[Callable[[str, float], None], Callable[[], bool]], Any],
                 parent=None):
        super().__init__()
        self._fn = fn
        self._cancel = threading.Event()
        self.thread = QThread(parent)
        self.moveToThread(self.thread)
        self.thread.started.connect(self._run)
        self.done.connect(self.thread.quit)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, ms: int = 30000) -> bool:
        return self.thread.wait(ms)

    @Slot()
    def _run(self) -> None:
        from ecolca.core.errors import Cancelled

        try:
            result = self._fn(lambda m, f: self.progress.emit(m, float(f)), self._cancel.is_set)
        except Cancelled:
            self.cancelled.emit()
        except ScenarioError as exc:
            self.failed.emit("The scenario has problems; see the Problems panel.",
                             "\n".join(str(p) for p in exc.problems))
        except EcolcaError as exc:
            self.failed.emit(str(exc), "")
        except Exception as exc:  # a bug or an upstream failure: never crash the app
            self.failed.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            if self._cancel.is_set():
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
        self.done.emit()


def comparison_job(scenario, project: str | None, keep: list | None = None,
                   snapshot: bytes | None = None) -> Job:
    """The comparison of ``scenario``; with ``keep`` (a list), the run's
    :class:`ecolca.lca.Evaluation` is appended to it, for live results after an edit.
    ``snapshot``: the scenario pickled (the document's snapshot, :meth:`Document._snap`),
    unpickled on the worker thread; without it ``scenario`` is deep-copied here (a 1,000-site
    park: seconds on the GUI thread)."""
    from ecolca import lca

    # the user may keep editing while it runs: the worker computes a copy
    sc = None if snapshot is not None else copy.deepcopy(scenario)

    def run(progress, cancelled):
        import pickle

        mine = sc if sc is not None else pickle.loads(snapshot)
        return lca.compare(mine, project=project, progress=progress, cancelled=cancelled,
                           keep=keep)

    return Job(run)


def report_job(results, scenario, path, audience: str = "internal", project: str | None = None,
               recompute: bool = False) -> Job:
    """Write the Excel report of ``results``. With ``recompute`` (the results on screen were
    updated live after an edit: they have no contributions by process, no full inventory and
    no Monte Carlo of the edited scenario), the comparison is run again first, as F5 does, so
    that the report is a whole, fresh calculation of the scenario it names."""
    from ecolca.report import write_report

    sc = copy.deepcopy(scenario)

    def run(progress, cancelled):
        res = results
        if recompute:
            from ecolca.lca import compare

            progress("Calculating the edited scenario for the report", 0.05)
            res = compare(sc, project=project, progress=lambda m, f: progress(m, 0.05 + 0.6 * f),
                          cancelled=cancelled)
        progress("Writing the Excel report", 0.7 if recompute else 0.2)
        out = write_report(res, sc, path, audience=audience)
        progress("Report written", 1.0)
        return out

    return Job(run)


def setup_job(project: str | None) -> Job:
    from ecolca.importers.setup import setup

    return Job(lambda progress, cancelled: setup(project, progress=progress))


def unit_scores_job(scenario, project: str | None, evaluation) -> Job:
    """``evaluation`` (the last run's, see :class:`ecolca.lca.Evaluation`) extended with the
    unit scores of the background activities and elementary flows ``scenario`` uses and it
    lacks (:meth:`~ecolca.lca.Evaluation.extend`): no full run. Raises ScenarioError when the
    scenario does not fit the project (a missing activity, a unit that does not convert)."""
    from ecolca.core.errors import ScenarioError as _ScenarioError

    sc = copy.deepcopy(scenario)

    def run(progress, cancelled):
        from ecolca.lca.project_check import _Lookup, check_against_project
        from ecolca.brightway.project import activate
        from ecolca.core.validation import errors

        activate(project)
        progress("Looking up the new background activities", 0.05)
        lookup = _Lookup.for_scenario(sc)
        tables: list = []
        problems = errors(check_against_project(sc, lookup, tables, validated=True))
        if problems:
            raise _ScenarioError(problems, sc.name)
        return evaluation.extend(tables[0], lookup, progress)

    return Job(run)
