"""The app's session: the scenario being edited and the results shown, with one owner and no Qt.

A :class:`Session` holds what the desktop app's results depend on (the pattern of napari's
``ViewerModel``: a plain-Python model with events; the Qt window only observes it):

- the scenario being edited, its revision (which increases with every change) and its state (a
  name of its content: undo gives back the state it restores), and a *generation* that changes
  when the scenario is replaced (new file, open, crash recovery);
- the results shown, the revision and state they belong to, the run they come from, the unit
  scores that run kept (:class:`ecolca.lca.Evaluation`) and the term table of the results shown
  (the base of the next live evaluation);
- their status: ``"none"`` (no results), ``"full"`` (a run's results of the current scenario),
  ``"live"`` (re-evaluated after an edit on the run's unit scores, current) or ``"stale"``
  (results of an earlier revision; :attr:`Session.stale_message` says why).

Every change is a method: :meth:`~Session.replace_scenario`, :meth:`~Session.run_started`,
:meth:`~Session.results_arrived`, :meth:`~Session.edited` (which calls
:meth:`~Session.live_results` after an edit of numbers), :meth:`~Session.finish_live` (or
:meth:`~Session.full_results_arrived`, when a worker made it from :meth:`~Session.due`),
:meth:`~Session.problems_found`, :meth:`~Session.unit_scores_arrived`,
:meth:`~Session.invalidate`, :meth:`~Session.cleared`. Three events (plain callback lists) say
what changed, each once per change: ``events.scenario(scenario)`` when the scenario is replaced,
``events.results(results, kind)`` when the results shown change (``kind``: "run", "live" (L and S
or everything of a live evaluation), "full" (the rest of a live evaluation whose Summary was
drawn first), or None when cleared), and ``events.stale(stale, message)`` when the banner over the
results changes. tests/test_session.py checks this without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Event", "Events", "ReportPlan", "Session", "Ticket", "NONE", "FULL", "LIVE", "STALE"]

NONE, FULL, LIVE, STALE = "none", "full", "live", "stale"
MONTE_CARLO_NOTE = ("Updated live from the last run's unit scores. The Monte Carlo results need a "
                    "new run (F5).")


class Event:
    """A list of callbacks: :meth:`connect` adds one, :meth:`emit` calls them in order."""

    def __init__(self, name: str):
        self.name = name
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        self._callbacks.append(fn)
        return fn

    def disconnect(self, fn: Callable[..., Any]) -> None:
        self._callbacks.remove(fn)

    def emit(self, *args: Any) -> None:
        for fn in list(self._callbacks):
            fn(*args)


class Events:
    """The session's events: ``scenario``, ``results`` and ``stale`` (see the module)."""

    def __init__(self) -> None:
        self.scenario = Event("scenario")
        self.results = Event("results")
        self.stale = Event("stale")


@dataclass(frozen=True)
class Ticket:
    """Which scenario a run was started on: results arriving with it are of that scenario."""

    generation: int
    revision: int
    state: Any


@dataclass(frozen=True)
class ReportPlan:
    """What an Excel report is written from: ``results`` (None: there are none), whether they are
    of the current revision (``current``), and whether the comparison must run first
    (``recompute``: live results have no contributions by process, no full inventory and no
    Monte Carlo of the edited scenario)."""

    results: Any
    current: bool
    recompute: bool


