"""Render the main window with an example loaded and its results shown, to a PNG:

    python -m ecolca.app.screenshot docs/screenshot.png [--example gypsum-ash] [--size 1280x800]
        [--screen 1366x768] [--select ID] [--tab Uncertainty] [--monte-carlo 500]

Works without a display (Qt's offscreen platform). Sets up the Brightway project if needed.
``--monte-carlo N`` runs N paired Monte Carlo iterations (and opens the Uncertainty tab unless
``--tab`` says otherwise); ``--tab`` shows a results tab (Summary, Exchanges, Sites, …);
``--screen WxH``: the window maximised on a screen of that size (its height less
:data:`TASKBAR` for a taskbar and title bar), as docs/laptop-*.png.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


TASKBAR = 40  # px of a laptop's screen height a maximised window leaves to taskbar and title


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ecolca.app.screenshot")
    p.add_argument("output", nargs="?", default="docs/screenshot.png")
    p.add_argument("--example", default="gypsum-ash")
    p.add_argument("--size", default="1280x800")
    p.add_argument("--screen", metavar="WxH",
                   help=f"a maximised window on a screen of this size (height less {TASKBAR} px)")
    p.add_argument("--project")
    p.add_argument("--select", help="site or exchange id to select (shows its properties)")
    p.add_argument("--tab", help="results tab to show (Summary, Exchanges, Sites, Economics, "
                                 "Inventory, Uncertainty)")
    p.add_argument("--monte-carlo", type=int, default=None, metavar="N",
                   help="run N paired Monte Carlo iterations (shows the Uncertainty tab)")
    a = p.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    w_px, h_px = (int(x) for x in (a.screen or a.size).lower().split("x"))
    if a.screen:
        h_px -= TASKBAR

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from ecolca.core import examples
    from ecolca.importers.setup import setup
    from ecolca.core.resources import ui_dir

    from ecolca.app.mainwindow import MainWindow

    setup(a.project)
    QCoreApplication.setOrganizationName("ecolca")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setStyleSheet((ui_dir() / "style.qss").read_text(encoding="utf-8"))
    import tempfile

    settings = QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.IniFormat)
    win = MainWindow(project=a.project, settings=settings, ask_setup=False)
    win.resize(w_px, h_px)
    win.show()
    win.open_path(examples.path(a.example), as_new=True)
    if a.monte_carlo is not None:
        n = a.monte_carlo
        win.doc.edit("Monte Carlo", lambda sc: setattr(sc, "monte_carlo_iterations", n))
    win.run_comparison()
    t0 = time.time()
    while win.job is not None and time.time() - t0 < 600:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()
    if win.results is None:
        print("the comparison did not finish:", getattr(win, "_last_error", None), file=sys.stderr)
        return 1
    win.view.fit()
    if a.select:
        if a.select in win.scene.sites:
            win.scene.select_only(site_id=a.select)
        else:
            win.scene.select_only(exchange_id=a.select)
    tab = a.tab or ("Uncertainty" if a.monte_carlo else None)
    if tab:
        win.results_view.show_tab(tab)
    for _ in range(5):
        app.processEvents()
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    ok = win.grab().save(a.output)
    print(f"{'wrote' if ok else 'FAILED to write'} {a.output} ({win.width()}x{win.height()})")
    win.doc.undo_stack.setClean()
    win.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
