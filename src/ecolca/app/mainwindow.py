"""The main window: canvas, properties, problems and results, wired to the document.

Every user command is one QAction (icon, text, shortcut, tooltip) made by :meth:`_action`;
commands call the same ecolca functions as the CLI. Errors show as dialogs, never a crash.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (QAction, QDesktopServices, QGuiApplication, QIcon, QKeySequence,
                           QUndoGroup)
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QLabel, QMainWindow,
                               QMessageBox, QProgressBar, QPushButton, QScrollArea, QSplitter, QToolBar)

from ecolca import __version__, examples, scenario_file
from ecolca.errors import EcolcaError, ScenarioError
from ecolca.model import Scenario, Site, new_id
from ecolca.resources import ui_dir

from ecolca.app.canvas import SITE_H, SITE_W, ParkScene, ParkView
from ecolca.app.document import Document
from ecolca.app.panels import Catalog, ExchangeDialog, PropertiesPanel
from ecolca.app.problems import ProblemsPanel

FILE_FILTER = "ecolca scenarios (*.ecolca.json);;JSON files (*.json);;All files (*)"
AUTOSAVE_MS = 60_000
MAX_RECENT = 8
DEFAULT_SIZE = (1280, 800)
# room the window manager's frame takes around the window (title bar, borders): the window's own
# size is what remains of the screen's available area
FRAME_W, FRAME_H = 16, 40


def available_geometry(widget=None) -> QRect:
    """The screen area a window may use (without task bars and docks)."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, *DEFAULT_SIZE)


def _reason(details: str, max_lines: int = 8, max_chars: int = 700) -> str:
    """What a user needs from an error's details: the exception of a traceback, or the first
    lines of a list of problems."""
    lines = [line for line in details.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    if lines[0].startswith("Traceback"):
        return lines[-1].strip()
    shown = lines[:max_lines]
    text = "\n".join(shown)
    if len(text) > max_chars:
        text = text[:max_chars - 1].rstrip() + "…"
    if len(lines) > len(shown):
        text += f"\n… and {len(lines) - len(shown)} more (Show Details)"
    return text


def icon(name: str) -> QIcon:
    p = ui_dir() / "icons" / f"{name}.svg"
    return QIcon(str(p)) if p.exists() else QIcon()


def recovery_dir() -> Path:
    """Where autosaves go: ``$ECOLCA_RECOVERY_DIR`` or the platform's app-data folder."""
    env = os.environ.get("ECOLCA_RECOVERY_DIR")
    base = Path(env) if env else Path(
        QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) or Path.home() / ".ecolca") / "recovery"
    base.mkdir(parents=True, exist_ok=True)
    return base


def _remove_recovery(path: Path) -> None:
    """Delete an autosave and its metadata file (either may be missing)."""
    for p in (path, path.with_suffix(".meta")):
        try:
            p.unlink()
        except OSError:
            pass


