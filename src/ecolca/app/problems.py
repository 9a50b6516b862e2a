"""The problems panel: every validation message, refreshed as the user edits (debounced);
clicking one selects the site or exchange (and flow) it names. Long messages wrap over as many
lines as they need (never cut), and every cell has its whole text as tooltip."""

from __future__ import annotations

import threading

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QHeaderView, QLabel, QStyle, QStyledItemDelegate,
                               QStyleOptionViewItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from ecolca.core.errors import Problem
from ecolca.core.validation import validate

# a scenario with more sites and exchanges than this is validated on a worker thread (a 1,000-site
# park: 0.1–0.4 s, a pause of the window after every edit); its problems are shown when they
# arrive, unless the scenario was edited meanwhile (then the next validation shows them)
VALIDATE_ON_WORKER = 300


def _large(scenario) -> bool:
    return len(scenario.sites) + len(scenario.exchanges) > VALIDATE_ON_WORKER


class _WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the column's current width (QTreeView alone
    measures one line and cuts the rest)."""

    def __init__(self, tree: QTreeWidget):
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        base = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = self.tree.header().sectionSize(index.column()) - 10
        if index.column() == 0:
            width -= opt.decorationSize.width() + 6  # the icon
        rect = opt.fontMetrics.boundingRect(QRect(0, 0, max(width, 20), 100_000),
                                            int(Qt.TextWordWrap), opt.text)
        return QSize(base.width(), max(base.height(), rect.height() + 6))


class ProblemsPanel(QWidget):
    activated = Signal(tuple)  # the problem's path
    validated = Signal(int)  # after every validation: the number of errors
    _found = Signal(int, object)  # (request number, problems): a worker's validation

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Item", "Field", "Problem"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.ElideNone)
        self.tree.setItemDelegate(_WrapDelegate(self.tree))
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Interactive)
        header.setSectionResizeMode(1, QHeaderView.Interactive)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        self.tree.setColumnWidth(0, 180)
        self.tree.setColumnWidth(1, 80)
        # rows re-measure their wrapped height when a column or the panel changes width
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        lay.addWidget(self.tree)
        self.problems: list[Problem] = []
        self._scenario = None
        self._extra: list[Problem] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._revalidate)
        self._asked = 0  # validations asked (schedule, validate_now): a worker's older answer
        self._worker: threading.Thread | None = None  # is dropped
        self._found.connect(self._worker_found)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        # the item column takes a third of the width, the problem the rest
        width = self.tree.viewport().width()
        self.tree.setColumnWidth(0, max(120, int(width * 0.34)))
        self.tree.setColumnWidth(1, max(60, min(110, int(width * 0.16))))

    def schedule(self, scenario) -> None:
        """Re-validate ``scenario`` shortly (typing does not revalidate on every key); a large
        one on a worker thread (:data:`VALIDATE_ON_WORKER`)."""
        self._scenario = scenario
        self._asked += 1
        self._timer.start()

    def set_extra(self, problems: list[Problem]) -> None:
        """Problems only a run can find (missing background activities, methods)."""
        if not problems and not self._extra:
            return  # nothing changes (a validation of a 1,000-site park: about a second)
        self._extra = list(problems)
        self._revalidate()

    def pending(self) -> bool:
        """Whether an edit waits to be validated (:meth:`schedule`), here or on a worker."""
        return self._timer.isActive() or self.validating()

    def validating(self) -> bool:
        """Whether a worker validates the scenario now."""
        return self._worker is not None and self._worker.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Until the worker's validation (if any) is done (its problems arrive by the event
        loop)."""
        if self._worker is not None:
            self._worker.join(timeout)

    def _start_worker(self) -> None:
        """Validate the scenario on a worker thread; its problems arrive by :attr:`_found`. The
        GUI thread may edit the scenario meanwhile: an answer that failed, or that arrives
        after another validation was asked, is dropped (that one shows its own)."""
        asked, sc = self._asked, self._scenario

        def run():
            try:
                found = validate(sc)
            except Exception:  # noqa: BLE001 (edited while it read it: the next one decides)
                return
            try:
                self._found.emit(asked, found)
            except RuntimeError:  # the panel was deleted meanwhile (its window closed)
                pass

        self._worker = threading.Thread(target=run, name="ecolca-validate", daemon=True)
        self._worker.start()

    def _worker_found(self, asked: int, found: list) -> None:
        if asked == self._asked:
            self._revalidate(found)

    def validate_now(self, scenario, problems: list[Problem] | None = None) -> None:
        """Validate ``scenario`` now; ``problems``: its validation, done already (on a
        worker thread)."""
        self._scenario = scenario
        self._asked += 1
        self._timer.stop()
        self._revalidate(problems)

    def _item_text(self, p: Problem) -> str:
        """An exchange named by what it moves and where ("fly ash → Cement plant"), never its
        id (an id the app made, "ex-39f48f9a", means nothing to a person)."""
        sc = self._scenario
        if sc is None:
            return p.item
        from ecolca.app.labels import exchange_label, exchange_labels, item_name

        path = p.path or ()
        if (len(path) >= 2 and path[0] == "exchanges"
                and isinstance(path[1], int) and path[1] < len(sc.exchanges)):
            return f"exchange {exchange_label(sc, sc.exchanges[path[1]].id)}"
        return item_name(p.item, exchange_labels(sc))  # a run's problem: no path

    def _revalidate(self, found: list[Problem] | None = None) -> None:
        if self._scenario is None:
            return
        if found is None and self.sender() is self._timer and _large(self._scenario):
            self._start_worker()  # (validate_now validates here: its caller needs them now)
            return
        self.problems = (validate(self._scenario) if found is None else list(found)) + self._extra
        self.tree.clear()
        err_icon = self.style().standardIcon(QStyle.SP_MessageBoxCritical)
        warn_icon = self.style().standardIcon(QStyle.SP_MessageBoxWarning)
        from ecolca.app.labels import field_name

        for p in self.problems:
            what, field = self._item_text(p), field_name(p.field)
            item = QTreeWidgetItem([what, field, p.message])
            item.setIcon(0, err_icon if p.severity == "error" else warn_icon)
            item.setData(0, Qt.UserRole, p.path)
            item.setToolTip(0, what)
            item.setToolTip(1, field)
            item.setToolTip(2, f"{what}, {field}: {p.message}" if field else
                            f"{what}: {p.message}")
            self.tree.addTopLevelItem(item)
        n_err = sum(p.severity == "error" for p in self.problems)
        n_warn = len(self.problems) - n_err
        self.summary.setText("No problems." if not self.problems else
                             f"{n_err} error(s), {n_warn} warning(s). Click one to go to it.")
        self.validated.emit(n_err)

    @property
    def error_count(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    def _clicked(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        self.activated.emit(tuple(item.data(0, Qt.UserRole) or ()))
