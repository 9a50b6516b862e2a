"""The main window's layout: the canvas over the results (a splitter), the Properties and
Problems docks, and the status bar with its progress bar, Cancel and Brightway project; and the
status bar's project text (a mixin of :class:`~ecolca.app.mainwindow.MainWindow`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QProgressBar, QPushButton,
                               QScrollArea, QSplitter, QWidget)

from ecolca.app.window.actions import icon


def central_splitter(top: QWidget, bottom: QWidget) -> QSplitter:
    """The canvas over the results; dragging the handle never hides either."""
    split = QSplitter(Qt.Vertical)
    split.addWidget(top)
    split.addWidget(bottom)
    split.setStretchFactor(0, 1)
    split.setStretchFactor(1, 1)
    split.setSizes([330, 420])
    split.setChildrenCollapsible(False)
    return split


def add_dock(window: QMainWindow, title: str, name: str, content: QWidget,
             scroll: bool = False) -> QDockWidget:
    """A movable, floatable (not closable) dock on the right holding ``content``; ``scroll``:
    content taller than the dock (a long exchange form) scrolls instead of growing the window."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    if scroll:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.NoFrame)
        area.setWidget(content)
        content = area
    dock.setWidget(content)
    dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
    window.addDockWidget(Qt.RightDockWidgetArea, dock)
    return dock


class WindowLayout:
    """The status bar of :class:`~ecolca.app.mainwindow.MainWindow` (a mixin of the window)."""

    def _build_status_bar(self) -> None:
        from ecolca.app.status_bar import ElidingStatusBar

        self.setStatusBar(ElidingStatusBar())  # a long message ends in "…", whole in its tooltip
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

    def _update_status(self, check_project: bool | None = None) -> None:
        """The status bar's project, background and methods; says so when the project is
        missing (checked from the first turn of the event loop on)."""
        from ecolca.brightway.project import project_name

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
