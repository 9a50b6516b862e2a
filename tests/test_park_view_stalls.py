"""The park canvas on a large park: made in steps, items kept across edits, cheap when zoomed
out (issue #23 target 2; the timings are in benchmarks/live_edit.py, never here)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from ecolca.app import canvas as canvas_mod
from ecolca.app.canvas import ParkScene
from ecolca.app.canvas_items import SiteItem
from ecolca.core.model import Exchange, Flow, Scenario, Site


def _park(n_sites: int) -> Scenario:
    """``n_sites`` sites on a grid, each with a residue and a supply, linked in a ring."""
    sites = []
    for i in range(n_sites):
        sites.append(Site(id=f"s{i}", name=f"Site {i}", sector="cement", location="DK",
                          position=(240.0 * (i % 20), 120.0 * (i // 20)),
                          flows=[Flow(id="ash", kind="residue", name="fly ash", amount=10.0,
                                      unit="kg"),
                                 Flow(id="sand", kind="supply", name="sand", amount=10.0,
                                      unit="kg")]))
    exchanges = [Exchange(id=f"e{i}", from_site=f"s{i}", from_flow="ash",
                          to_site=f"s{(i + 1) % n_sites}", to_flow="sand", amount=5.0)
                 for i in range(n_sites)]
    return Scenario(name="big", sites=sites, exchanges=exchanges)


def test_a_large_park_is_synced_in_steps_and_finished_by_the_event_loop(qtbot, monkeypatch):
    monkeypatch.setattr(canvas_mod, "SYNC_STEP_S", 0.0)  # one item per step
    sc = _park(200)  # 400 items > SYNC_IN_STEPS
    scene = ParkScene()
    scene.sync(sc)
    assert scene.sync_pending()
    assert len(scene.sites) + len(scene.exchanges) < 400  # the rest waits for the event loop
    qtbot.waitUntil(lambda: not scene.sync_pending(), timeout=20000)
    assert len(scene.sites) == 200 and len(scene.exchanges) == 200
    assert all(scene.exchanges[e.id].ends is not None for e in sc.exchanges)


def test_a_small_park_is_synced_at_once(qtbot):
    scene = ParkScene()
    scene.sync(_park(10))
    assert not scene.sync_pending() and len(scene.exchanges) == 10


def test_an_edit_of_one_exchange_keeps_every_other_item(qtbot):
    sc = _park(200)
    scene = ParkScene()
    scene.sync(sc)
    scene.flush()
    sites = {k: id(v) for k, v in scene.sites.items()}
    arrows = {k: id(v) for k, v in scene.exchanges.items()}
    texts = {k: v.label.text() for k, v in scene.exchanges.items()}
    sc.exchange("e7").substitution_ratio = 0.5
    sc.exchange("e8").amount = 7000.0
    scene.sync(sc)  # the full sync, as after an undo
    scene.flush()
    assert {k: id(v) for k, v in scene.sites.items()} == sites
    assert {k: id(v) for k, v in scene.exchanges.items()} == arrows
    changed = {k for k, v in scene.exchanges.items() if v.label.text() != texts[k]}
    assert changed == {"e8"}


def test_a_sync_asked_while_one_runs_starts_again_and_ends_complete(qtbot, monkeypatch):
    monkeypatch.setattr(canvas_mod, "SYNC_STEP_S", 0.0)
    sc = _park(200)
    scene = ParkScene()
    scene.sync(sc)
    sc.sites[0].name = "Renamed"
    assert not scene.sync_item(sc, "site", "s0")  # no single-item redraw while one runs
    scene.sync(sc)
    qtbot.waitUntil(lambda: not scene.sync_pending(), timeout=20000)
    assert scene.sites["s0"].name == "Renamed" and len(scene.exchanges) == 200


def test_select_only_finishes_the_sync_first(qtbot, monkeypatch):
    monkeypatch.setattr(canvas_mod, "SYNC_STEP_S", 0.0)
    scene = ParkScene()
    scene.sync(_park(200))
    scene.select_only(exchange_id="e199")
    assert scene.selected_exchange_ids() == ["e199"]


class _Painter:
    """Records what a paint calls (a QPainter's methods are C++: a stand-in that records)."""

    def __init__(self, scale: float):
        self.scale, self.calls = scale, []

    def worldTransform(self):  # noqa: N802
        return QTransform.fromScale(self.scale, self.scale)

    def fontMetrics(self):  # noqa: N802
        from PySide6.QtGui import QFontMetrics, QFont
        return QFontMetrics(QFont())

    def font(self):
        from PySide6.QtGui import QFont
        return QFont()

    def __getattr__(self, name):
        return lambda *a, **k: self.calls.append(name)


# a card keeps its name down to about 0.16 (issue #20.6: a park fitted to a laptop's canvas is
# at 0.3–0.4); a 1,000-site park fitted to the window is at about 0.09
@pytest.mark.parametrize("scale, text", [(0.1, False), (0.35, True), (1.0, True)])
def test_a_site_zoomed_out_is_drawn_without_its_text(qtbot, scale, text):
    item = SiteItem(_park(1).sites[0])
    painter = _Painter(scale)
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    assert ("drawText" in painter.calls) is text


def test_an_arrows_bounds_follow_its_route_and_label(qtbot):
    sc = _park(3)
    scene = ParkScene()
    scene.sync(sc)
    arrow = scene.exchanges["e0"]
    before = arrow.boundingRect()
    scene.sites["s1"].setPos(2000, 900)  # the arrow is re-routed (site_geometry_changed)
    after = arrow.boundingRect()
    assert after != before and after.contains(arrow.path().boundingRect())
    arrow.move_label(300, 0)
    assert arrow.boundingRect().contains(arrow.label.mapRectToParent(arrow.label.boundingRect()))


def test_the_scene_grows_to_hold_every_site(qtbot):
    sc = _park(400)  # 20 columns × 20 rows, 240 × 120 px apart: 4,800 px wide
    scene = ParkScene()
    scene.sync(sc)
    scene.flush()
    rect = scene.sceneRect()
    assert all(rect.contains(item.sceneBoundingRect()) for item in scene.sites.values())
