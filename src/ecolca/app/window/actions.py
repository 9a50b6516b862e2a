"""Every user command as one QAction (icon, text, shortcut, tooltip), and the menus and
toolbar that show them. Menu actions are defined in :meth:`WindowActions._build_actions`."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QToolBar

from ecolca.core import examples
from ecolca.core.errors import EcolcaError, ScenarioError
from ecolca.core.resources import ui_dir


def icon(name: str) -> QIcon:
    p = ui_dir() / "icons" / f"{name}.svg"
    return QIcon(str(p)) if p.exists() else QIcon()


class WindowActions:
    """Every command (QAction), the menus and the toolbar of :class:`~ecolca.app.mainwindow.MainWindow` (a mixin of the window)."""

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

    def tutorial_path(self):
        from ecolca.core.resources import docs_dir

        return docs_dir() / "tutorial.md"

    def open_tutorial(self) -> None:
        self.open_doc("tutorial.md")

    def open_doc(self, name: str) -> None:
        """Open one of the user documents (docs/*.md, shipped with ecolca) in the desktop's
        viewer for Markdown files."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from ecolca.core.resources import docs_dir

        path = docs_dir() / name
        if not path.exists():
            raise EcolcaError(f"{name} is not installed (looked in {path.parent})")
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.error(f"No program to open {name}", f"The file is {path}")

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
        self.act_suggest = A("&Suggest exchanges…", self.show_suggestions, shortcut="F6",
                             icon_name="add-exchange",
                             tip="Find exchanges worth making between the sites of the park, "
                                 "ranked by avoided impact; Accept adds one (undoable)")
        self.act_setup = A("Set up &Brightway project…", self.run_setup,
                           tip="Create or update the Brightway project (offline)")
        self.act_tutorial = A("&Tutorial: your first park", self.open_tutorial,
                              tip="Open docs/tutorial.md: from an empty window to a park of "
                                  "your own, its results and the report, step by step")
        self.act_glossary = A("&Glossary", lambda: self.open_doc("glossary.md"),
                              tip="Open docs/glossary.md: every term the app and the report use")
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
        m.addAction(A("&Import background database…", self.import_background,
                      tip="Import openLCA JSON-LD, ecospold2, Brightway Excel or SimaPro CSV"))
        m.addAction(A("Re&base onto another background…", self.rebase_scenario,
                      tip="Move the scenario to another background database through a "
                          "mapping table; saved as a new file"))
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
        v.addSeparator()
        v.addAction(self.act_suggest)
        r = mb.addMenu("&Run")
        for a in (self.act_run, self.act_cancel):
            r.addAction(a)
        r.addAction(self.act_suggest)
        r.addSeparator()
        r.addAction(self.act_methods)
        r.addAction(self.act_setup)
        h = mb.addMenu("&Help")
        h.addAction(self.act_tutorial)
        h.addAction(self.act_glossary)
        h.addSeparator()
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
