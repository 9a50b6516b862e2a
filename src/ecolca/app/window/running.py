"""Work the main window runs on a worker thread (comparison, Excel report, project set-up)
and what it does with the results."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecolca.core import scenario_file
from ecolca.core.errors import EcolcaError


class WindowRunning:
    """Runs (comparison, report, set-up) on a worker thread, and their results of :class:`~ecolca.app.mainwindow.MainWindow` (a mixin of the window)."""

    def _set_running(self, running: bool) -> None:
        self.act_run.setEnabled(not running)
        self.act_cancel.setEnabled(running)
        self.act_setup.setEnabled(not running)
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        if running:
            self.progress.setValue(0)

    def _start(self, job, on_success, what: str, on_failure=None) -> None:
        # connect to bound methods of this window (not lambdas): Qt then queues the calls to the
        # GUI thread; a lambda would run in the worker thread and touch widgets from there
        self.job = job
        self._job_what = what
        self._job_success = on_success
        self._job_failure = on_failure
        self._set_running(True)
        job.progress.connect(self._job_progress)
        job.succeeded.connect(self._job_succeeded)
        job.failed.connect(self._job_failed)
        job.cancelled.connect(self._job_cancelled)
        job.done.connect(self._job_done)
        job.start()

    def _job_progress(self, message: str, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))
        self.statusBar().showMessage(message)

    def _job_succeeded(self, result) -> None:
        self._job_success(result)

    def _job_failed(self, message: str, details: str) -> None:
        # the last progress message ("Building activities") must not stay as if still working
        self.statusBar().showMessage(f"{self._job_what} failed", 10000)
        if self._job_failure is not None:
            self._job_failure(message, details)
        self.error(f"{self._job_what} failed: {message}", details)

    def _job_cancelled(self) -> None:
        self.statusBar().showMessage(f"{self._job_what} cancelled", 5000)

    def _job_done(self) -> None:
        self._set_running(False)
        job, self.job = self.job, None
        if job is not None:
            job.wait(5000)
        self.runFinished.emit(self.session.is_current)

    def run_comparison(self) -> None:
        from ecolca import lca
        from ecolca.app.worker import comparison_job
        from ecolca.core.validation import errors

        if self.job is not None:
            return
        from ecolca.app.problems import _large

        self.problems.set_extra([])  # revalidates only when there were extra problems
        # an edit not validated yet: validated now, unless the park is large (its validation
        # is a pause of the window): then by the run, which validates its copy again on the
        # worker (lca.compare) and fails with the problems, as it does anyway
        unchecked = self.problems.pending() and _large(self.doc.scenario)
        if self.problems.pending() and not unchecked:
            self.problems.validate_now(self.doc.scenario)
        if not unchecked and errors(self.problems.problems):
            self.problems_dock.show()
            self.problems_dock.raise_()
            QMessageBox.warning(self, "Cannot run", f"The scenario has {self.problems.error_count} "
                                "problem(s); they are listed in the Problems panel. Click one to go to it.")
            self.runFinished.emit(False)
            return
        ticket = self.session.run_started()  # the scenario (and revision) this run is of
        kept: list = []
        labels: list = []  # the exchanges' short names, made on the worker
        job = comparison_job(self.doc.scenario, self.project, kept, snapshot=self.doc._snap(),
                             labels=labels)

        def got(results) -> None:
            self._run_labels = labels[0] if labels else None
            if not self.session.results_arrived(results, ticket, kept[0] if kept else None):
                self.statusBar().showMessage("The comparison finished, but another scenario "
                                             "is open now: its results are not shown", 10000)
                return
            self._check_results_current()  # edited during the run: stale, or current again
            imp = results.impacts[0]
            from ecolca.app.results_view import format_pct
            from ecolca.core.numbers import format_result

            pct = "" if imp.delta_pct is None else f" ({format_pct(imp.delta_pct, signed=True)})"
            row = [imp.linear, imp.symbiotic]  # in the scale of the Summary's row
            # by the number policy ("−0.287 Mt CO2-Eq"), not "-1.128e+08"; Δ first, so that a
            # message cut to the status bar's room ("…") loses the method's name, not the number
            self.statusBar().showMessage(
                f"Done: Δ = {format_result(imp.delta, imp.unit, signed=True, against=row)}{pct}"
                f" in {' | '.join(imp.method)}", 10000)

        def failed_problems(msg, details) -> None:
            if "Problems panel" in msg:
                from ecolca.core.errors import Problem

                self.problems.set_extra([Problem(item=line.split(":")[0], field="", message=line)
                                         for line in details.splitlines()
                                         if line and "field" not in line])
                try:
                    self.problems.set_extra(lca.check_against_project(self.doc.scenario))
                except Exception:  # noqa: BLE001
                    pass
                self.problems_dock.show()

        self._start(job, got, "The comparison", failed_problems)

    def cancel_run(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.statusBar().showMessage("Cancelling…")

    def export_report(self) -> None:
        plan = self.session.report_plan()
        if plan.results is None:
            QMessageBox.information(self, "No results", "Run the comparison first (F5).")
            return
        if not plan.current:
            answer = QMessageBox.question(self, "Results are out of date",
                                          "The scenario changed after the last run. Export the "
                                          "report of the last results anyway?")
            if answer != QMessageBox.Yes:
                return
        path, _ = QFileDialog.getSaveFileName(self, "Export Excel report",
                                              str(self._report_suggestion()),
                                              "Excel workbook (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        audience = self._ask_audience()
        if audience is None:
            return
        self.export_report_to(Path(path), audience=audience)

    def _ask_audience(self) -> str | None:
        """Who the report is for, asked only when the scenario has confidential sites (park by
        default: an internal report names them); None when cancelled."""
        from PySide6.QtWidgets import QInputDialog

        from ecolca.park.confidential import AUDIENCE_LABELS, confidential_sites

        n = len(confidential_sites(self.doc.scenario))
        if not n:
            return "internal"
        labels = [AUDIENCE_LABELS[a] for a in ("park", "public", "internal")]
        choice, ok = QInputDialog.getItem(
            self, "Report audience", f"The scenario has {n} confidential site(s). Who is the "
            "report for?", labels, 0, False)
        if not ok:
            return None
        return next(a for a, lab in AUDIENCE_LABELS.items() if lab == choice)

    def _report_suggestion(self) -> Path:
        """Beside the scenario file and after it (park.ecolca.json → park.xlsx); for a file
        never saved, the last report folder and the scenario's name."""
        if self.doc.path is not None:
            name = self.doc.path.name
            for suffix in (scenario_file.SUFFIX, ".json"):
                if name.lower().endswith(suffix):
                    name = name[: -len(suffix)]
                    break
            return self.doc.path.parent / f"{name or self._safe_name()}.xlsx"
        folder = self.settings.value("last_report_dir", str(Path.home()))
        return Path(folder) / f"{self._safe_name()}.xlsx"


    def export_report_to(self, path: Path, ask_open: bool = True,
                         audience: str = "internal") -> None:
        from ecolca.app.worker import report_job

        plan = self.session.report_plan()  # after the live evaluation still due, if any
        if plan.results is None:
            self.error("No results to write: run the comparison first (F5).")
            return
        self.settings.setValue("last_report_dir", str(path.parent))

        def written(out) -> None:
            self.reportWritten.emit(str(out))
            self.statusBar().showMessage(f"Report written: {out}", 8000)
            if ask_open and QMessageBox.question(self, "Report written",
                                                 f"Report written to\n{out}\n\nOpen it now?") == QMessageBox.Yes:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

        # a report is never of live figures: those are calculated again first
        self._start(report_job(plan.results, self.doc.scenario, path, audience,
                               project=self.project, recompute=plan.recompute), written,
                    "The report")

    def choose_methods(self) -> None:
        from ecolca.brightway import catalog
        from ecolca.app.method_picker import MethodPickerDialog
        from ecolca.brightway.project import activate

        try:
            activate(self.project)
            all_methods = catalog.methods()
        except EcolcaError as exc:
            self.error(str(exc))
            return
        units = {m: catalog.method_unit(m) for m in all_methods}
        dlg = MethodPickerDialog(all_methods, list(self.doc.scenario.methods), self, units=units)
        if dlg.exec():
            chosen = dlg.chosen()
            if chosen != list(self.doc.scenario.methods):
                self.doc.edit(f"Choose {len(chosen)} LCIA method(s)",
                              lambda sc: setattr(sc, "methods", list(chosen)))
                self._update_status()

    # ---- project set-up ---------------------------------------------------------------------------
    def _load_catalog(self, biosphere: bool):
        from ecolca.brightway import catalog
        from ecolca.brightway.project import activate

        activate(self.project)
        if biosphere:
            return catalog.load_activities(["biosphere3"], biosphere=True)
        return catalog.load_activities()

    def _offer_setup(self) -> None:
        """The project is missing or not ready (found by the check on a worker thread,
        :meth:`_check_project`): offer to set it up."""
        from ecolca.brightway.project import project_name

        if self.job is not None:  # set-up (or a run) already under way
            return
        answer = QMessageBox.question(
            self, "Set up Brightway",
            f"The Brightway project '{project_name(self.project)}' is missing or out of date. Set it "
            "up now? (offline; biosphere3, LCIA methods and the bundled open background database; "
            "about 10 s in the background, the window stays usable)")
        if answer == QMessageBox.Yes:
            self.run_setup()

    def run_setup(self) -> None:
        from ecolca.app.worker import setup_job

        if self.job is not None:
            return

        def ready(report) -> None:
            self.catalog.invalidate()
            self.statusBar().showMessage(
                "Brightway project ready: " + ("; ".join(report.steps) or "up to date"), 8000)
            self._update_status(check_project=True)

        self._start(setup_job(self.project), ready, "Set-up")
