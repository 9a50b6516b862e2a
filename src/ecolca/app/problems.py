"""The problems panel: every validation message, refreshed as the user edits (debounced);
clicking one selects the site or exchange (and flow) it names."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QHeaderView, QLabel, QStyle, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from ecolca.errors import Problem
from ecolca.validation import validate


class ProblemsPanel(QWidget):
    activated = Signal(tuple)  # the problem's path

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel()
        lay.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Item", "Field", "Problem"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.Interactive)
        self.tree.header().setSectionResizeMode(2, QHeaderView.Stretch)
        self.tree.setColumnWidth(0, 220)
        self.tree.setColumnWidth(1, 110)
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

    def schedule(self, scenario) -> None:
        """Re-validate ``scenario`` shortly (typing does not revalidate on every key)."""
        self._scenario = scenario
        self._timer.start()

    def set_extra(self, problems: list[Problem]) -> None:
        """Problems only a run can find (missing background activities, methods)."""
        self._extra = list(problems)
        self._revalidate()

    def validate_now(self, scenario) -> None:
        self._scenario = scenario
        self._timer.stop()
        self._revalidate()

    def _revalidate(self) -> None:
        if self._scenario is None:
            return
        self.problems = validate(self._scenario) + self._extra
        self.tree.clear()
        err_icon = self.style().standardIcon(QStyle.SP_MessageBoxCritical)
        warn_icon = self.style().standardIcon(QStyle.SP_MessageBoxWarning)
        for p in self.problems:
            item = QTreeWidgetItem([p.item, p.field, p.message])
            item.setIcon(0, err_icon if p.severity == "error" else warn_icon)
            item.setData(0, Qt.UserRole, p.path)
            item.setToolTip(2, str(p))
            self.tree.addTopLevelItem(item)
        n_err = sum(p.severity == "error" for p in self.problems)
        n_warn = len(self.problems) - n_err
        self.summary.setText("No problems." if not self.problems else
                             f"{n_err} error(s), {n_warn} warning(s). Click one to go to it.")

    @property
    def error_count(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    def _clicked(self, item: QTreeWidgetItem, _col: int = 0) -> None:
        self.activated.emit(tuple(item.data(0, Qt.UserRole) or ()))
