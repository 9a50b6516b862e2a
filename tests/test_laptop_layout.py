"""Issue #20.6: a laptop-sized app. At 1366×768 and 1280×800, maximised (the window is the
screen less a 40 px taskbar/title bar), with the results of an example shown: every default
method's row is on the Summary without scrolling, the Exchanges tab shows at least 6 exchanges,
the flows table of a site shows every column without scrolling sideways, and the site cards'
text after Ctrl+0 is at least 9 px high on screen, names whole or elided with "…" and whole in
the tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetricsF, QImage, QPainter, QTransform, QTextDocumentFragment
from PySide6.QtWidgets import QApplication, QStyleOptionGraphicsItem

from conftest import open_main_window

pytestmark = [pytest.mark.qt_log_ignore(r"^This plugin does not support")]

# a maximised window: the screen less a 40 px taskbar and title bar
SIZES = [(1366, 768 - 40), (1280, 800 - 40)]
MIN_TEXT_PX = 9.0


@pytest.fixture()
def laptop(qtbot, tmp_path, monkeypatch, request, bw_project):
    """A window of one laptop size with an example's results shown (the Summary tab)."""
    size, name = request.param
    from ecolca.core import examples
    from ecolca.core.resources import ui_dir

    app = QApplication.instance()
    sheet = app.styleSheet()
    app.setStyleSheet((ui_dir() / "style.qss").read_text(encoding="utf-8"))  # as ecolca's main
    request.addfinalizer(lambda: app.setStyleSheet(sheet))
    w = open_main_window(qtbot, tmp_path, monkeypatch, size=size)
    w.open_path(examples.path(name), as_new=True)
    with qtbot.waitSignal(w.runFinished, timeout=180_000) as blocker:
        w.run_comparison()
    assert blocker.args == [True]
    assert w.results is not None
    w.results_view.show_tab("Summary")
    _settle(qtbot)
    yield w
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()


def _settle(qtbot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _shown(widget, rect: QRect) -> bool:
    """``rect`` (in ``widget``'s coordinates) lies wholly in what is visible of it: inside
    it and not clipped by a parent (a scroll area, a splitter, the window)."""
    return widget.isVisible() and widget.visibleRegion().boundingRect().contains(rect)


def _rows_shown(table) -> int:
    model = table.model()
    return sum(_shown(table.viewport(), table.visualRect(model.index(r, 0)))
               for r in range(model.rowCount()))


CASES = [((s, name)) for s in SIZES for name in ("kalundborg", "gypsum-ash")]


@pytest.mark.parametrize("laptop", CASES, indirect=True,
                         ids=[f"{w}x{h}-{n}" for (w, h), n in CASES])
def test_every_summary_row_is_shown_without_scrolling(laptop):
    t = laptop.results_view.summary_table
    n = t.model().rowCount()
    assert n == len(laptop.doc.scenario.methods) >= 9
    assert _rows_shown(t) == n, [t.visualRect(t.model().index(r, 0)) for r in range(n)]
    assert t.verticalScrollBar().maximum() == 0
    # the park stays usable above the results
    assert laptop.view.viewport().height() >= 180


KALUNDBORG = [((s, "kalundborg")) for s in SIZES]
IDS = [f"{w}x{h}" for (w, h), _ in KALUNDBORG]


@pytest.mark.parametrize("laptop", KALUNDBORG, indirect=True, ids=IDS)
def test_exchanges_tab_shows_six_exchanges(laptop, qtbot):
    rv = laptop.results_view
    rv.show_tab("Exchanges")
    _settle(qtbot)
    n = rv.ex_table.model().rowCount()
    assert n == len(laptop.doc.scenario.exchanges) >= 6
    assert _rows_shown(rv.ex_table) >= 6


@pytest.mark.parametrize("laptop", KALUNDBORG, indirect=True, ids=IDS)
def test_flows_table_shows_every_column(laptop, qtbot):
    sc = laptop.doc.scenario
    site = max(sc.sites, key=lambda s: len(s.flows))  # Asnæs: 8 flows
    laptop.scene.select_only(site_id=site.id)
    _settle(qtbot)
    flows = laptop.properties.site_panel.flows
    assert flows.rowCount() == len(site.flows)
    assert flows.horizontalScrollBar().maximum() == 0
    vp = flows.viewport()
    for c in range(flows.columnCount()):
        assert not flows.isColumnHidden(c)
        x, w = flows.columnViewportPosition(c), flows.columnWidth(c)
        header = flows.horizontalHeaderItem(c).text()
        assert w >= 36, (header, w)
        # the column, its first row, lies wholly in what is seen of the table
        assert _shown(vp, QRect(x, 0, w, 10)), (header, x, w, vp.visibleRegion().boundingRect())


class _Recorder(QPainter):
    """A painter that records the texts drawn (font, rectangle, text)."""

    def __init__(self, device):
        super().__init__(device)
        self.texts = []

    def drawText(self, *args):  # noqa: N802
        rect, _flags, text = args[:3]
        self.texts.append((self.font(), rect, text))
        return super().drawText(*args)


def _em_px(font, device) -> float:
    """A font's em size in the device's pixels (what "text 5 px high" measures)."""
    return font.pixelSize() if font.pixelSize() > 0 else (
        font.pointSizeF() * device.logicalDpiY() / 72.0)


@pytest.mark.parametrize("laptop", KALUNDBORG, indirect=True, ids=IDS)
def test_site_text_is_readable_after_fit_to_view(laptop, qtbot):
    laptop.act_fit.trigger()  # Ctrl+0
    _settle(qtbot)
    scale = laptop.view.transform().m11()
    image = QImage(600, 300, QImage.Format_ARGB32)
    for site_id, item in laptop.scene.sites.items():
        full = laptop.doc.scenario.site(site_id).name
        p = _Recorder(image)
        p.setWorldTransform(QTransform.fromScale(scale, scale))
        item.paint(p, QStyleOptionGraphicsItem(), None)
        p.end()
        texts = [t for t in p.texts if t[2].strip() and t[2] != "🔒"]
        assert texts, site_id
        for font, rect, text in texts:
            on_screen = _em_px(font, image) * scale
            assert on_screen >= MIN_TEXT_PX, (site_id, text, round(on_screen, 1))
            # the text fits where it is drawn (it is elided, never cut by the box)
            assert QFontMetricsF(font, image).horizontalAdvance(text) <= rect.width() + 1, text
        # the name first: its lines, whole or ending in "…"
        n = len(getattr(item, "name_lines", None) or [None])
        drawn = " ".join(t for _f, _r, t in texts[:n])
        tip = QTextDocumentFragment.fromHtml(item.toolTip()).toPlainText()
        assert full in tip
        if drawn != full:
            assert drawn.endswith("…") and full.startswith(drawn[:-1].rstrip()), drawn
