"""Heavy work off the GUI thread: the comparison, the report and project set-up run in a
QThread and report progress with signals; the window repaints and responds throughout.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import sys
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

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
        # quit from the worker thread itself: a queued quit would wait for the GUI thread's event
        # loop, which has ended when the app quits with a job running (then wait() would time
        # out and Python would delete a running QThread: "Destroyed while thread is still running")
        self.done.connect(self.thread.quit, Qt.DirectConnection)

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
                   snapshot: bytes | None = None, labels: list | None = None) -> Job:
    """The comparison of ``scenario``; with ``keep`` (a list), the run's
    :class:`ecolca.lca.Evaluation` is appended to it, for live results after an edit; with
    ``labels`` (a list), the short names of its exchanges
    (:func:`ecolca.app.labels.exchange_labels`: 0.1-0.4 s of the GUI thread at 1,000 sites).
    ``snapshot``: the scenario pickled (the document's snapshot, :meth:`Document._snap`),
    unpickled on the worker thread; without it ``scenario`` is deep-copied here (a 1,000-site
    park: seconds on the GUI thread)."""
    from ecolca import lca

    # the user may keep editing while it runs: the worker computes a copy
    sc = None if snapshot is not None else copy.deepcopy(scenario)

    def run(progress, cancelled):
        import pickle

        mine = sc if sc is not None else pickle.loads(snapshot)
        if labels is not None:
            from ecolca.app.labels import exchange_labels

            labels.append(exchange_labels(mine))
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


def live_evaluation_job(snapshot: bytes, evaluation, table) -> Job:
    """The full evaluation of a live update (:func:`ecolca.lca.evaluate` on the last run's unit
    scores ``evaluation`` and term table ``table``) of the scenario pickled in ``snapshot`` (the
    document's: the worker reads a copy of its own)."""

    def run(progress, cancelled):
        import pickle

        from ecolca.lca import evaluate

        return evaluate(pickle.loads(snapshot), evaluation, table)

    return Job(run)


def _load_modules(names, cancelled: Callable[[], bool] = lambda: False) -> None:
    """Import ``names`` on a worker thread without pauses of the GUI thread (a failure is left
    for the command that needs the module to report). The cyclic garbage collector holds the GIL
    for a whole pass: loading bw2data, pandas, SciPy (about 200,000 new objects) made it run full
    passes of 30–110 ms CPU on the worker (five in the 3 s after the window appeared, measured
    with ``gc.callbacks``), each a freeze of the window. It is off while they load; the objects
    then alive (the modules, the window) live as long as the process and are moved out of its
    scans for good (``gc.freeze``), so no later pass walks them again. The price: the few
    thousand cyclic objects left as garbage by then (2,141 in one count) are kept. Nothing is
    done when every module is already loaded (a second window), so this happens once or twice
    per process."""
    new = [n for n in names if n not in sys.modules]
    if not new:
        return
    collecting = gc.isenabled()
    gc.disable()
    try:
        for name in new:
            if cancelled():
                return
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


# what the project check loads (bw2data, and what ecolca.brightway.project.is_ready imports)
CHECK_MODULES = ("bw2data", "ecolca.brightway.background", "ecolca.brightway.swap")


def project_check_job(project: str | None, readiness: bool = False) -> Job:
    """Whether the Brightway project exists, and with ``readiness`` whether it is ready
    (:func:`ecolca.brightway.project.is_ready`: what ``ecolca setup`` would do is nothing): ``(exists,
    ready)``, ``ready`` None when not asked. Brightway loads slowly (bw2data, pandas: 1–2 s), so
    the window asks this on a worker thread once it is up; an unreadable Brightway folder counts
    as a missing project (the status bar and the set-up prompt say so)."""

    def run(progress, cancelled):
        from ecolca.brightway.project import is_ready, project_name

        # loaded (and frozen out of the collector's scans) first: switching projects makes
        # bw2data call gc.collect() twice, which walked every object just imported (60–90 ms);
        # an import that fails is said below, as a missing project
        _load_modules(CHECK_MODULES)
        try:
            import bw2data as bd

            exists = project_name(project) in bd.projects
        except Exception:  # noqa: BLE001 (an unreadable Brightway folder: say it is missing)
            exists = False
        ready = None
        if readiness:
            try:
                ready = exists and is_ready(project)
            except Exception:  # noqa: BLE001
                ready = False
        return exists, ready

    return Job(run)


# what the first run and its results load (bw2calc, SciPy, matplotlib: 1–2 s), loaded on a
# worker thread after the project check, so that pressing Run does not freeze the window first
WARM_MODULES = ("bw2calc", "ecolca.lca", "matplotlib.figure", "matplotlib.ticker",
                "ecolca.app.results_view.canvas")


_WARMING: list = []  # the process's warm-up job, once started


def warm_up_job(modules=WARM_MODULES) -> Job | None:
    """Import ``modules`` (a failure is left for the command that needs the module to report);
    None when a warm-up has already been started in this process (by another window)."""
    if _WARMING:
        return None

    def run(progress, cancelled):
        _load_modules(modules, cancelled)

    _WARMING.append(True)
    return Job(run)
