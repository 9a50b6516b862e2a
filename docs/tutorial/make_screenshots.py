"""The screenshots of docs/tutorial.md, made by driving the app through the steps of the tutorial.

    python docs/tutorial/make_screenshots.py [OUTPUT_DIR] [--project NAME] [--size 1280x800]
        [--until STEP]

(``make tutorial-shots`` runs it into docs/tutorial/.) Without a display it uses Qt's offscreen
platform. It sets up the Brightway project if needed, opens a main window, and builds the
tutorial's three-site park the way a reader does, through the app's own commands: File ▸ New,
the scenario panel's fields, Edit ▸ Add site (or a double-click on the canvas), the Add flow
menu of the flows table and its cells, the activity picker (searched by the words the tutorial
gives), a drag from one site to another (the New exchange dialog), Run ▸ Run comparison, an
edit of q in the exchange form, Run ▸ Suggest exchanges… and its Accept button, Monte Carlo
iterations in the scenario panel, File ▸ Export Excel report…. No scenario is written by hand.

Modal dialogs cannot wait for a person here: the two the tutorial shows (the activity picker,
the New exchange dialog) are filled in as a reader would (search words typed, first row chosen;
the dialog's proposed q and r kept), drawn over the window into the step's picture, then
accepted. Any other message box stops the script with its text (a step that fails in the app
fails here). Each step's picture is ``NN-name.png`` (the window, 1280×800 unless --size says
otherwise), kept under 150 kB (stored as 8-bit colour when the full colour would be larger).
``--until`` stops after the named step (tests/test_tutorial.py runs the first steps for speed).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

MAX_BYTES = 150_000

# the park the tutorial builds (docs/tutorial.md, steps 2-4): (site, sector, location, position
# on the canvas, flows). A flow: (kind, name, amount, unit, picker search words or None). The
# picker's search must find the background activity named in the last element (database code)
# as its first row, or the script stops: the tutorial's words then no longer work.
PARK_NAME = "Harbour park"
SITES = [
    ("Harbour steelworks", "steel", "DK", (-330.0, -40.0), [
        ("product", "crude steel", 1_000_000, "t", None, None),
        ("residue", "blast-furnace slag", 250_000, "t", "inert landfill", "waste-landfill-inert"),
        ("residue", "surplus steam", 60_000, "t", None, None),
    ]),
    ("Fjord cement", "cement", "DK", (80.0, -200.0), [
        ("product", "cement", 900_000, "t", None, None),
        ("supply", "clinker", 750_000, "t", "clinker", "mat-clinker"),
        ("supply", "electricity", 90_000, "MWh", "grid mix DK", "elec-grid-dk"),
    ]),
    ("Valley dairy", "food", "DK", (80.0, 140.0), [
        ("product", "milk powder", 40_000, "t", None, None),
        ("supply", "process heat", 500_000, "GJ", "heat natural gas", "heat-natural-gas"),
    ]),
]
# the exchange the reader draws (step 5), and the q typed in the live edit (step 7)
DRAWN = ("Harbour steelworks", "Fjord cement")
LIVE_Q = "150,000"
MC_ITERATIONS = 200
SUGGESTION = "surplus steam → Valley dairy"  # the suggestion the reader accepts (step 9)

STEPS = ["01-new-park", "02-first-site", "03-fate-picker", "04-three-sites",
         "05-new-exchange", "06-summary", "07-exchanges-tab", "08-live-edit",
         "09-suggestions", "10-after-suggestion", "11-monte-carlo", "12-report"]


class Stop(RuntimeError):
    """A step could not be done in the app (a message box, a failed run, a search that no
    longer finds its activity)."""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="make_screenshots.py")
    p.add_argument("output", nargs="?", default=str(Path(__file__).resolve().parent))
    p.add_argument("--project")
    p.add_argument("--size", default="1280x800")
    p.add_argument("--until", choices=STEPS, help="stop after this step")
    p.add_argument("--texts", help="write every text the app showed (menus, actions and their "
                                   "shortcuts, buttons, labels, tabs, column headers) to this "
                                   "file, one a line: tests/test_tutorial.py checks the "
                                   "tutorial's names against it")
    a = p.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        tour = Tour(Path(a.output), a.project, a.size, a.until)
        made = tour.run()
        if a.texts:
            Path(a.texts).write_text("\n".join(sorted(tour.texts)) + "\n", encoding="utf-8")
    except Stop as exc:
        print(f"make_screenshots: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(made)} screenshots to {a.output}")
    return 0


class Tour:
    def __init__(self, out: Path, project: str | None, size: str, until: str | None):
        self.out = out
        self.project = project
        self.size = tuple(int(x) for x in size.lower().split("x"))
        self.until = until
        self.made: list[Path] = []
        self.texts: set[str] = set()

    # ---- plumbing ------------------------------------------------------------------------------
    def pump(self, n: int = 5) -> None:
        for _ in range(n):
            self.app.processEvents()

    def wait(self, done, what: str, timeout: float = 600.0) -> None:
        t0 = time.time()
        while not done():
            if time.time() - t0 > timeout:
                raise Stop(f"{what}: not done after {timeout:.0f} s")
            self.app.processEvents()
            time.sleep(0.02)
        self.pump()

    def wait_job(self, what: str) -> None:
        self.wait(lambda: self.win.job is None, what)
        err = getattr(self.win, "_last_error", None)
        if err is not None:
            raise Stop(f"{what} failed: {err[0]} {err[1][-400:]}")

    def save(self, name: str, image) -> bool:
        """Write ``image`` (a QImage or QPixmap) as NN-name.png under MAX_BYTES; True when
        ``name`` is the last step asked for."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QImage

        img = image.toImage() if hasattr(image, "toImage") else image
        path = self.out / f"{name}.png"
        img.save(str(path))
        if path.stat().st_size > MAX_BYTES:  # screenshots have few colours: 8 bits keep them
            img.convertToFormat(QImage.Format_Indexed8, Qt.ThresholdDither).save(str(path))
        scale = 0.9
        while path.stat().st_size > MAX_BYTES and scale > 0.5:
            img.scaledToWidth(int(img.width() * scale), Qt.SmoothTransformation).convertToFormat(
                QImage.Format_Indexed8, Qt.ThresholdDither).save(str(path))
            scale -= 0.1
        self.made.append(path)
        print(f"  {path.name}: {path.stat().st_size // 1000} kB", flush=True)
        return name == self.until

    def settle(self) -> None:
        """Wait for what the app does a moment after an edit (the Problems panel's check)."""
        self.wait(lambda: not self.win.problems.pending(), "the Problems panel's check", 30)

    def shot(self, name: str) -> bool:
        self.settle()
        self.texts |= ui_texts(self.win)
        return self.save(name, self.win.grab())

    def shot_with(self, name: str, dialog) -> bool:
        """The window with ``dialog`` drawn over its centre, as a reader sees it."""
        from PySide6.QtGui import QPainter

        from PySide6.QtCore import QRect, Qt
        from PySide6.QtGui import QColor

        dialog.show()
        self.settle()
        self.texts |= ui_texts(self.win) | ui_texts(dialog)
        base = self.win.grab()
        top = dialog.grab()
        bar = 26  # the dialog's title bar, which the offscreen platform does not draw
        painter = QPainter(base)
        x = max(0, (base.width() - top.width()) // 2)
        y = max(bar, (base.height() - top.height() + bar) // 2)
        title = QRect(x, y - bar, top.width(), bar)
        painter.fillRect(title, QColor("#3C4A5C"))
        painter.setPen(QColor("white"))
        painter.drawText(title.adjusted(10, 0, -10, 0), Qt.AlignVCenter | Qt.AlignLeft,
                         dialog.windowTitle())
        painter.drawPixmap(x, y, top)
        painter.end()
        return self.save(name, base)

    # ---- the app -------------------------------------------------------------------------------
    def start(self) -> None:
        from PySide6.QtCore import QCoreApplication, QSettings
        from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

        from ecolca.app.mainwindow import MainWindow
        from ecolca.app.panels.exchange_dialog import ExchangeDialog
        from ecolca.app.pickers import ActivityPickerDialog
        from ecolca.core.resources import ui_dir
        from ecolca.importers.setup import setup

        setup(self.project)
        QCoreApplication.setOrganizationName("ecolca")
        self.app = QApplication.instance() or QApplication([sys.argv[0]])
        self.app.setStyleSheet((ui_dir() / "style.qss").read_text(encoding="utf-8"))
        settings = QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.IniFormat)
        tour = self

        def box(*args, **_kw):  # no person to answer: stop with the box's text
            raise Stop("the app asked: " + " / ".join(str(x) for x in args[1:3]))

        for name in ("warning", "information", "question", "critical"):
            setattr(QMessageBox, name, staticmethod(box))

        def pick(dlg) -> int:  # the activity picker, as a reader uses it
            words, code = tour.picking
            dlg.search_edit.setText(words)
            dlg._timer.stop()
            dlg._apply_filter()
            dlg.table.selectRow(0)
            ref = dlg.selected_ref()
            if ref is None or ref.code != code:
                raise Stop(f"the picker's search '{words}' no longer finds '{code}' first "
                           f"(found {ref.code if ref else 'nothing'}): update docs/tutorial.md")
            if tour.picker_shot:
                tour.picker_shot = None if tour.shot_with(tour.picker_shot, dlg) else None
            dlg.hide()
            return QDialog.Accepted

        def create(dlg) -> int:  # the New exchange dialog: its proposed q and r, accepted
            if tour.exchange_shot:
                tour.shot_with(tour.exchange_shot, dlg)
            dlg._accept()
            if dlg.result() != QDialog.Accepted:
                raise Stop(f"the New exchange dialog refused: {dlg.error.text()}")
            dlg.hide()
            return QDialog.Accepted

        ActivityPickerDialog.exec = pick
        ExchangeDialog.exec = create
        self.picking = ("", "")
        self.picker_shot = None
        self.exchange_shot = None
        self.win = MainWindow(project=self.project, settings=settings, ask_setup=False)
        self.win.resize(*self.size)
        self.win.show()
        self.pump(20)

    def site_id(self, name: str) -> str:
        return next(s.id for s in self.win.doc.scenario.sites if s.name == name)

    def type_into(self, line_edit, text: str) -> None:
        line_edit.setFocus()
        line_edit.setText(text)
        line_edit.editingFinished.emit()
        self.pump()

    def add_flow(self, kind, name, amount, unit, words, code, shot: str | None = None) -> None:
        """The flows table's Add flow ▸ kind, then its Name, Amount and Unit cells, then a
        double-click on its Background activity / fate cell (the picker)."""
        from PySide6.QtWidgets import QAbstractItemDelegate

        panel = self.win.properties.site_panel
        action = next(x for x in panel.add_flow.menu().actions() if x.text() == kind)
        action.trigger()
        self.pump()
        t = panel.flows
        r = t.rowCount() - 1
        editor = t.indexWidget(t.model().index(r, 1))  # Add flow opens the Name cell's editor
        if editor is not None:
            editor.setText(name)
            t.commitData(editor)
            t.closeEditor(editor, QAbstractItemDelegate.NoHint)
        else:
            t.item(r, 1).setText(name)
        self.pump()
        t.item(r, 2).setText(f"{amount:,}")
        t.item(r, 3).setText(unit)
        self.pump()
        if words:
            self.picking = (words, code)
            self.picker_shot = shot
            t.cellDoubleClicked.emit(r, 4)
            self.pump()

    # ---- the tutorial's steps ------------------------------------------------------------------
    def run(self) -> list[Path]:
        self.out.mkdir(parents=True, exist_ok=True)
        self.start()
        try:
            for step in (self.new_park, self.sites, self.exchange, self.results, self.live_edit,
                         self.suggestion, self.monte_carlo, self.report):
                if step():
                    break
        finally:
            self.win.doc.undo_stack.setClean()
            self.win.close()
        return self.made

    def new_park(self) -> bool:
        w = self.win
        w.act_new.trigger()
        self.pump()
        self.type_into(w.properties.hint.name, PARK_NAME)
        return self.shot("01-new-park")

    def sites(self) -> bool:
        w = self.win
        for i, (name, sector, location, (x, y), flows) in enumerate(SITES):
            w.scene.addSiteRequested.emit(x, y)  # a double-click on the canvas
            self.pump()
            panel = w.properties.site_panel
            self.type_into(panel.name, name)
            self.type_into(panel.sector, sector)
            self.type_into(panel.location, location)
            for kind, fname, amount, unit, words, code in flows:
                shot = "03-fate-picker" if (i, kind) == (0, "residue") and words else None
                self.add_flow(kind, fname, amount, unit, words, code, shot)
                if shot and self.until == shot:
                    return True
            if i == 0:
                w.view.fit()
                if self.shot("02-first-site"):
                    return True
        w.act_fit.trigger()
        w.scene.clearSelection()
        return self.shot("04-three-sites")

    def exchange(self) -> bool:
        w = self.win
        self.exchange_shot = "05-new-exchange"
        # a drag from the steelworks' dot to the cement plant
        w.scene.linkRequested.emit(self.site_id(DRAWN[0]), self.site_id(DRAWN[1]))
        self.exchange_shot = None
        self.pump()
        return self.until == "05-new-exchange"

    def run_comparison(self) -> None:
        self.win.act_run.trigger()
        self.pump()
        self.wait_job("the comparison")
        if self.win.results is None:
            raise Stop("the comparison gave no results")

    def results(self) -> bool:
        w = self.win
        w.scene.clearSelection()
        self.run_comparison()
        w.results_view.show_tab("Summary")
        if self.shot("06-summary"):
            return True
        w.results_view.show_tab("Exchanges")
        return self.shot("07-exchanges-tab")

    def live_edit(self) -> bool:
        w = self.win
        eid = w.doc.scenario.exchanges[0].id
        w.scene.select_only(exchange_id=eid)
        self.pump()
        w.results_view.show_tab("Summary")
        self.type_into(w.properties.exchange_panel.form.amount, LIVE_Q)
        self.wait(lambda: not w.session.live_due and w.job is None and w._scores_job is None,
                  "the live update")
        return self.shot("08-live-edit")

    def suggestion(self) -> bool:
        w = self.win
        w.scene.clearSelection()
        w.act_suggest.trigger()
        self.pump()
        panel = w.suggestions
        self.wait(lambda: w.job is None and panel.result is not None, "the synergy finder")
        if panel.tree.topLevelItemCount() == 0:
            raise Stop(f"the synergy finder found nothing: {panel.status.text()}")
        tree = panel.tree
        items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        pick = next((it for it in items if SUGGESTION in it.text(1)), None)
        if pick is None:
            raise Stop(f"the synergy finder no longer proposes '{SUGGESTION}': "
                       + "; ".join(it.text(1) for it in items))
        tree.setCurrentItem(pick)
        if self.shot("09-suggestions"):
            return True
        panel.accept_button.click()
        self.pump()
        w.scene.clearSelection()
        self.run_comparison()
        w.results_view.show_tab("Summary")
        return self.shot("10-after-suggestion")

    def monte_carlo(self) -> bool:
        w = self.win
        w.scene.clearSelection()
        w.properties_dock.raise_()
        self.pump()
        sp = w.properties.hint
        sp.iterations.setValue(MC_ITERATIONS)
        sp.iterations.editingFinished.emit()
        self.pump()
        if w.doc.scenario.monte_carlo_iterations != MC_ITERATIONS:
            raise Stop("the scenario panel did not set the Monte Carlo iterations")
        self.run_comparison()
        w.results_view.show_tab("Uncertainty")
        return self.shot("11-monte-carlo")

    def report(self) -> bool:
        w = self.win
        path = Path(tempfile.mkdtemp()) / "Harbour park.xlsx"  # not beside the pictures
        w.export_report_to(path, ask_open=False)
        self.wait_job("the report")
        if not path.exists():
            raise Stop("the report was not written")
        self.report_path = path  # tests/test_tutorial.py opens it
        return self.shot("12-report")


def ui_texts(root) -> set[str]:
    """Every name a person sees in ``root`` and its children: menu titles, actions (and their
    shortcuts), buttons, labels, check boxes, tabs, dock titles, column headers and the items of
    combo boxes; "&" and a trailing "…" or ":" taken off, lines joined."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QDockWidget,
                                   QGroupBox, QLabel, QMenu, QTabBar, QTreeWidget, QWidget)

    out: set[str] = set()

    def add(text) -> None:
        text = str(text or "").replace("&&", "\0").replace("&", "").replace("\0", "&")
        for t in [text] + text.splitlines():  # a two-line header: whole and each line
            t = " ".join(t.split())
            t = t.rstrip("…:").rstrip(".").strip() if t.endswith(("…", ":", "...")) else t
            if t:
                out.add(t)

    widgets = [root] + root.findChildren(QWidget)
    actions = set(root.findChildren(QAction))
    for w in widgets:
        actions.update(w.actions())
        if isinstance(w, QMenu):
            add(w.title())
        elif isinstance(w, QAbstractButton):
            add(w.text())
            if getattr(w, "menu", None) and w.menu() is not None:
                actions.update(w.menu().actions())
        elif isinstance(w, QLabel):
            add(w.text())
        elif isinstance(w, (QGroupBox, QDockWidget)):
            add(w.title() if isinstance(w, QGroupBox) else w.windowTitle())
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                add(w.tabText(i))
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                add(w.itemText(i))
        if isinstance(w, QTreeWidget):
            h = w.headerItem()
            for c in range(h.columnCount()):
                add(h.text(c))
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            for c in range(m.columnCount()):
                add(m.headerData(c, Qt.Horizontal, Qt.DisplayRole))
    for a in actions:
        add(a.text())
        if a.text().startswith(("&Undo", "&Redo", "Undo", "Redo")):
            add(a.text().split()[0])  # "Undo Edit scenario name": the menu's Undo
        if a.menu() is not None:
            add(a.menu().title())
        for k in a.shortcuts():
            out.add("key:" + k.toString(QKeySequence.PortableText))
    return out


if __name__ == "__main__":
    try:
        import ecolca  # noqa: F401  (installed, or on PYTHONPATH)
    except ImportError:  # a checkout without an install: its own src/
        sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    raise SystemExit(main())