class Session:
    """The scenario being edited and the results shown (see the module)."""

    def __init__(self, scenario: Any = None, revision: int = 0, state: Any = None):
        self.events = Events()
        self._scenario, self._revision, self._state = scenario, revision, state
        self._generation = 0
        self._banner: tuple[bool, str | None] = (False, None)  # as the last stale event said
        self._forget()

    def _forget(self) -> None:
        self._results: Any = None
        self._results_revision = -1
        self._results_state: Any = None
        self._run_results: Any = None
        self._evaluation: Any = None
        self._live_table: Any = None  # the term table of the results shown
        self._live_due: Any = None  # (revision, table): the full evaluation still to do
        self._reason: str | None = None  # why the results are stale, when not just an edit

    # ---- what it holds (read-only) -----------------------------------------------------
    scenario = property(lambda self: self._scenario, doc="The scenario being edited.")
    revision = property(lambda self: self._revision, doc="The scenario's revision.")
    state = property(lambda self: self._state, doc="The name of the scenario's content.")
    generation = property(lambda self: self._generation,
                          doc="Changes when the scenario is replaced (new, open, recovery).")
    results = property(lambda self: self._results, doc="The results shown, or None.")
    results_revision = property(lambda self: self._results_revision,
                                doc="The revision the results shown are of (-1: none).")
    run_results = property(lambda self: self._run_results,
                           doc="The results of the last run (live results start from them).")
    evaluation = property(lambda self: self._evaluation,
                          doc="The unit scores the last run kept (ecolca.lca.Evaluation).")
    live_table = property(lambda self: self._live_table,
                          doc="The term table of the results shown (None after a run without one).")

    @property
    def live_due(self) -> bool:
        """Whether a live update drew L and S only and the full evaluation is still to do."""
        return self._live_due is not None

    @property
    def is_current(self) -> bool:
        """Results are shown and are of the current revision."""
        return self._results is not None and self._results_revision == self._revision

    @property
    def status(self) -> str:
        """"none", "full", "live" or "stale" (see the module)."""
        if self._results is None:
            return NONE
        if not self.is_current:
            return STALE
        return LIVE if "live" in (getattr(self._results, "metadata", None) or {}) else FULL

    @property
    def stale_message(self) -> str | None:
        """Why the results are stale; None when they are not."""
        if self.status != STALE:
            return None
        if self._reason:
            return self._reason
        if self._results_revision < 0:
            return f"Results are out of date; the scenario is at revision {self._revision}."
        return (f"Results are for revision {self._results_revision}; the scenario is at "
                f"revision {self._revision}.")

    @property
    def banner(self) -> tuple[bool, str | None]:
        """(shown, text) of the banner over the results: stale results, or live results of a run
        that had Monte Carlo draws (which a live update does not redo). Text None: the
        standard wording."""
        status = self.status
        if status == STALE:
            return True, self._reason
        if status == LIVE and getattr(self._run_results, "uncertainty", None):
            return True, MONTE_CARLO_NOTE
        return False, None

    # ---- transitions ---------------------------------------------------------------------
    def _changed(self, kind: str | None = "", results_changed: bool = False) -> None:
        """Fire the events of one change: the results (when they changed), then the banner
        (when it changed)."""
        if results_changed:
            self.events.results.emit(self._results, kind or None)
        banner = self.banner
        if banner != self._banner:
            self._banner = banner
            self.events.stale.emit(*banner)

    def replace_scenario(self, scenario: Any, revision: int = 0, state: Any = None) -> None:
        """A new scenario (new file, opened, recovered): the results, the run's unit scores and
        anything due are forgotten; results of a run started before never show."""
        had = self._results is not None
        self._scenario, self._revision, self._state = scenario, revision, state
        self._generation += 1
        self._forget()
        self.events.scenario.emit(scenario)
        self._changed(None, results_changed=had)

    def cleared(self) -> None:
        """Forget the results (same scenario)."""
        had = self._results is not None
        self._forget()
        self._changed(None, results_changed=had)

    def run_started(self) -> Ticket:
        """The ticket of a run of the current scenario, for :meth:`results_arrived`."""
        return Ticket(self._generation, self._revision, self._state)

    def results_arrived(self, results: Any, revision: int | Ticket, evaluation: Any = None,
                        state: Any = None) -> bool:
        """A run's results of ``revision`` (or of a :class:`Ticket`) with the unit scores it kept
        (``evaluation``). Results of a scenario since replaced are dropped (False). Results of
        an earlier revision show as stale until :meth:`edited` evaluates them live."""
        if isinstance(revision, Ticket):
            if revision.generation != self._generation:
                return False
            revision, state = revision.revision, revision.state
        before = self._evaluation
        if evaluation is not None and before is not None \
                and getattr(evaluation, "solver", 0) is None and before.solver is not None:
            evaluation.solver = before.solver  # the background's factorisation, reused
        self._results, self._run_results = results, results
        self._results_revision, self._results_state = revision, state
        self._evaluation = evaluation
        self._live_table = getattr(evaluation, "table", None)
        self._live_due, self._reason = None, None
        self._changed("run", results_changed=True)
        return True

    def edited(self, revision: int, state: Any = None, scenario: Any = None,
               touched: tuple | None = None, *, quick: bool = False,
               running: bool = False) -> str:
        """The scenario changed (an edit, undo or redo) to ``revision`` and ``state``.
        Results of that state show as current again (an undo back to them); after an edit of
        numbers the results are evaluated live on the run's unit scores (``quick``: L and S
        only, the rest by :meth:`finish_live`); else they are stale. ``touched`` is
        ``Document.touched`` ((state before, state after, "site" | "exchange", id) of an edit
        of one item), ``running`` whether a run is under way (no live update then).

        Returns what happened: "none", "full", "live", "stale", or "scores" (stale until the
        unit scores of new background activities arrive: the caller gets them with
        :meth:`ecolca.lca.Evaluation.extend` and calls :meth:`unit_scores_arrived`)."""
        self._revision = revision
        if state is not None:
            self._state = state
        if scenario is not None:
            self._scenario = scenario
        if self._results is None:
            return NONE
        if self._results_revision != revision:
            self._reason = None  # a new edit: the standard wording unless a check says why
            if self._results_state is not None and self._state == self._results_state:
                self._results_revision = revision  # back to the scenario the results are of
            elif self._live(touched, quick, running) == "scores":
                self._changed()
                return "scores"
        self._changed()
        return self.status

    def recheck(self, *, quick: bool = False, running: bool = False) -> str:
        """:meth:`edited` again at the same revision (the unit scores it waited for arrived)."""
        return self.edited(self._revision, quick=quick, running=running)

    def _live(self, touched, quick: bool, running: bool) -> str:
        from ecolca.core.errors import EcolcaError
        from ecolca.lca import evaluate
        from ecolca.lca import live as _live

        ev = self._evaluation
        if ev is None or running or self._scenario is None:
            return STALE
        sc = self._scenario
        table = self._touched_table(sc, touched)
        if table is False:
            return STALE
        if table is None:
            table = self._checked_table(sc, ev)
            if table is None or isinstance(table, str):
                return table or STALE  # "scores": new background activities
        res = _live.quick_results(self._results, sc, ev, table) if quick else None
        due = res is not None
        if not due:
            try:
                res = evaluate(sc, ev, table)
            except (EcolcaError, KeyError, ValueError):
                return STALE
        res.metadata = _live.live_metadata(getattr(self._run_results, "metadata", None) or {})
        self.live_results(res, table, complete=not due)
        return LIVE

    def live_results(self, results: Any, table: Any, *, complete: bool = True) -> None:
        """Results of the current revision evaluated live on the run's unit scores from term
        table ``table`` (the base of the next live update); ``complete`` False: L and S only,
        :meth:`finish_live` evaluates the rest."""
        self._results, self._results_revision = results, self._revision
        self._results_state, self._live_table = self._state, table
        self._live_due = None if complete else (self._revision, table)
        self._reason = None
        self._changed("live", results_changed=True)

    def _touched_table(self, sc, touched):
        """The term table after an edit of one item's numbers right after the results shown;
        False when that item's checks fail; None when the whole scenario's checks decide."""
        from ecolca.lca import live as _live
        from ecolca.core.validation import errors
        from ecolca.core.validation_item import validate_item

        table = self._live_table
        if touched is None or table is None or touched[1] != self._state \
                or touched[0] != self._results_state or not table.structure:
            return None
        _before, _after, kind, item_id = touched
        if errors(validate_item(sc, kind, item_id)):
            return False
        return _live.table_after_item_edit(table, sc, kind, item_id)

    def _checked_table(self, sc, ev):
        """The term table after the whole scenario's checks; None when it has errors or the
        run did not solve its methods; "scores" when it needs new unit scores."""
        from ecolca.lca import live as _live
        from ecolca.core.validation import errors, validate

        if [tuple(m) for m in sc.methods] != list(ev.methods) or errors(validate(sc)):
            return None
        if not ev.can_evaluate(sc):
            return "scores"
        return _live.table_after_edit(sc, ev, self._live_table)

    def finish_live(self) -> bool:
        """The full evaluation of a live update whose L and S were drawn first (before another
        tab or a report reads the results). False when nothing was due or it failed (the
        results are then stale, saying why)."""
        from ecolca.core.errors import EcolcaError
        from ecolca.lca import evaluate

        due, self._live_due = self._live_due, None
        if due is None or due[0] != self._revision or self._results_revision != due[0]:
            return False
        try:
            full = evaluate(self._scenario, self._evaluation, due[1])
        except (EcolcaError, KeyError, ValueError) as exc:
            self.invalidate(f"Results are out of date: {exc}")
            return False
        full.metadata = self._results.metadata
        self._results = full
        self._changed("full", results_changed=True)
        return True

    def due(self) -> tuple[int, Any] | None:
        """The full evaluation still due after a live update: (revision, term table), for
        :meth:`full_results_arrived` when it is made elsewhere (a worker thread); None when
        nothing is due."""
        return self._live_due

    def full_results_arrived(self, revision: int, table: Any, full: Any) -> bool:
        """The full evaluation of a live update (``due()`` was ``(revision, table)``), made
        elsewhere from the scenario of that revision. Shown when it is still the one due (kind
        "full"); dropped (False) when the scenario was edited since, or :meth:`finish_live`
        made it meanwhile."""
        due = self._live_due
        if due is None or due[0] != revision or due[1] is not table \
                or self._revision != revision or self._results_revision != revision:
            return False
        self._live_due = None
        full.metadata = self._results.metadata
        self._results = full
        self._changed("full", results_changed=True)
        return True

    def invalidate(self, reason: str | None = None) -> None:
        """The results shown are of no revision any more (``reason`` says why, on the
        banner); they stay on screen, stale, until the next run."""
        if self._results is None:
            return
        self._results_revision, self._results_state = -1, None
        self._live_table, self._live_due, self._reason = None, None, reason
        self._changed()

    def problems_found(self, n_errors: int) -> None:
        """The whole scenario's checks found ``n_errors`` errors: live results (let through by
        the edited item's checks only) become stale."""
        if n_errors and self.status == LIVE:
            self.invalidate(f"Results are out of date: the scenario has {n_errors} problem(s), "
                            "listed in the Problems panel.")

    def unit_scores_arrived(self, evaluation: Any, base: Any) -> bool:
        """The unit scores of new background activities (``evaluation``: ``base`` extended);
        kept unless a run replaced ``base`` meanwhile. Call :meth:`recheck` after."""
        if self._evaluation is not base or base is None:
            return False
        self._evaluation = evaluation
        return True

    def unit_scores_failed(self, message: str) -> None:
        """Getting the unit scores of new background activities failed: stale, saying why."""
        if self.status == STALE:
            self._reason = message
            self._changed()

    def report_plan(self) -> ReportPlan:
        """What a report is written from: the results shown after any due live evaluation;
        live results are run again first (``recompute``)."""
        self.finish_live()
        return ReportPlan(self._results, self.is_current, self.status == LIVE)
