"""The cold-start probe: ``ECOLCA_STARTUP_PROBE=FILE ecolca open PARK`` (benchmarks/cold_start.py).

Off unless that variable is set (then :func:`ecolca.app.main.run_app` calls :func:`install`).
It waits for the first paint of the watched widget (the park's canvas) with the park drawn, then
for the event loop's first idle moment after it (``QAbstractEventDispatcher.aboutToBlock``: no
event left to process, the window responds). It records that moment (``time.monotonic()``, one
clock for every process on Linux, so the benchmark compares it with its own clock at the fork),
the CPU time the process has used until then and its RSS then; a 5 ms heartbeat timer on the GUI thread measures the longest stall
during the ``ECOLCA_STARTUP_PROBE_SECONDS`` (default 3) after the first paint; a ``sys.meta_path``
finder notes which thread first imported each heavy package. Then it writes FILE (JSON) and quits.

It imports nothing of ecolca, so the benchmark's bare PySide6 window loads the same file by path.
"""

from __future__ import annotations

import json
import os
import threading
import time

HEAVY = ("bw2data", "bw2calc", "bw2io", "matplotlib", "pandas", "scipy", "numpy", "openpyxl")
BEAT_MS = 5


class _ImportWatch:
    """A finder that finds nothing: it notes the thread that first asks for each HEAVY package."""

    def __init__(self):
        self.seen: dict[str, dict] = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname in HEAVY and fullname not in self.seen:
            t = threading.current_thread()
            self.seen[fullname] = {"gui_thread": t is threading.main_thread(), "thread": t.name,
                                   "t": time.monotonic()}
        return None


def watch_imports() -> _ImportWatch:
    import sys

    w = _ImportWatch()
    for name in HEAVY:  # imported before the probe: by the main thread, nothing else ran yet
        if name in sys.modules:
            w.seen[name] = {"gui_thread": True, "thread": "before the probe", "t": None}
    sys.meta_path.insert(0, w)
    return w


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _peak_rss_bytes() -> int | None:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    except (ImportError, OSError):
        return None


def install(app, widget, path: str, drawn=lambda: True, imports: _ImportWatch | None = None,
            seconds: float | None = None) -> None:
    """Measure ``app`` until ``seconds`` after the first paint of ``widget`` (its viewport, if it
    has one) for which ``drawn()`` is true; write ``path`` and quit ``app``."""
    from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject, Qt, QTimer

    if seconds is None:
        seconds = float(os.environ.get("ECOLCA_STARTUP_PROBE_SECONDS", "3"))
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    rec: dict = {"t_painted": None, "t_idle": None, "rss_idle": None, "max_stall_ms": 0.0,
                 "beats": 0}
    last = [0.0]

    def beat() -> None:
        now = time.monotonic()
        rec["max_stall_ms"] = max(rec["max_stall_ms"], (now - last[0]) * 1000 - BEAT_MS)
        rec["beats"] += 1
        last[0] = now

    def idle() -> None:
        if rec["t_painted"] is not None and rec["t_idle"] is None:
            rec["t_idle"] = time.monotonic()
            rec["cpu_idle"] = time.process_time()  # CPU of the process so far (all threads)
            rec["rss_idle"] = _rss_bytes()

    def finish() -> None:
        rec["peak_rss"] = _peak_rss_bytes()
        rec["imports"] = dict(imports.seen) if imports is not None else None
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(rec, fh)
        os.replace(tmp, path)
        app.quit()

    heart = QTimer(app)
    heart.setTimerType(Qt.PreciseTimer)
    heart.setInterval(BEAT_MS)
    heart.timeout.connect(beat)

    class _Painted(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Paint and rec["t_painted"] is None and drawn():
                rec["t_painted"] = last[0] = time.monotonic()
                heart.start()
                QTimer.singleShot(int(seconds * 1000), app, finish)
            return False

    app._startup_probe = _Painted(app)  # kept alive with the app
    target.installEventFilter(app._startup_probe)
    QAbstractEventDispatcher.instance().aboutToBlock.connect(idle)
