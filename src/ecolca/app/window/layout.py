"""The main window's layout: the canvas over the results (a splitter), the Properties and
Problems docks, and the status bar with its progress bar, Cancel and Brightway project; and the
status bar's project text (a mixin of :class:`~ecolca.app.mainwindow.MainWindow`)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QProgressBar, QPushButton,
                               QScrollArea, QSplitter, QWidget)

from ecolca.app.window.actions import icon


CANVAS_MIN = 180  # the park keeps at least this height when the results want more
CANVAS_GOOD = 360  # the park's height before the results grow past what they want


class CentralSplitter(QSplitter):
    """The canvas over the results. Until the user drags the handle (or a saved layout is
    restored), the results get the height their Summary needs to show every method's row
    (``wanted_height()`` of the results view, issue #20.6: a laptop's 1366×768 showed 4–5 of
    10) and the canvas the rest, at least :data:`CANVAS_MIN`; on a tall screen the two share
    what is left over."""

    def __init__(self, top: QWidget, bottom: QWidget):
        super().__init__(Qt.Vertical)
        self.addWidget(top)
        self.addWidget(bottom)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 1)
        self.setSizes([330, 420])
        self.setChildrenCollapsible(False)
        self.auto = True  # sized by refit() until the user or a saved layout sizes it
        self.splitterMoved.connect(self._moved)
        wanted = getattr(bottom, "layoutWanted", None)
        if wanted is not None:
            wanted.connect(self.refit)

    def _moved(self, *_args) -> None:
        self.auto = False

    def restoreState(self, state) -> bool:  # noqa: N802 (Qt's name)
        ok = super().restoreState(state)
        self.auto = self.auto and not ok
        return ok

    def refit(self) -> None:
        want = getattr(self.widget(1), "wanted_height", None)
        total = self.height() - self.handleWidth()
        if not self.auto or want is None or total <= 0:
            return
        results = min(want(), total - CANVAS_MIN)
        spare = total - CANVAS_GOOD - results  # a tall window: past a good canvas, both grow
        if spare > 0:
            results += spare // 2
        self.setSizes([total - results, results])

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.refit()


def central_splitter(top: QWidget, bottom: QWidget) -> QSplitter:
    """The canvas over the results; dragging the handle never hides either."""
    return CentralSplitter(top, bottom)


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


class WhenDrawn(QObject):
    """Calls ``fn`` when the event loop is first idle after ``widget`` has been painted (or
    first idle, if the widget is not shown then), and at the latest after ``latest_ms`` (a
    window started minimized paints nothing)."""

    def __init__(self, widget: QWidget, fn, latest_ms: int = 3000):
        super().__init__(widget)  # deleted with the widget: never called after it
        self._widget, self._fn, self._painted = widget, fn, False
        widget.installEventFilter(self)
        QAbstractEventDispatcher.instance().aboutToBlock.connect(self._idle)
        QTimer.singleShot(latest_ms, self, self._fire)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Paint:
            self._painted = True
        return False

    def _idle(self) -> None:
        if self._painted or not self._widget.isVisible():
            self._fire()

    def _fire(self) -> None:
        if self._fn is None:
            return
        QAbstractEventDispatcher.instance().aboutToBlock.disconnect(self._idle)
        self._widget.removeEventFilter(self)
        fn, self._fn = self._fn, None
        self.deleteLater()
        fn()


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

    def _update_status(self, check_project: bool = False) -> None:
        """The status bar's project, background and methods; says so when the project is
        missing (as the last check found it; ``check_project``: check again, on a worker)."""
        from ecolca.brightway.project import project_name

        if check_project:
            self._check_project()
        sc = self.doc.scenario
        name = project_name(self.project)
        if getattr(self, "_project_missing", False):
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

    # ---- the project check, on a worker thread (bw2data takes 1–2 s to load) ------------------
    def _check_project_when_idle(self, offer_setup: bool = False) -> None:
        """:meth:`_check_project` once the park is drawn and the event loop idle: its worker's
        imports would otherwise compete with the first paint."""
        WhenDrawn(self.view.viewport(), lambda: self._check_project(offer_setup=offer_setup))

    def _check_project(self, offer_setup: bool = False) -> None:
        """Ask on a worker thread whether the Brightway project exists (with ``offer_setup``:
        whether it is ready, else offer to set it up); the status bar says what was found. The
        first check is followed by loading what a run needs, on a worker too."""
        from ecolca.app.worker import project_check_job

        if getattr(self, "_project_job", None) is not None:  # asked again: once this one ends
            self._project_again = bool(getattr(self, "_project_again", None)) or offer_setup
            return
        job = project_check_job(self.project, readiness=offer_setup)
        self._project_job, self._project_again = job, None
        job.succeeded.connect(self._project_found)
        job.done.connect(self._project_check_done)
        job.start()

    def _project_found(self, found: tuple) -> None:
        exists, ready = found
        self._project_missing = not exists
        self._update_status()
        if ready is False:
            self._offer_setup()

    def _project_check_done(self) -> None:
        from ecolca.app.worker import warm_up_job

        job, self._project_job = self._project_job, None
        if job is not None:
            job.wait(5000)
        again, self._project_again = self._project_again, None
        if again is not None:
            self._check_project(offer_setup=again)
        elif getattr(self, "_warm_job", None) is None:
            self._warm_job = warm_up_job()
            if self._warm_job is not None:
                self._warm_job.start()

    def _wait_for_project_jobs(self) -> None:
        """Before the window closes: no worker thread of its own may outlive it."""
        for name in ("_project_job", "_warm_job"):
            job = getattr(self, name, None)
            if job is not None:
                job.cancel()
                job.wait(10000)
