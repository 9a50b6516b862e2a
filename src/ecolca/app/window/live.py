"""The window's view of its :class:`~ecolca.session.Session`: the results tabs and the banner
render what the session holds, and the document's changes go to the session, which decides
whether the results are current, live or stale (docs/architecture.md). What needs Qt stays
here: the unit scores of new background activities on a worker thread, and the full evaluation
of a live update on the next turn of the event loop (docs/engine.md, "Live results in the
app")."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from ecolca.session import Session

# a park with more sites and exchanges than this is evaluated live in two steps whatever the tab
# shown: L and S at once (for the Summary), everything else on a worker thread (a 1,000-site
# park's full evaluation: 0.15-0.5 s on the GUI thread after every edit); the tab on screen, if
# not the Summary, is drawn when it arrives
LIVE_ON_WORKER = 300


def _large(sc) -> bool:
    return sc is not None and len(sc.sites) + len(sc.exchanges) > LIVE_ON_WORKER


class WindowLive:
    """Mixin of the main window: it observes its session (``self.session``)."""

    def _observe(self, session: Session) -> None:
        session.events.results.connect(self._results_changed)
        session.events.stale.connect(self._stale_changed)

    # ---- read-only views of the session (no setter: the session owns them) ---------------
    @property
    def results(self):
        """The results shown (the session's)."""
        return self.session.results

    @property
    def results_revision(self) -> int:
        """The document revision the results shown are of (-1: none)."""
        return self.session.results_revision

    # ---- rendering -------------------------------------------------------------------------
    def _results_changed(self, results, kind: str | None) -> None:
        if kind == "full":  # the rest of a live update whose Summary is drawn
            self.results_view.adopt_results(results)
            return
        if kind == "live":
            from ecolca.app.labels import exchange_labels

            # the labels are made of names, which are part of the structure: made once per
            # structure
            table, kept = self.session.live_table, getattr(self, "_labels_of", None)
            if kept is not None and table is not None and kept[0] is table.structure \
                    and table.structure:
                labels = kept[1]
            else:
                labels = exchange_labels(self.doc.scenario)
                self._labels_of = (getattr(table, "structure", None), labels)
            if self.session.live_due and self.results_view.current_tab() != "Summary":
                self.results_view.defer_results(results, labels)  # L and S: drawn when all is
            else:
                self.results_view.set_results(results, labels, only_visible=True)
            if self.session.live_due:
                QTimer.singleShot(0, self, self._finish_live_soon)
            self.statusBar().showMessage("Results updated live (no Brightway run needed)", 4000)
        else:
            self.results_view.set_results(results, getattr(self, "_run_labels", None)
                                          if results is not None else None)
        self._stale_changed(*self.session.banner)  # set_results clears the banner

    def _stale_changed(self, stale: bool, message: str | None) -> None:
        self.results_view.set_stale(stale, message)

    # ---- the document's changes ------------------------------------------------------------
    def _check_results_current(self) -> None:
        """Tell the session the document changed; it marks the results current (an undo back
        to them), updates them live, or marks them stale. New background activities: their
        unit scores are computed on a worker thread, and the results updated when they
        arrive."""
        outcome = self.session.edited(self.doc.revision, self.doc.state, self.doc.scenario,
                                      self.doc.touched,
                                      quick=self.results_view.current_tab() == "Summary"
                                      or _large(self.doc.scenario),
                                      running=self.job is not None)
        if outcome == "scores":
            self._start_unit_scores(self.doc.scenario, self.session.evaluation)

    def _finish_live(self) -> None:
        """The full evaluation of a live update whose Summary was drawn first, now (a tab is
        about to be drawn from it, or a report written)."""
        self.session.finish_live()

    def _finish_live_soon(self) -> None:
        """The full evaluation of a live update: here (a small park), or on a worker thread
        (:data:`LIVE_ON_WORKER`) from the document's snapshot; its results are shown when they
        arrive if the scenario was not edited since (:meth:`Session.full_results_arrived`)."""
        due = self.session.due()
        if due is None or due[0] != self.session.revision:
            return
        if not _large(self.doc.scenario):
            self.session.finish_live()
            return
        if getattr(self, "_live_job", None) is not None:
            self._live_again = True  # one at a time: the newest due is evaluated after it
            return
        from ecolca.app.worker import live_evaluation_job

        job = live_evaluation_job(self.doc._snap(), self.session.evaluation, due[1])
        self._live_job, self._live_of, self._live_again = job, due, False
        # bound methods of the window (a QObject of the GUI thread): a lambda would run on the
        # worker thread, which emits
        job.succeeded.connect(self._live_job_succeeded)
        job.failed.connect(self._live_job_failed)
        job.done.connect(self._live_job_done)
        job.start()

    def _live_job_succeeded(self, full) -> None:
        self.session.full_results_arrived(*self._live_of, full)

    def _live_job_failed(self, _message: str, _details: str) -> None:
        self._finish_live()  # here: it says why, on the banner

    def _live_job_done(self) -> None:
        job, self._live_job = self._live_job, None
        if job is not None:
            job.wait(5000)
        if self._live_again:  # an edit while it ran: evaluate the newest
            self._live_again = False
            self._finish_live_soon()

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
        self.session.unit_scores_arrived(ev, self._scores_base)  # unless a run replaced it

    def _unit_scores_failed(self, message: str, details: str) -> None:
        self.session.unit_scores_failed(
            f"Results are out of date: {message} {details.splitlines()[0] if details else ''} "
            "Run the comparison (F5) to see every problem.")

    def _unit_scores_done(self) -> None:
        job, self._scores_job = self._scores_job, None
        if job is not None:
            job.wait(5000)
        ev = self.session.evaluation
        if ev is not None and self.job is None and (self._scores_again
                                                    or ev is not self._scores_base):
            self._check_results_current()  # the edit (or the one after it) now evaluates live
        self._scores_again = False
        self.scoresFinished.emit()
