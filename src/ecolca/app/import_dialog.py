"""File ▸ Import background database…: format, path and name; the import runs in the worker
:class:`~ecolca.app.worker.Job` (progress bar and Cancel of the main window) and ends with the
summary. The import itself is :func:`ecolca.importers.import_database` (no Qt)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout, QWidget,
)

from ecolca.importers import FORMATS, default_name

# formats read from a folder (a zip file is offered too for JSON-LD)
_FOLDER_FORMATS = {"ecospold2"}
_FILTERS = {"olca-jsonld": "openLCA JSON-LD (*.zip)", "excel": "Excel workbook (*.xlsx)",
            "simapro-csv": "SimaPro CSV (*.csv *.txt)", "ecospold2": "ecospold2 (*.spold)"}


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, existing: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import background database")
        self.existing = set(existing or [])
        self.format = QComboBox()
        for key, text in FORMATS.items():
            self.format.addItem(text, key)
        self.path = QLineEdit()
        self.path.setPlaceholderText("file or folder to import")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.name = QLineEdit()
        self.name.setPlaceholderText("database name in the project")
        self.replace = QCheckBox("Replace a database of the same name")
        self.allow = QCheckBox("Import even with unlinked exchanges (they are left out, score 0)")
        self.note = QLabel()
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Path", row)
        form.addRow("Name", self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.replace)
        lay.addWidget(self.allow)
        lay.addWidget(self.note)
        lay.addWidget(self.buttons)
        self.path.textChanged.connect(self._update)
        self.name.textChanged.connect(self._update)
        self.replace.toggled.connect(self._update)
        self.resize(560, self.sizeHint().height())
        self._update()

    def fmt(self) -> str:
        return self.format.currentData()

    def browse(self) -> None:
        fmt = self.fmt()
        if fmt in _FOLDER_FORMATS:
            path = QFileDialog.getExistingDirectory(self, "Folder of .spold files")
        else:
            path, _ = QFileDialog.getOpenFileName(self, "File to import", "", _FILTERS[fmt])
        if path:
            self.path.setText(path)

    def _update(self) -> None:
        path = self.path.text().strip()
        if path and not self.name.isModified():
            self.name.setText(default_name(self.fmt(), path))
        name = self.name.text().strip()
        problem = ""
        if not path:
            problem = "Choose the file or folder to import."
        elif not Path(path).exists():
            problem = f"'{path}' does not exist."
        elif not name:
            problem = "Give the database a name."
        elif name in self.existing and not self.replace.isChecked():
            problem = f"Database '{name}' exists: choose another name or tick Replace."
        self.note.setText(problem or "Runs in the background; the progress bar has Cancel (Esc), "
                          "and nothing is written until the import is complete.")
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(not problem)

    def values(self) -> dict:
        return {"fmt": self.fmt(), "path": self.path.text().strip(),
                "name": self.name.text().strip(), "replace": self.replace.isChecked(),
                "allow_unlinked": self.allow.isChecked()}


CLI_HINT = " List them with --unlinked FILE"


def gui_message(message: str) -> str:
    """A refusal as the app says it: the command line's flags become the dialog's check box."""
    head = message.split(CLI_HINT, 1)[0].rstrip()
    return (head + " To import anyway, tick 'Import even with unlinked exchanges' in File ▸ "
            "Import (unlinked exchanges are left out and score 0).")


def import_job(values: dict, project: str | None):
    from ecolca.app.worker import Job
    from ecolca.importers import UnlinkedError, import_database

    def run(progress, cancelled):
        try:
            return import_database(
                values["fmt"], values["path"], values["name"], project=project,
                allow_unlinked=values["allow_unlinked"], replace=values["replace"],
                progress=progress, cancelled=cancelled)
        except UnlinkedError as exc:
            raise UnlinkedError(gui_message(str(exc)), exc.summary) from None

    return Job(run)


def start_import(window) -> None:
    """Ask, then run the import in the main window's job machinery (progress bar, Cancel)."""
    from ecolca.core.errors import EcolcaError
    from ecolca.brightway.project import activate

    if window.job is not None:
        return
    try:
        activate(window.project)
        import bw2data as bd

        existing = list(bd.databases)
    except EcolcaError as exc:
        window.error(str(exc))
        return
    dlg = ImportDialog(window, existing)
    if not dlg.exec():
        return
    values = dlg.values()

    def done(summary) -> None:
        window.catalog.invalidate()
        QMessageBox.information(window, "Import finished", "\n".join(summary.lines()))

    window._start(import_job(values, window.project), done, "The import")
