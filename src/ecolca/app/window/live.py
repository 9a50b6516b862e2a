"""Live results: an edit of a number re-evaluates the last run's term table on its unit scores
(no Brightway solve); new background activities get their unit scores on a worker thread
(docs/engine.md, "Live results in the app")."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QTimer

from ecolca.errors import EcolcaError


class WindowLive:
    """Mixin of :class:`ecolca.app.mainwindow.MainWindow`: its live updates after an edit."""

    def _live_update(self) -> bool:
        """After an edit of numbers (q, r, a distance, an amount, a price…), evaluate the edited
        scenario on the last run's unit scores (no Brightway solve; docs/engine.md) and show it.
        False when the edit needs a run: a new background activity or method, or a scenario
        with errors.

        An edit that named its item (``Document.touched``: the exchange panel, a site's flows)
        right after current results costs what it touched: that item's checks
        (:func:`ecolca.validation_item.validate_item`; the whole scenario's follow in the
        Problems panel when the user pauses, and mark the results stale if they find an error),
        and its entry of the term table's structure instead of the whole structure.

        With the Summary on screen, only L and S are evaluated before it is redrawn (the same
        term table and unit scores as :func:`ecolca.lca.evaluate`, which gives the same
        numbers); the full evaluation (exchanges, sites, sensitivity…) follows on the next turn
        of the event loop (:meth:`_finish_live`), before any other tab or the report reads it."""
        from ecolca import lca

        ev = getattr(self, "_evaluation", None)
        if ev is None or self.job is not None:
            return False
        sc = self.doc.scenario
        table = self._touched_table(sc)
        if table is False:
            return False
        if table is None:
            table = self._checked_table(sc, ev)
            if table is None:
                return False

        quick = self._live_impacts(sc, ev, table) if self.results_view.current_tab() == "Summary" \
            else None
        if quick is not None:
            live = dataclasses.replace(self.results, impacts=quick, metadata={},
                                       scenario_name=sc.name, reference_year=sc.reference_year)
            self._live_due = (self.doc.revision, table)
            QTimer.singleShot(0, self, self._finish_live)
        else:
            try:
                live = lca.evaluate(sc, ev, table)
            except (EcolcaError, KeyError, ValueError):
                return False
            self._live_due = None
        self._live_metadata(live)
        self.results = live
        self.results_revision = self.doc.revision
        self._results_state = self.doc.state
        self._live_base = (self.doc.state, table)
        from ecolca.app.labels import exchange_labels

        # the labels are made of names, which are part of the structure: made once per structure
        kept = getattr(self, "_labels_of", None)
        if kept is not None and kept[0] is table.structure and table.structure:
            labels = kept[1]
        else:
            labels = exchange_labels(sc)
            self._labels_of = (table.structure, labels)
        self.results_view.set_results(live, labels, only_visible=True)
        if self._run_results.uncertainty:  # the deterministic results are current; MC is not
            self.results_view.set_stale(True, "Updated live from the last run's unit scores. The "
                                        "Monte Carlo results need a new run (F5).")
        self.statusBar().showMessage("Results updated live (no Brightway run needed)", 4000)
        return True

    def _touched_table(self, sc):
        """The term table of ``sc`` after an edit that changed the numbers of one named item
        (``Document.touched``) of the scenario the current results are of; False when that
        item's checks now fail; None when this shortcut does not apply (the full checks
        decide)."""
        from ecolca.lca.terms import parameter_values, structure
        from ecolca.model import Scenario
        from ecolca.validation import errors
        from ecolca.validation_item import validate_item

        t, base = self.doc.touched, getattr(self, "_live_base", None)
        if (t is None or base is None or t[1] != self.doc.state or t[0] != self._results_state
                or base[0] != t[0] or not base[1].structure):
            return None
        _before, _after, kind, item_id = t
        if errors(validate_item(sc, kind, item_id)):
            return False
        shape = base[1].structure
        items, j = (sc.sites, 0) if kind == "site" else (sc.exchanges, 1)
        if len(sc.sites) != len(shape[0]) or len(sc.exchanges) != len(shape[1]):
            return None
        i = next((i for i, x in enumerate(items) if x.id == item_id), None)
        if i is None:
            return None
        one = Scenario(name="", sites=[items[i]]) if kind == "site" else \
            Scenario(name="", exchanges=[items[i]])
        if structure(one)[j][0] != shape[j][i]:
            return None  # more than numbers changed (a reference, a unit, a name…)
        # the item's parameters, in the table's order (parameter_values of the item alone)
        table = base[1]
        where = table.__dict__.get("_item_params")
        if where is None:
            where = {}
            for k, p in enumerate(table.params):
                where.setdefault(("exchange", p.exchange) if p.exchange else ("site", p.site),
                                 []).append(k)
            table.__dict__["_item_params"] = where
        idx, vals = where.get((kind, item_id), []), parameter_values(one)
        if len(idx) != len(vals):
            return table.with_values(parameter_values(sc))
        import numpy as np  # loaded with the first run (on a worker), not at start-up

        values = np.array(table.values)
        values[idx] = vals
        out = table.with_values(values)
        out.__dict__["_item_params"] = where
        return out

    def _checked_table(self, sc, ev):
        """The term table of ``sc`` after the whole scenario's checks; None when it has errors
        or needs what the last run did not solve (a new background activity or method)."""
        from ecolca.lca.project_check import terms_of
        from ecolca.lca.terms import parameter_values, structure
        from ecolca.validation import errors, validate

        if [tuple(m) for m in sc.methods] != ev.methods or errors(validate(sc)):
            return None
        if not ev.can_evaluate(sc):  # new background nodes: their unit scores, not a run
            self._start_unit_scores(sc, ev)
            return None
        shape = structure(sc)
        base = getattr(self, "_live_base", None)
        for t in ((base[1] if base is not None else None), ev.table):
            if t is not None and t.structure and t.structure == shape:
                return t.with_values(parameter_values(sc))
        try:
            table = terms_of(sc, ev.lookup)
        except (EcolcaError, KeyError, ValueError):
            return None
        if not set(table.keys) <= set(ev.keys):
            return None
        return table

    def _start_unit_scores(self, sc, ev) -> None:
        """Get the unit scores of the background nodes ``sc`` uses and ``ev`` lacks on a worker
        thread (:func:`ecolca.app.worker.unit_scores_job`: the cache, else a solve of just those
        demands on the kept factorisation); when they arrive the results are updated live. The
        results show as out of date meanwhile, saying why."""
        from ecolca.app.worker import unit_scores_job

        if getattr(self, "_scores_job", None) is not None:
            self._scores_again = True  # asked again while one runs: look again when it ends
            return
        job = unit_scores_job(sc, self.project, ev)
        self._scores_job, self._scores_base, self._scores_again = job, ev, False
        job.succeeded.connect(self._unit_scores_ready)
        job.failed.connect(self._unit_scores_failed)
        job.done.connect(self._unit_scores_done)
        job.start()
        self.statusBar().showMessage("Computing the unit scores of the new background "
                                     "activities (no full run)…")

    def _unit_scores_ready(self, ev) -> None:
        if self._evaluation is self._scores_base:  # not replaced by a run meanwhile
            self._evaluation = ev

    def _unit_scores_failed(self, message: str, details: str) -> None:
        self.results_view.set_stale(True, f"Results are out of date: {message} "
                                    f"{details.splitlines()[0] if details else ''} Run the "
                                    "comparison (F5) to see every problem.")

    def _unit_scores_done(self) -> None:
        job, self._scores_job = self._scores_job, None
        if job is not None:
            job.wait(5000)
        ev = self._evaluation
        if ev is not None and self.job is None and (self._scores_again or ev is not self._scores_base):
            self._check_results_current()  # the edit (or the one after it) now evaluates live
        self._scores_again = False
        self.scoresFinished.emit()

    def _live_metadata(self, live) -> None:
        import datetime as dt

        run = self._run_results
        live.metadata = dict(run.metadata)
        live.metadata["live"] = (
            "re-evaluated in the app after an edit, on the unit scores of the run of "
            f"{run.metadata.get('calculated', '?')} (no new Brightway calculation), at "
            f"{dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
        live.metadata["monte_carlo"] = "not run"

    @staticmethod
    def _live_impacts(sc, ev, table):
        """L and S of every method of ``sc`` from ``table`` (its term table) as
        :func:`ecolca.lca.evaluate` computes them; None when a figure is not finite or the
        table's nodes are not the run's (the full path says why or rescores)."""
        import numpy as np

        from ecolca.lca.run import _pct_note
        from ecolca.results import MethodResult

        if table.keys != ev.keys:
            return None
        lin, sym = table.totals(table.amounts(), ev.solved.scores)
        if not (np.isfinite(lin).all() and np.isfinite(sym).all()):
            return None
        note, cov = _pct_note(sc), ev.solved.coverage
        return [MethodResult(m, ev.units[j], float(lin[j]), float(sym[j]), cov.get(m), note)
                for j, m in enumerate(ev.methods)]

    def _finish_live(self) -> None:
        """The full evaluation of a live update whose Summary was drawn first."""
        from ecolca import lca

        due, self._live_due = getattr(self, "_live_due", None), None
        if due is None or due[0] != self.doc.revision or self.results_revision != due[0]:
            return
        try:
            full = lca.evaluate(self.doc.scenario, self._evaluation, due[1])
        except (EcolcaError, KeyError, ValueError) as exc:
            self.results_view.set_stale(True, f"Results are out of date: {exc}")
            self.results_revision = -1
            self._live_base = None
            return
        full.metadata = self.results.metadata
        self.results = full
        self.results_view.adopt_results(full)
