"""Starting the desktop app: ``ecolca``, ``ecolca open FILE``, ``make run``."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(path: str | None = None, project: str | None = None, argv: list[str] | None = None) -> int:
    from ecolca.brightway import bwcompat

    bwcompat.configure()  # before anything imports bw2data (`import ecolca` sets nothing up)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from ecolca.app.mainwindow import MainWindow
    from ecolca.core.resources import ui_dir

    QCoreApplication.setOrganizationName("ecolca")
    QCoreApplication.setApplicationName("ecolca")
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    qss = ui_dir() / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    win = MainWindow(project=project)
    win.show()
    if win.offer_recovery() and path:  # restored work is in this window: the file in another
        win = win._new_window(len(win.recovered_windows))
    if path:
        p = Path(path)
        if p.exists():
            win.open_path(p)
        else:
            from ecolca.core import examples

            if path in examples.available():
                win.open_path(examples.path(path), as_new=True)
            else:
                win.error(f"Cannot open {path}: no such file or bundled example")
    return app.exec()
