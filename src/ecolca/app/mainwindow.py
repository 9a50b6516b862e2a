"""The main window: canvas, properties, problems and results, wired to the document.

This module makes the window from the panels and views and wires them; what the window does
lives in :mod:`ecolca.app.window`: ``actions`` (every QAction, the menus and the toolbar),
``files`` (open, save, recent), ``recovery`` (autosave, crash recovery), ``editing``, ``running`` (worker-thread jobs
and their results), ``geometry``, ``layout`` (splitter, docks, status bar) and ``messages``.
Every user command is one QAction made by ``_action``; commands call the same ecolca functions
as the CLI. Errors show as dialogs, never a crash.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from ecolca.app.canvas import ParkScene, ParkView
from ecolca.app.document import Document
from ecolca.app.panels import Catalog, PropertiesPanel
from ecolca.app.problems import ProblemsPanel
from ecolca.app.window.actions import WindowActions, icon
from ecolca.app.window.editing import WindowEditing
from ecolca.app.window.files import WindowFiles
from ecolca.app.window.geometry import WindowGeometry, available_geometry
from ecolca.app.window.layout import WindowLayout, add_dock, central_splitter
from ecolca.app.window.messages import WindowMessages
from ecolca.app.window.live import WindowLive
from ecolca.app.window.recovery import AUTOSAVE_MS, WindowRecovery, recovery_dir
from ecolca.app.window.running import WindowRunning
from ecolca.session import Session

__all__ = ["MainWindow", "icon", "recovery_dir", "available_geometry"]


class MainWindow(WindowActions, WindowFiles, WindowRecovery, WindowEditing, WindowRunning,
                 WindowLive, WindowGeometry, WindowLayout, WindowMessages, QMainWindow):
    runFinished = Signal(bool)  # True when results arrived
    scoresFinished = Signal()  # unit scores of new background nodes arrived (or failed)
    reportWritten = Signal(str)

    def __init__(self, project: str | None = None, settings: QSettings | None = None,
                 ask_setup: bool = True):
        super().__init__()
        import sys

        # the GUI thread waits at most 0.5 ms for the interpreter lock held by a worker thread
        # (a run, a validation, a live evaluation, an autosave): Python's 5 ms made each call
        # Qt makes into Python (a paint, a table's data()) wait up to that long. Set here, as
        # the workers start before the first chart (results_view/canvas.py sets it too)
        if sys.getswitchinterval() > 0.0005:
            sys.setswitchinterval(0.0005)
        self.project = project
        self.settings = settings or QSettings("ecolca", "ecolca")
        self.setWindowIcon(icon("app"))
        self.doc = Document(parent=self)
        # the scenario's results, their revision, the run's unit scores and their staleness:
        # the window only observes it (ecolca/session.py, docs/architecture.md)
        self.session = Session(self.doc.scenario, self.doc.revision, self.doc.state)
        self._scene_state = None  # the document state the canvas last drew
        self._scores_job = None  # unit scores of new background nodes (window/live.py)
        self._scores_base = None
        self._scores_again = False
        self.job = None
        self.suggestions = None  # the Suggestions panel, made when first opened
        self.recovery_id = uuid.uuid4().hex[:12]
        self.catalog = Catalog(self._load_catalog)
        self._build_ui()
        self._observe(self.session)
        self._build_actions()
        self._attach(self.doc)
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(lambda: self.autosave(wait=False))  # on a worker
        self._autosave.start()
        self.restore_window()
        # whether the Brightway project exists (and is ready, else set-up is offered): asked on a
        # worker thread once the window is drawn and idle (bw2data loads slowly; window/layout.py)
        self._check_project_when_idle(offer_setup=ask_setup)


    # ---- construction --------------------------------------------------------------------
    def _build_ui(self) -> None:
        from ecolca.app.results_view import ResultsView

        self.scene = ParkScene(self)
        self.view = ParkView(self.scene)
        self.results_view = ResultsView()
        self.results_view.before_render = self._finish_live
        self.results_view.exchangeActivated.connect(
            lambda i: self.select_from_results(exchange_id=i))
        self.results_view.siteActivated.connect(lambda i: self.select_from_results(site_id=i))
        self.splitter = central_splitter(self.view, self.results_view)
        self.setCentralWidget(self.splitter)
        self.properties = PropertiesPanel(lambda: self.doc, self.catalog)
        self.properties_dock = add_dock(self, "Properties", "properties", self.properties,
                                        scroll=True)
        self.problems = ProblemsPanel()
        self.problems_dock = add_dock(self, "Problems", "problems", self.problems)
        self.resizeDocks([self.properties_dock], [490], Qt.Horizontal)
        self.resizeDocks([self.properties_dock, self.problems_dock], [520, 220], Qt.Vertical)
        self._build_status_bar()

        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.sitesMoved.connect(self._sites_moved)
        self.scene.linkRequested.connect(self.new_exchange)
        self.scene.addSiteRequested.connect(lambda x, y: self.add_site(x, y))
        self.scene.deleteRequested.connect(self.delete_selection)
        self.scene.propertiesRequested.connect(self.show_properties)
        self.problems.activated.connect(self.go_to_path)
        self.problems.validated.connect(self._problems_found)


    # ---- document ------------------------------------------------------------------------------
    def _attach(self, doc: Document, problems: list | None = None) -> None:
        old = self.doc
        if old is not doc:
            old.changed.disconnect(self._doc_changed)
            old.fileChanged.disconnect(self._update_title)
            self.undo_group.addStack(doc.undo_stack)
            self.undo_group.setActiveStack(doc.undo_stack)
            self.undo_group.removeStack(old.undo_stack)
            old.deleteLater()
            self.doc = doc
        doc.changed.connect(self._doc_changed)
        doc.fileChanged.connect(self._update_title)
        self.scene.sync(doc.scenario)
        self._scene_state = doc.state
        self.properties.show_selection(None, None)
        self.problems.validate_now(doc.scenario, problems)  # problems: found on a worker
        self.session.replace_scenario(doc.scenario, doc.revision, doc.state)
        self.results_view.set_results(None)
        if self.suggestions is not None:
            self.suggestions.doc_changed()
        self._update_title()
        self._update_status()
        QTimer.singleShot(0, self.view, self.view.fit)

    def _doc_changed(self) -> None:
        t = self.doc.touched  # an edit of one item right after the last redraw: redraw it only
        if t is None or t[0] != self._scene_state \
                or not self.scene.sync_item(self.doc.scenario, t[2], t[3]):
            self.scene.sync(self.doc.scenario)
        self._scene_state = self.doc.state
        self.properties.refresh()
        self.problems.schedule(self.doc.scenario)
        if self.suggestions is not None:
            self.suggestions.doc_changed()
        self._check_results_current()
        self._update_title()

    def _problems_found(self, n_errors: int) -> None:
        """The whole scenario's checks (after the user paused): live results that only the
        edited item's checks let through are marked stale if the scenario has an error."""
        self.session.problems_found(n_errors)

    def _update_title(self) -> None:
        where = f" — {self.doc.path.name}" if self.doc.path else ""
        self.setWindowTitle(f"{self.doc.title}[*]{where} — ecolca")
        self.setWindowModified(self.doc.modified)

    def _selection_changed(self) -> None:
        sites = self.scene.selected_site_ids()
        exs = self.scene.selected_exchange_ids()
        if len(sites) == 1 and not exs:
            self.properties.show_selection(sites[0], None)
        elif len(exs) == 1 and not sites:
            self.properties.show_selection(None, exs[0])
        elif not sites and not exs:
            self.properties.show_selection(None, None)
        self.act_add_exchange.setEnabled(True)
