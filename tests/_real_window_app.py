"""`python -m ecolca ARGS` with a read-only state probe, for tests/test_real_window.py.

The app runs exactly as `python -m ecolca open FILE` does (same entry point, a real window on an X
server); the only addition is a timer that, when the test writes ``N.req`` into the folder named
by ``ECOLCA_PROBE_DIR``, writes ``N.json``: where on the screen the things a test clicks are
(cells, arrows and their labels, sites, the status bar) and what the window shows (scenario,
selection, status message, problems, suggestions). The probe only reads; every change comes from
the test's key presses and clicks (xdotool). It lives here, not in the app: nothing ships.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

PROBE = Path(os.environ["ECOLCA_PROBE_DIR"])
WINDOWS: list = []


def _rect(widget) -> list[int]:
    """``widget``'s rectangle in screen coordinates: [x, y, width, height]."""
    p = widget.mapToGlobal(widget.rect().topLeft())
    return [p.x(), p.y(), widget.width(), widget.height()]


def _local_rect(widget, rect) -> list[int]:
    p = widget.mapToGlobal(rect.topLeft())
    return [p.x(), p.y(), rect.width(), rect.height()]


def _viewport_point(view, scene_point) -> list[int]:
    """A point of the scene on the screen, as a 1×1 rectangle."""
    p = view.viewport().mapToGlobal(view.mapFromScene(scene_point))
    return [p.x(), p.y(), 1, 1]


def _viewport_rect(view, rect) -> list[int]:
    p = view.viewport().mapToGlobal(rect.topLeft())
    return [p.x(), p.y(), rect.width(), rect.height()]


def state(w) -> dict:
    from PySide6.QtWidgets import QApplication

    from ecolca.core import scenario_file

    sc = w.doc.scenario
    focus = QApplication.focusWidget()
    out = {"title": w.windowTitle(), "window": _rect(w),
           "focus": type(focus).__name__ if focus else None,
           "scenario": scenario_file.to_dict(sc),
           "selected_sites": w.scene.selected_site_ids(),
           "selected_exchanges": w.scene.selected_exchange_ids()}
    sb = w.statusBar()
    shown = sb.shown_message() if hasattr(sb, "shown_message") else sb.currentMessage()
    visible = [x for x in (w.progress, w.cancel_button, w.project_label) if x.isVisible()]
    out["status"] = {"message": sb.currentMessage(), "bar": _rect(sb), "shown": shown,
                     "shown_width": sb.fontMetrics().horizontalAdvance(shown),
                     "room": (min(x.x() for x in visible) if visible else sb.width()) - 6,
                     "tip": sb.toolTip(),
                     "permanent": [_rect(x) for x in (w.progress, w.cancel_button, w.project_label)
                                   if x.isVisible()],
                     "widgets": [{"rect": _rect(x), "text": x.text(), "tip": x.toolTip()}
                                 for x in sb.findChildren(type(w.project_label))
                                 if x.isVisible()]}
    t = w.properties.site_panel.flows
    out["flows"] = {"visible": t.isVisible(), "site": w.properties.site_panel.site_id,
                    "current": [t.currentRow(), t.currentColumn()],
                    "editing": t.state() == t.State.EditingState,
                    "cells": [[_viewport_rect(t, t.visualRect(t.model().index(r, c)))
                               for c in range(t.columnCount())] for r in range(t.rowCount())]}
    view = w.view

    def scene_rect(item_rect):
        poly = view.mapFromScene(item_rect)
        return _viewport_rect(view, poly.boundingRect())

    out["canvas"] = {"view": _rect(view.viewport()),
                     "sites": {sid: scene_rect(i.sceneBoundingRect())
                               for sid, i in w.scene.sites.items()},
                     "labels": {eid: scene_rect(i.label.sceneBoundingRect())
                                for eid, i in w.scene.exchanges.items()},
                     "arrows": {eid: _viewport_point(view, i.mapToScene(
                         i.path().pointAtPercent(0.5))) for eid, i in w.scene.exchanges.items()}}
    out["problems"] = [[w.problems.tree.topLevelItem(i).text(c) for c in range(3)]
                       + [w.problems.tree.topLevelItem(i).toolTip(0),
                          w.problems.tree.topLevelItem(i).toolTip(2)]
                       for i in range(w.problems.tree.topLevelItemCount())]
    sp = w.suggestions
    out["suggestions"] = None if sp is None else {
        "visible": sp.isVisible(), "rows": [sp.tree.topLevelItem(i).text(1)
                                            for i in range(sp.tree.topLevelItemCount())],
        "status": sp.status.text(), "details": sp.details.toPlainText(),
        "running": w.job is not None}
    sp_ = w.properties.site_panel
    out["widgets"] = {name: _rect(x) for name, x in (("add_flow", sp_.add_flow),
                                                     ("remove_flow", sp_.remove_flow))
                      if x.isVisible()}
    popup = QApplication.activePopupWidget()
    popup = QApplication.activePopupWidget()  # an open menu: where its entries are
    out["popup"] = None if popup is None or not hasattr(popup, "actionGeometry") else {
        a.text(): _local_rect(popup, popup.actionGeometry(a)) for a in popup.actions() if a.text()}
    out["results"] = w.results is not None
    out["summary"] = w.results_view.summary_info.text()
    t = w.results_view.sens_table
    out["sensitivity"] = [[t.model().index(r, 0).data(), t.model().index(r, 0).data(3)]
                          for r in range(t.rowCount())]  # (text, tooltip) of each parameter
    out["modal"] = type(QApplication.activeModalWidget()).__name__ \
        if QApplication.activeModalWidget() else None
    return out


def _poll() -> None:
    for req in sorted(PROBE.glob("*.req")):
        try:
            data = state(WINDOWS[-1]) if WINDOWS else {"window": None}
        except Exception as exc:  # noqa: BLE001 (said to the test, which fails with it)
            import traceback

            data = {"error": f"{exc!r}", "traceback": traceback.format_exc()}
        tmp = req.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
        tmp.replace(req.with_suffix(".json"))
        req.unlink()


def main() -> int:
    from PySide6.QtCore import QTimer

    import ecolca.app.mainwindow as mw

    init = mw.MainWindow.__init__

    def probed_init(self, *a, **k):
        init(self, *a, **k)
        WINDOWS.append(self)
        if len(WINDOWS) == 1:
            timer = QTimer(self)
            timer.setInterval(50)
            timer.timeout.connect(_poll)
            timer.start()

    mw.MainWindow.__init__ = probed_init
    from ecolca.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
