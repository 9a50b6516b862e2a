"""Error and About boxes of the main window (a mixin of
:class:`~ecolca.app.mainwindow.MainWindow`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ecolca import __version__


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


class WindowMessages:
    """Messages of :class:`~ecolca.app.mainwindow.MainWindow` (a mixin of the window)."""

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