class MainWindow(QMainWindow):
    runFinished = Signal(bool)  # True when results arrived
    reportWritten = Signal(str)

    def __init__(self, project: str | None = None, settings: QSettings | None = None,
                 ask_setup: bool = True):
        super().__init__()
        self.project = project
        self.settings = settings or QSettings("ecolca", "ecolca")
        self.setWindowIcon(icon("app"))
        self.doc = Document(parent=self)
        self.results = None
        self.results_revision = -1
        self._results_scenario = None  # the scenario the results were computed from
        self.job = None
        self.recovery_id = uuid.uuid4().hex[:12]
        self.catalog = Catalog(self._load_catalog)
        self._build_ui()
        self._build_actions()
        self._attach(self.doc)
        self._autosave = QTimer(self)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()
        self.restore_window()
        # whether the Brightway project exists: once the window is up (bw2data loads slowly)
        QTimer.singleShot(0, self, lambda: self._update_status(check_project=True))
        if ask_setup:
            QTimer.singleShot(0, self, self._offer_setup_if_needed)

    # ---- window geometry ---------------------------------------------------------------------
    def restore_window(self) -> None:
        """Size the window to the screen's available area (1280×800, larger on a large screen,
        smaller on a small one), or restore the geometry, docks and splitter the user left; the
        window always fits on the screen."""
        avail = available_geometry(self)
        rect = self.settings.value("window/rect")
        restored = isinstance(rect, QRect) and rect.isValid()
        if restored:
            self.resize(rect.size())
            self.move(rect.topLeft())
            self._keep_on_screen(avail)
            if str(self.settings.value("window/maximized", "false")).lower() == "true":
                self.setWindowState(self.windowState() | Qt.WindowMaximized)
        else:
            w = min(avail.width() - FRAME_W, max(DEFAULT_SIZE[0], int(avail.width() * 0.8)))
            h = min(avail.height() - FRAME_H, max(DEFAULT_SIZE[1], int(avail.height() * 0.85)))
            self.resize(max(w, 640), max(h, 480))
            self.move(avail.x() + max(0, (avail.width() - self.width() - FRAME_W) // 2),
                      avail.y() + max(0, (avail.height() - self.height() - FRAME_H) // 2))
        state = self.settings.value("window/state")
        if state:
            self.restoreState(QByteArray(state))
        split = self.settings.value("window/splitter")
        if split:
            self.splitter.restoreState(QByteArray(split))

    def _keep_on_screen(self, avail: QRect) -> None:
        w = min(self.width(), avail.width() - FRAME_W)
        h = min(self.height(), avail.height() - FRAME_H)
        if (w, h) != (self.width(), self.height()):
            self.resize(w, h)
        x = min(max(self.x(), avail.left()), avail.right() - w - FRAME_W)
        y = min(max(self.y(), avail.top()), avail.bottom() - h - FRAME_H)
        if (x, y) != (self.x(), self.y()):
            self.move(max(x, avail.left()), max(y, avail.top()))

    def save_window(self) -> None:
        """Remember the window's geometry, its docks and toolbar, and the canvas/results split."""
        maximized = bool(self.windowState() & Qt.WindowMaximized)
        # the frame's position (what move() takes) and the window's own size
        normal = self.normalGeometry() if maximized else QRect(self.pos(), self.size())
        self.settings.setValue("window/rect", QRect(normal))
        self.settings.setValue("window/maximized", maximized)
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()

    # ---- construction --------------------------------------------------------------------
    def _build_ui(self) -> None:
        from ecolca.app.results_view import ResultsView

        self.scene = ParkScene(self)
        self.view = ParkView(self.scene)
        self.results_view = ResultsView()
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.view)
        split.addWidget(self.results_view)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 420])
        split.setChildrenCollapsible(False)  # dragging the handle never hides the canvas
        self.splitter = split
        self.setCentralWidget(split)

        self.properties = PropertiesPanel(lambda: self.doc, self.catalog)
        dock = QDockWidget("Properties", self)
        dock.setObjectName("properties")
        scroll = QScrollArea()  # a long exchange form scrolls instead of growing the window
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(self.properties)
        dock.setWidget(scroll)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.RightDockWidgetArea, dock)
        self.properties_dock = dock

        self.problems = ProblemsPanel()
        pdock = QDockWidget("Problems", self)
        pdock.setObjectName("problems")
        pdock.setWidget(self.problems)
        pdock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.RightDockWidgetArea, pdock)
        self.problems_dock = pdock
        self.resizeDocks([dock], [490], Qt.Horizontal)
        self.resizeDocks([dock, pdock], [520, 220], Qt.Vertical)

        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.sitesMoved.connect(self._sites_moved)
        self.scene.linkRequested.connect(self.new_exchange)
        self.scene.addSiteRequested.connect(lambda x, y: self.add_site(x, y))
        self.scene.deleteRequested.connect(self.delete_selection)
        self.scene.propertiesRequested.connect(self.show_properties)
        self.problems.activated.connect(self.go_to_path)

        sb = self.statusBar()
        self.project_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(icon("cancel"), "Cancel")
        self.cancel_button.setToolTip("Cancel the running calculation (Esc)")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_run)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)
        sb.addPermanentWidget(self.project_label)

    def _action(self, text: str, slot, *, shortcut=None, tip: str = "", icon_name: str | None = None,
                std_icon=None) -> QAction:
        a = QAction(text, self)
        if icon_name:
            a.setIcon(icon(icon_name))
        elif std_icon is not None:
            a.setIcon(self.style().standardIcon(std_icon))
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        plain = text.replace("&", "").rstrip(".…")
        if tip or shortcut is not None:
            sc = a.shortcut().toString(QKeySequence.NativeText)
            a.setToolTip(f"{tip or plain}" + (f" ({sc})" if sc else ""))
        a.setStatusTip(tip or plain)
        a.triggered.connect(lambda _checked=False: self._guarded(slot))
        return a

    def _guarded(self, slot) -> None:
        """Run a command; a user's mistake or an upstream failure shows a dialog, never a crash."""
        try:
            slot()
        except ScenarioError as exc:
            self.error("The scenario has problems", str(exc))
        except EcolcaError as exc:
            self.error(str(exc))
        except Exception as exc:  # noqa: BLE001
            import traceback

            self.error(f"Unexpected error: {type(exc).__name__}: {exc}", traceback.format_exc())

    def _build_actions(self) -> None:
        A = self._action
        self.act_new = A("&New", self.new_file, shortcut=QKeySequence.New, icon_name="new",
                         tip="New scenario")
        self.act_open = A("&Open…", self.open_dialog, shortcut=QKeySequence.Open, icon_name="open",
                          tip="Open a scenario file")
        self.act_save = A("&Save", self.save, shortcut=QKeySequence.Save, icon_name="save",
                          tip="Save the scenario")
        self.act_save_as = A("Save &As…", self.save_as, shortcut=QKeySequence.SaveAs,
                             tip="Save the scenario under another name")
        self.act_export = A("&Export Excel report…", self.export_report, shortcut="Ctrl+E",
                            icon_name="report", tip="Write the Excel report of the last results")
        self.act_quit = A("&Quit", self.close, shortcut=QKeySequence.Quit)
        # one undo group: the Undo/Redo actions follow whichever document is open
        self.undo_group = QUndoGroup(self)
        self.undo_group.addStack(self.doc.undo_stack)
        self.undo_group.setActiveStack(self.doc.undo_stack)
        self.act_undo = self.undo_group.createUndoAction(self, "&Undo")
        self.act_redo = self.undo_group.createRedoAction(self, "&Redo")
        self.act_add_site = A("Add &site", lambda: self.add_site(), shortcut="Ctrl+Shift+N",
                              icon_name="add-site", tip="Add a site (or double-click the canvas)")
        self.act_add_exchange = A("Add &exchange…", self.add_exchange_from_selection,
                                  shortcut="Ctrl+Shift+E", icon_name="add-exchange",
                                  tip="Add an exchange between the two selected sites (or drag "
                                      "from a site's dot to another site)")
        self.act_delete = A("&Delete", self.delete_selection, shortcut=QKeySequence.Delete,
                            icon_name="delete", tip="Delete the selected sites and exchanges")
        self.act_zoom_in = A("Zoom &in", lambda: self.view.zoom(1.25), shortcut=QKeySequence.ZoomIn,
                             icon_name="zoom-in")
        self.act_zoom_out = A("Zoom &out", lambda: self.view.zoom(0.8), shortcut=QKeySequence.ZoomOut,
                              icon_name="zoom-out")
        self.act_fit = A("&Fit to view", self.view.fit, shortcut="Ctrl+0", icon_name="fit")
        self.act_run = A("&Run comparison", self.run_comparison, shortcut="F5", icon_name="run",
                         tip="Compare the linear and the symbiotic configuration")
        self.act_cancel = A("&Cancel run", self.cancel_run, shortcut="Esc", icon_name="cancel",
                            tip="Cancel the running calculation")
        self.act_cancel.setEnabled(False)
        self.act_methods = A("LCIA &methods…", self.choose_methods, shortcut="Ctrl+M",
                             icon_name="methods", tip="Choose the LCIA methods")
        self.act_setup = A("Set up &Brightway project…", self.run_setup,
                           tip="Create or update the Brightway project (offline)")
        self.act_about = A("&About ecolca", self.about)
        for a, key, name in ((self.act_undo, QKeySequence.Undo, "undo"),
                             (self.act_redo, QKeySequence.Redo, "redo")):
            a.setShortcuts([QKeySequence(key)] + ([QKeySequence("Ctrl+Shift+Z")] if name == "redo" else []))
            a.setIcon(icon(name))

        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.act_new, self.act_open):
            m.addAction(a)
        self.recent_menu = m.addMenu("Open &Recent")
        self.examples_menu = m.addMenu("E&xamples")
        for name, path in examples.available().items():
            try:
                title, first = examples.describe(name)
            except EcolcaError:
                continue
            a = self.examples_menu.addAction(title)
            a.setToolTip(first)
            a.setStatusTip(first)
            # like Open, Recent, New and Quit: unsaved work is never dropped without asking
            a.triggered.connect(lambda _c=False, p=path: self._guarded(
                lambda: self.open_path(p, as_new=True, check_unsaved=True)))
        m.addSeparator()
        for a in (self.act_save, self.act_save_as):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_export)
        m.addSeparator()
        m.addAction(self.act_quit)
        e = mb.addMenu("&Edit")
        for a in (self.act_undo, self.act_redo):
            e.addAction(a)
        e.addSeparator()
        for a in (self.act_add_site, self.act_add_exchange, self.act_delete):
            e.addAction(a)
        v = mb.addMenu("&View")
        for a in (self.act_zoom_in, self.act_zoom_out, self.act_fit):
            v.addAction(a)
        v.addSeparator()
        v.addAction(self.properties_dock.toggleViewAction())
        v.addAction(self.problems_dock.toggleViewAction())
        r = mb.addMenu("&Run")
        for a in (self.act_run, self.act_cancel):
            r.addAction(a)
        r.addSeparator()
        r.addAction(self.act_methods)
        r.addAction(self.act_setup)
        h = mb.addMenu("&Help")
        h.addAction(self.act_about)

        tb = QToolBar("Main", self)
        tb.setObjectName("main-toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        tb.setMovable(False)
        for a in (self.act_new, self.act_open, self.act_save, None, self.act_undo, self.act_redo,
                  None, self.act_add_site, self.act_add_exchange, self.act_delete, None,
                  self.act_fit, None, self.act_methods, self.act_run, self.act_export):
            if a is None:
                tb.addSeparator()
            else:
                tb.addAction(a)
        for a in (self.act_new, self.act_open, self.act_save, self.act_undo, self.act_redo,
                  self.act_delete, self.act_fit):
            w = tb.widgetForAction(a)
            if w is not None:
                w.setToolButtonStyle(Qt.ToolButtonIconOnly)
        self.addToolBar(tb)
        self.toolbar = tb
        self._refresh_recent()

    # ---- document ------------------------------------------------------------------------------
    def _attach(self, doc: Document) -> None:
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
        self.properties.show_selection(None, None)
        self.problems.validate_now(doc.scenario)
        self.results = None
        self._results_scenario = None
        self.results_view.set_results(None)
        self._update_title()
        self._update_status()
        QTimer.singleShot(0, self.view, self.view.fit)

    def _doc_changed(self) -> None:
        self.scene.sync(self.doc.scenario)
        self.properties.refresh()
        self.problems.schedule(self.doc.scenario)
        self._check_results_current()
        self._update_title()

    def _check_results_current(self) -> None:
        """Results are current while the scenario is the one they were computed from: an edit
        makes them stale, and undoing back to that scenario makes them current again."""
        if (self.results is not None and self.doc.revision != self.results_revision
                and self._results_scenario is not None
                and self.doc.scenario == self._results_scenario):
            self.results_revision = self.doc.revision
        self.results_view.set_stale(self.results is not None
                                    and self.doc.revision != self.results_revision)

    def _update_title(self) -> None:
        where = f" — {self.doc.path.name}" if self.doc.path else ""
        self.setWindowTitle(f"{self.doc.title}[*]{where} — ecolca")
        self.setWindowModified(self.doc.modified)

    def _update_status(self, check_project: bool | None = None) -> None:
        """The status bar's project, background and methods; says so when the project is
        missing (checked from the first turn of the event loop on)."""
        from ecolca.project import project_name

        if check_project:
            self._project_checked = True
        sc = self.doc.scenario
        name = project_name(self.project)
        missing = getattr(self, "_project_checked", False) and not self._project_exists(name)
        if missing:
            self.project_label.setText(f"<span style='color:#B03A2E; font-weight:bold'>Brightway "
                                       f"project '{name}' is missing</span>: Run ▸ Set up "
                                       "Brightway project…")
            self.project_label.setToolTip("Nothing can be computed or chosen from the background "
                                          "until the project is set up (offline, about 10 s).")
        else:
            self.project_label.setText(f"Brightway project: {name}  ·  "
                                       f"Background: {sc.background_database}  ·  "
                                       f"{len(sc.methods)} LCIA method(s)")
            self.project_label.setToolTip("")

    @staticmethod
    def _project_exists(name: str) -> bool:
        try:
            import bw2data as bd

            return name in bd.projects
        except Exception:  # noqa: BLE001 (an unreadable Brightway folder: say it is missing)
            return False

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

    # ---- edits -----------------------------------------------------------------------------------
    def add_site(self, x: float | None = None, y: float | None = None) -> str:
        sc = self.doc.scenario
        if x is None or y is None:
            centre = self.view.mapToScene(self.view.viewport().rect().center())
            x, y = centre.x() - SITE_W / 2 + 20 * (len(sc.sites) % 5), centre.y() - SITE_H / 2 + 20 * (len(sc.sites) % 5)
        n = len(sc.sites) + 1
        names = {s.name for s in sc.sites}
        while f"Site {n}" in names:
            n += 1
        site = Site(new_id("site-"), f"Site {n}", x=round(x, 1), y=round(y, 1))
        self.doc.edit(f"Add site '{site.name}'", lambda s: s.sites.append(site))
        self.scene.select_only(site_id=site.id)
        self.properties_dock.show()
        self.properties.site_panel.name.setFocus()
        self.properties.site_panel.name.selectAll()
        return site.id

    def show_properties(self) -> None:
        """Show the properties of the selection (the canvas menu's Properties)."""
        self.properties_dock.show()
        self.properties_dock.raise_()
        self.properties.setFocus()

    def _sites_moved(self, moved: dict) -> None:
        def move(sc: Scenario) -> None:
            for sid, (x, y) in moved.items():
                s = sc.site(sid)
                if s is not None:
                    s.x, s.y = x, y

        label = (f"Move site '{self.doc.scenario.site(next(iter(moved))).name}'" if len(moved) == 1
                 else f"Move {len(moved)} sites")
        self.doc.edit(label, move)

    def new_exchange(self, from_site: str, to_site: str) -> str | None:
        dlg = ExchangeDialog(self.doc, self.catalog, from_site, to_site, self)
        if dlg.exec():
            self.scene.select_only(exchange_id=dlg.created_id)
            return dlg.created_id
        return None

    def add_exchange_from_selection(self) -> None:
        sites = self.scene.selected_site_ids()
        if len(sites) != 2:
            QMessageBox.information(self, "Add exchange", "Select two sites (Ctrl+click), the "
                                    "supplier first, or drag from a site's dot to another site.")
            return
        self.new_exchange(sites[0], sites[1])

    def delete_selection(self) -> None:
        sites = set(self.scene.selected_site_ids())
        exs = set(self.scene.selected_exchange_ids())
        if not sites and not exs:
            return
        sc = self.doc.scenario
        dropped = {e.id for e in sc.exchanges if e.from_site in sites or e.to_site in sites} | exs
        parts = []
        if sites:
            parts.append(f"{len(sites)} site(s)" if len(sites) > 1 else f"site '{sc.site(next(iter(sites))).name}'")
        if dropped:
            parts.append(f"{len(dropped)} exchange(s)")

        def delete(s: Scenario) -> None:
            s.sites = [x for x in s.sites if x.id not in sites]
            s.exchanges = [e for e in s.exchanges if e.id not in dropped]

        self.doc.edit("Delete " + " and ".join(parts), delete)

    def go_to_path(self, path: tuple) -> None:
        """Select what a problem names: ("sites", i, "flows", j, field) or ("exchanges", i, …)."""
        sc = self.doc.scenario
        if len(path) >= 2 and path[0] == "sites" and isinstance(path[1], int) and path[1] < len(sc.sites):
            site = sc.sites[path[1]]
            self.scene.select_only(site_id=site.id)
            self.properties.show_selection(site.id, None)
            if len(path) >= 4 and path[2] == "flows" and isinstance(path[3], int):
                self.properties.site_panel.select_flow(path[3])
            else:
                field = path[2] if len(path) > 2 else "name"
                w = getattr(self.properties.site_panel, field, None)
                if hasattr(w, "setFocus"):
                    w.setFocus()
        elif len(path) >= 2 and path[0] == "exchanges" and isinstance(path[1], int) and path[1] < len(sc.exchanges):
            ex = sc.exchanges[path[1]]
            self.scene.select_only(exchange_id=ex.id)
            self.properties.show_selection(None, ex.id)
            field = path[2] if len(path) > 2 else None
            w = {"amount": self.properties.exchange_panel.form.amount,
                 "substitution_ratio": self.properties.exchange_panel.form.ratio,
                 "from": self.properties.exchange_panel.form.residue,
                 "to": self.properties.exchange_panel.form.supply}.get(field)
            if w is not None:
                w.setFocus()
        elif path and path[0] == "methods":
            self.choose_methods()
        self.properties_dock.show()

    # ---- files -----------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels."""
        if not self.doc.modified:
            return True
        box = QMessageBox(QMessageBox.Warning, "Unsaved changes",
                          f"Save the changes to '{self.doc.title}'?",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self)
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.save()
        return answer == QMessageBox.Discard

    def new_file(self) -> None:
        if self.maybe_save():
            self._drop_recovery()
            self._attach(Document(parent=self))

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", self._dialog_folder(),
                                              FILE_FILTER)
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path, as_new: bool = False, check_unsaved: bool = False) -> bool:
        """Open ``path`` (a bundled example opens as an unsaved copy when ``as_new``). A broken
        or too-new file shows a message and leaves the current work as it was."""
        if check_unsaved and not self.maybe_save():
            return False
        try:
            doc = Document.open(Path(path), parent=self)
        except ScenarioError as exc:
            self.error(f"Cannot open {Path(path).name}", "\n".join(str(p) for p in exc.problems))
            return False
        if as_new:
            doc.path = None
        self._drop_recovery()
        self._attach(doc)
        if not as_new:
            self.settings.setValue("last_open_dir", str(Path(path).parent))
            self._add_recent(Path(path))
        self.statusBar().showMessage(f"Opened {Path(path).name}", 4000)
        return True

    def save(self) -> bool:
        if self.doc.path is None:
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        start = str(self.doc.path or Path(self._dialog_folder())
                    / (self._safe_name() + scenario_file.SUFFIX))
        path, _ = QFileDialog.getSaveFileName(self, "Save scenario", start, FILE_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += scenario_file.SUFFIX
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.doc.save(path)
        except (OSError, ValueError) as exc:
            self.error(f"Cannot save {path.name}", str(exc))
            return False
        self._add_recent(path)
        self._drop_recovery()
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def _safe_name(self) -> str:
        return "".join(c if c.isalnum() or c in "-_ " else "-" for c in self.doc.title).strip() or "park"

    def _add_recent(self, path: Path) -> None:
        recent = [p for p in self._recent() if p != str(path)]
        recent.insert(0, str(path))
        self.settings.setValue("recent_files", json.dumps(recent[:MAX_RECENT]))
        self._refresh_recent()

    def _recent(self) -> list[str]:
        try:
            value = json.loads(self.settings.value("recent_files", "[]") or "[]")
            return [str(p) for p in value] if isinstance(value, list) else []
        except (TypeError, ValueError):
            return []

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for p in recent:
            a = self.recent_menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.setStatusTip(p)
            a.triggered.connect(lambda _c=False, p=p: self._guarded(
                lambda: self.open_path(Path(p), check_unsaved=True)))
        self.recent_menu.setEnabled(bool(recent))

    # ---- autosave and recovery -------------------------------------------------------------------
    def _recovery_path(self) -> Path:
        return recovery_dir() / f"{self.recovery_id}{scenario_file.SUFFIX}"

    def autosave(self) -> Path | None:
        """Write the work in progress to the recovery folder (atomic); nothing when clean."""
        if not self.doc.modified:
            return None
        p = self._recovery_path()
        try:
            scenario_file.save(self.doc.scenario, p)
            meta = {"original": str(self.doc.path) if self.doc.path else None, "saved": time.time(),
                    "pid": os.getpid()}
            scenario_file.atomic_write_bytes(p.with_suffix(".meta"), json.dumps(meta).encode())
        except (OSError, ValueError):
            return None
        return p

    def _drop_recovery(self) -> None:
        _remove_recovery(self._recovery_path())

    def offer_recovery(self) -> bool:
        """After a crash, offer to restore the newest autosave; True if one was restored."""
        files = sorted(recovery_dir().glob(f"*{scenario_file.SUFFIX}"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
        files = [f for f in files if f != self._recovery_path()]
        if not files:
            return False
        newest = files[0]
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(newest.stat().st_mtime))
        answer = QMessageBox.question(
            self, "Recover unsaved work?",
            f"ecolca did not close normally. Restore the work autosaved at {when}?",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        restored = False
        if answer == QMessageBox.Yes:
            try:
                doc = Document.open(newest, parent=self)
            except ScenarioError as exc:
                self.error("The autosaved file cannot be read", str(exc))
            else:
                meta = {}
                try:
                    meta = json.loads(newest.with_suffix(".meta").read_text())
                except (OSError, ValueError):
                    pass
                doc.path = Path(meta["original"]) if meta.get("original") else None
                # mark as modified: the restored work is not saved anywhere yet
                doc.edit("Restore autosaved work", lambda sc: None)
                self._attach(doc)
                restored = True
        for f in files:
            _remove_recovery(f)
        return restored

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.job is not None:
            self.job.cancel()
            self.job.wait(10000)
        if self.maybe_save():
            self._drop_recovery()
            self.save_window()
            event.accept()
        else:
            event.ignore()

    # ---- running -----------------------------------------------------------------------------------
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
        self.runFinished.emit(self.results is not None and self.results_revision == self.doc.revision)

    def run_comparison(self) -> None:
        from ecolca import lca
        from ecolca.app.worker import comparison_job
        from ecolca.validation import errors

        if self.job is not None:
            return
        self.problems.set_extra([])
        self.problems.validate_now(self.doc.scenario)
        if errors(self.problems.problems):
            self.problems_dock.show()
            self.problems_dock.raise_()
            QMessageBox.warning(self, "Cannot run", f"The scenario has {self.problems.error_count} "
                                "problem(s); they are listed in the Problems panel. Click one to go to it.")
            self.runFinished.emit(False)
            return
        import copy

        from ecolca.app.results_view import exchange_labels

        revision = self.doc.revision
        computed = copy.deepcopy(self.doc.scenario)
        labels = exchange_labels(computed)
        job = comparison_job(self.doc.scenario, self.project)

        def got(results) -> None:
            self.results = results
            self.results_revision = revision
            self._results_scenario = computed
            self.results_view.set_results(results, labels)
            self._check_results_current()
            imp = results.impacts[0]
            pct = "" if imp.delta_pct is None else f" ({imp.delta_pct:+.1f} %)"
            self.statusBar().showMessage(f"Done: {' | '.join(imp.method)}: Δ = {imp.delta:,.4g} {imp.unit}{pct}", 10000)

        def failed_problems(msg, details) -> None:
            if "Problems panel" in msg:
                from ecolca.errors import Problem

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

        if self.results is None:
            QMessageBox.information(self, "No results", "Run the comparison first (F5).")
            return
        if self.results_revision != self.doc.revision:
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
        self.export_report_to(Path(path))

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

    def _dialog_folder(self) -> str:
        """Where file dialogs start: beside the current file, else the last folder used."""
        if self.doc.path is not None:
            return str(self.doc.path.parent)
        return str(self.settings.value("last_open_dir", str(Path.home())))

    def export_report_to(self, path: Path, ask_open: bool = True) -> None:
        from ecolca.app.worker import report_job

        self.settings.setValue("last_report_dir", str(path.parent))

        def written(out) -> None:
            self.reportWritten.emit(str(out))
            self.statusBar().showMessage(f"Report written: {out}", 8000)
            if ask_open and QMessageBox.question(self, "Report written",
                                                 f"Report written to\n{out}\n\nOpen it now?") == QMessageBox.Yes:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

        self._start(report_job(self.results, self.doc.scenario, path), written, "The report")

    def choose_methods(self) -> None:
        from ecolca import catalog
        from ecolca.app.pickers import MethodPickerDialog
        from ecolca.project import activate

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
        from ecolca import catalog
        from ecolca.project import activate

        activate(self.project)
        if biosphere:
            return catalog.load_activities(["biosphere3"], biosphere=True)
        return catalog.load_activities()

    def _offer_setup_if_needed(self) -> None:
        from ecolca.project import is_ready, project_name

        try:
            ready = is_ready(self.project)
        except Exception:  # noqa: BLE001
            ready = False
        if ready:
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
            self._update_status()

        self._start(setup_job(self.project), ready, "Set-up")

    # ---- messages -------------------------------------------------------------------------------------
    def error(self, text: str, details: str = "") -> None:
        box = QMessageBox(QMessageBox.Critical, "ecolca", text, QMessageBox.Ok, self)
        if details:
            reason = _reason(details)  # the reason in view, not behind "Show Details…"
            if reason and reason not in text:
                box.setInformativeText(reason)
            box.setDetailedText(details)
        self._last_error_box = box
        box.setWindowModality(Qt.WindowModal)
        box.open()
        self._last_error = (text, details)

    def about(self) -> None:
        QMessageBox.about(self, "About ecolca",
                          f"<b>ecolca {__version__}</b><br>Comparative LCA of industrial "
                          "symbiosis: the linear park against the symbiotic one, on Brightway 2.5."
                          "<br>Licence BSD-3-Clause.")
