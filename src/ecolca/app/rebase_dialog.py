"""File ▸ Rebase onto another background…: choose a mapping table, see what moves and what stays,
save the rebased scenario as a new file (the current one is never changed) and open it.

The work is :func:`ecolca.park.rebase.rebase`, the same as ``ecolca rebase``; it reads a few
activities from the project, so it runs in the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from ecolca.core import scenario_file
from ecolca.core.errors import EcolcaError, ScenarioError
from ecolca.core.labels import exchange_labels, item_name
from ecolca.core.model import Scenario

COLUMNS = ("Where", "Field", "From", "To", "Match", "Conversion or note")


class RebaseDialog(QDialog):
    """Preview of a rebase; ``result`` holds the last successful one (or None)."""

    def __init__(self, scenario: Scenario, project: str | None = None,
                 source: Path | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Rebase onto another background")
        self.scenario, self.project, self.source = scenario, project, source
        self.result = None
        self.saved: Path | None = None
        lay = QVBoxLayout(self)
        intro = QLabel("A mapping table moves the scenario's background activities (supplies, "
                       "fates, transport modes, processing) to another database. Amounts stay "
                       "as they are; references without a row stay where they are and are "
                       "listed in the new scenario's assumptions. See docs/rebase.md.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        row = QHBoxLayout()
        row.addWidget(QLabel("Mapping table:"))
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("from_database, from_code, to_database, to_code, match, "
                                          "unit_factor, note (.csv)")
        self.path_edit.editingFinished.connect(self.preview)
        row.addWidget(self.path_edit, 1)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row.addWidget(browse)
        lay.addLayout(row)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.Interactive)
        hh.setStretchLastSection(True)
        lay.addWidget(self.table, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.save_button = self.buttons.addButton("Save rebased scenario as…",
                                                  QDialogButtonBox.AcceptRole)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save_as)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(1100, 560)
        from ecolca.park.rebase import shipped_mappings

        shipped = [p for p in shipped_mappings()
                   if p.name.startswith(f"{scenario.background_database}--")]
        if shipped:
            self.path_edit.setText(str(shipped[0]))
            self.preview()

    def browse(self) -> None:
        start = self.path_edit.text() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Mapping table", start,
                                              "Mapping tables (*.csv);;All files (*)")
        if path:
            self.path_edit.setText(path)
            self.preview()

    def _show_problems(self, title: str, problems) -> None:
        shown = [str(p) for p in problems[:12]]
        more = len(problems) - len(shown)
        self.summary.setText(f"<b style='color:#b00020'>{title}</b><br>"
                             + "<br>".join(_esc(s) for s in shown)
                             + (f"<br>… and {more} more" if more > 0 else ""))

    def preview(self) -> None:
        from ecolca.brightway.project import activate
        from ecolca.park.rebase import read_mapping, rebase

        self.result = None
        self.save_button.setEnabled(False)
        self.table.setRowCount(0)
        text = self.path_edit.text().strip()
        if not text:
            self.summary.setText("Choose a mapping table.")
            return
        try:
            mapping = read_mapping(text)
            activate(self.project)
            res = rebase(self.scenario, mapping)
        except ScenarioError as exc:
            self._show_problems(f"{len(exc.problems)} problem(s); nothing can be saved:",
                                exc.problems)
            return
        except EcolcaError as exc:
            self._show_problems("Cannot rebase:", [exc])
            return
        self.result = res
        labels = exchange_labels(self.scenario)  # an exchange by its name, not its id
        rows = [(item_name(m.use.item, labels), m.use.field, f"{m.from_name} ({m.from_unit}) — {m.use.ref}",
                 f"{m.to_name} ({m.to_unit}) — {m.row.to_database}:{m.row.to_code}",
                 m.row.match, f"× {m.factor:.6g} {m.to_unit} per {m.use.amount_unit}"
                 + (f"; {m.row.note}" if m.row.note else ""), "moved")
                for m in res.moved]
        rows += [(item_name(s.use.item, labels), s.use.field, f"{s.name} — {s.use.ref}",
                  f"stays on {s.use.ref.database}", "none" if s.row else "no row",
                  s.row.note if s.row else "", "stays") for s in res.stayed]
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, value in enumerate(r[:len(COLUMNS)]):
                it = QTableWidgetItem(value)
                it.setToolTip(value)
                if r[-1] == "stays":
                    it.setForeground(Qt.darkRed)
                self.table.setItem(i, j, it)
        for j, w in enumerate((250, 115, 240, 260, 55)):
            self.table.setColumnWidth(j, w)
        moved = len({m.use.ref.key for m in res.moved})
        stayed = len({s.use.ref.key for s in res.stayed})
        warn = "".join(f"<br><span style='color:#8a5a00'>warning: {_esc(str(w))}</span>"
                       for w in res.warnings)
        if not res.moved:
            self.summary.setText("This table moves none of the scenario's references." + warn)
            return
        self.summary.setText(
            f"<b>{moved}</b> activit{'y' if moved == 1 else 'ies'} move onto "
            f"<b>{_esc(res.target)}</b> ({len(res.moved)} references); <b>{stayed}</b> stay where "
            f"they are ({len(res.stayed)} references, in red) and are recorded in the new "
            f"scenario's assumptions. New name: {_esc(res.scenario.name)}." + warn)
        self.save_button.setEnabled(True)

    def save_as(self) -> None:
        from ecolca.lca import check_against_project
        from ecolca.park.rebase import check_output_path
        from ecolca.core.validation import validate

        if self.result is None:
            return
        new = self.result.scenario
        problems = [p for p in validate(new) if p.severity == "error"]
        if not problems:
            problems = [p for p in check_against_project(new) if p.severity == "error"]
        if problems:
            self._show_problems("The rebased scenario does not validate; nothing saved:",
                                problems)
            return
        folder = self.source.parent if self.source else Path.home()
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in new.id)
        path, _ = QFileDialog.getSaveFileName(self, "Save rebased scenario",
                                              str(folder / (stem + scenario_file.SUFFIX)),
                                              "ecolca scenarios (*.ecolca.json)")
        if not path:
            return
        if not path.endswith(".json"):
            path += scenario_file.SUFFIX
        try:  # the file dialog has asked about overwriting; the input file is never allowed
            dest = check_output_path(path, self.source, force=True)
            scenario_file.save(new, dest)
        except (EcolcaError, OSError) as exc:
            QMessageBox.warning(self, "Cannot save", str(exc))
            return
        self.saved = dest
        self.accept()


def _esc(text: str) -> str:
    from html import escape

    return escape(text)


def run_rebase_dialog(window) -> Path | None:
    """Show the dialog for ``window``'s scenario; open the saved file in ``window``."""
    dlg = RebaseDialog(window.doc.scenario, getattr(window, "project", None), window.doc.path,
                       window)
    if dlg.exec() != QDialog.Accepted or dlg.saved is None:
        return None
    window.open_path(dlg.saved, check_unsaved=True)
    return dlg.saved
