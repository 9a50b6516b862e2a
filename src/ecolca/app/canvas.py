"""The park drawn as boxes (sites) and arrows (exchanges) on a QGraphicsView.

The canvas never edits the scenario itself: it emits requests (add a site here, move these
sites, link these two sites, delete the selection) that the main window turns into undoable
document edits, and :meth:`ParkScene.sync` redraws from the scenario afterwards.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QGraphicsScene

from ecolca.core.model import Scenario
from ecolca.app.canvas_items import ExchangeItem, SiteItem

# a park with more sites and exchanges than this is drawn in steps of at most SYNC_STEP_S of
# the GUI thread each (one per turn of the event loop): making the 4,000 items of a 1,000-site
# park took 1.1–1.3 s in one go, a freeze of the window when the file opened
SYNC_IN_STEPS = 300
SYNC_STEP_S = 0.025


class ParkScene(QGraphicsScene):
    """Items for the sites and exchanges of a scenario, kept in step by :meth:`sync`."""

    sitesMoved = Signal(dict)  # {site_id: (x, y)}
    linkRequested = Signal(str, str)  # from site id, to site id
    addSiteRequested = Signal(float, float)
    deleteRequested = Signal()
    propertiesRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sites: dict[str, SiteItem] = {}
        self.exchanges: dict[str, ExchangeItem] = {}
        self._scenario: Scenario | None = None
        self._steps = None  # the sync under way (a generator), when it runs in steps
        self._steps_id = 0
        self.setSceneRect(QRectF(-2000, -2000, 4000, 4000))

    def sync_pending(self) -> bool:
        """Whether a sync of a large park is still making its items (see :meth:`sync`)."""
        return self._steps is not None

    def flush(self) -> None:
        """Finish a sync under way now."""
        if self._steps is not None:
            self._advance(self._steps_id, budget=None)

    def _update_exchange(self, sc, e, item, bend, moved, first, flows) -> bool:
        """Update arrow ``item`` of exchange ``e`` when what it shows changed; True if so."""
        a, b = first.get(e.from_site), first.get(e.to_site)
        fa, fb = flows.get((e.from_site, e.from_flow)), flows.get((e.to_site, e.to_flow))
        sig = (e.category, e.amount, e.substitution_ratio, e.description, bend,
               a.name if a else None, b.name if b else None,
               (fa.name, fa.unit) if fa else None, fb.name if fb else None)
        if sig == item.sig and e.from_site not in moved and e.to_site not in moved:
            return False
        item.update_from(sc, e, self.sites[e.from_site], self.sites[e.to_site], bend)
        item.sig = sig
        return True

    def sync_item(self, sc: Scenario, kind: str, item_id: str) -> bool:
        """Redraw after an edit that changed only site or exchange ``item_id`` (its fields, a
        site's flows) of the scenario last synced: that item and the arrows it shows in. False
        (nothing done) when that is not enough: call :meth:`sync`."""
        if sc is not self._scenario or self._steps is not None:
            return False
        if kind == "site":
            site = sc.site(item_id)
            item = self.sites.get(item_id)
            if site is None or item is None:
                return False
            moved = set()
            if item.signature(site) != item.sig:
                if (item.pos().x(), item.pos().y()) != tuple(site.position):
                    moved.add(site.id)
                item.update_from(site)
            exs = [e for e in sc.exchanges if item_id in (e.from_site, e.to_site)]
        elif kind == "exchange":
            e = sc.exchange(item_id)
            if e is None:
                return False
            moved, exs = set(), [e]
        else:
            return False
        if any(e.id not in self.exchanges or self.exchanges[e.id].ends is None for e in exs):
            return False
        first, flows, redo = {}, {}, set()
        for e in exs:
            for sid, fid in ((e.from_site, e.from_flow), (e.to_site, e.to_flow)):
                site = sc.site(sid)
                first[sid] = site
                flows[(sid, fid)] = site.flow(fid) if site is not None else None
        for e in exs:
            item = self.exchanges[e.id]
            ends = self.sites.get(e.from_site), self.sites.get(e.to_site)
            if ends != item.ends:  # the arrow moved to other sites: a full sync
                return False
            if self._update_exchange(sc, e, item, item.bend, moved, first, flows):
                redo.add(tuple(sorted((e.from_site, e.to_site))))
        if redo:
            self._separate_labels(pairs=redo)
        return True

    def sync(self, sc: Scenario) -> None:
        """Redraw from the scenario, keeping items (and the selection) whose ids survive.

        An item is updated only when what it shows changed (its signature: names, amounts,
        positions, bend…): an edit of one number redraws one arrow, not 300. A park of more
        than :data:`SYNC_IN_STEPS` sites and exchanges is synced in steps of
        :data:`SYNC_STEP_S` (the rest on the next turns of the event loop; :meth:`flush` ends
        it now); a sync asked meanwhile starts again from the items already made."""
        self._scenario = sc
        self._steps_id += 1
        self._steps = self._sync_steps(sc)
        big = len(sc.sites) + len(sc.exchanges) > SYNC_IN_STEPS
        if big:  # no repaint of the half-made park between the steps (a full repaint each)
            for view in self.views():
                view.viewport().setUpdatesEnabled(False)
        self._advance(self._steps_id, budget=SYNC_STEP_S if big else None)

    def _advance(self, steps_id: int, budget: float | None = SYNC_STEP_S) -> None:
        """Run the sync under way for ``budget`` seconds (None: to its end), then leave the
        rest to the next turn of the event loop."""
        if steps_id != self._steps_id or self._steps is None:
            return  # a newer sync replaced it
        deadline = None if budget is None else time.perf_counter() + budget
        self.blockSignals(True)
        try:
            for _ in self._steps:
                if deadline is not None and time.perf_counter() > deadline:
                    QTimer.singleShot(0, self, lambda: self._advance(steps_id))
                    return
        finally:
            self.blockSignals(False)
        self._steps = None
        self._synced()

    def _synced(self) -> None:
        """A sync has ended: the selection it kept is said, a fit asked meanwhile is done."""
        selected, selected_x = self._selected_before
        # the scene grows to hold every site (a 1,000-site park does not fit the 4,000 px
        # square it starts as: the view could not scroll to the sites outside it)
        rect = self.sceneRect()
        for item in self.sites.values():
            rect = rect.united(item.sceneBoundingRect().adjusted(-400, -400, 400, 400))
        if rect != self.sceneRect():
            self.setSceneRect(rect)
        for view in self.views():
            if not view.viewport().updatesEnabled():
                view.viewport().setUpdatesEnabled(True)
                view.viewport().update()
        if (set(self.selected_site_ids()) != selected
                or set(self.selected_exchange_ids()) != selected_x):
            self.selectionChanged.emit()
        for view in self.views():
            if getattr(view, "fit_due", False):
                view.fit()

    def _sync_steps(self, sc: Scenario):
        """:meth:`sync`, yielding after each item made or changed."""
        selected = {i.site_id for i in self.sites.values() if i.isSelected()}
        selected_x = {i.exchange_id for i in self.exchanges.values() if i.isSelected()}
        self._selected_before = (selected, selected_x)
        seen = set()
        moved: set[str] = set()
        for s in sc.sites:
            item = self.sites.get(s.id)
            if item is None:
                item = SiteItem(s)
                self.sites[s.id] = item
                self.addItem(item)
                moved.add(s.id)
                yield
            elif item.signature(s) != item.sig:
                if (item.pos().x(), item.pos().y()) != tuple(s.position):
                    moved.add(s.id)
                item.update_from(s)
                yield
            seen.add(s.id)
        for sid in list(self.sites):
            if sid not in seen:
                self.removeItem(self.sites.pop(sid))
        first: dict = {}  # the first site of an id, and its flows, as Scenario.site finds them
        for s in sc.sites:
            first.setdefault(s.id, s)
        flows: dict = {}
        for s in first.values():
            for f in s.flows:
                flows.setdefault((s.id, f.id), f)
        seen = set()
        pairs: dict[tuple[str, str], int] = {}
        redo: set[tuple[str, str]] = set()  # pairs whose labels must be separated again
        for e in sc.exchanges:
            if e.from_site not in self.sites or e.to_site not in self.sites:
                continue
            item = self.exchanges.get(e.id)
            if item is None:
                item = ExchangeItem(e.id)
                self.exchanges[e.id] = item
                self.addItem(item)
            key = tuple(sorted((e.from_site, e.to_site)))
            k = pairs.get(key, 0)
            pairs[key] = k + 1
            # the arrows between two sites fan out to both sides of the line between them: the
            # k-th bends by 36, −36, 100, −100 … px, counted in one direction for the pair (from
            # its first site to its second), so that A → B and B → A part ways too (the bend
            # of an arrow is measured along its own normal, which turns with its direction)
            offset = (36.0 + 64.0 * (k // 2)) * (1 if k % 2 == 0 else -1)
            bend = offset if (e.from_site, e.to_site) == key else -offset
            if self._update_exchange(sc, e, item, bend, moved, first, flows):
                redo.add(key)
                yield
            seen.add(e.id)
        for eid in list(self.exchanges):
            if eid not in seen:
                gone = self.exchanges.pop(eid)
                if gone.ends is not None:  # its pair lost an arrow: its labels move back
                    redo.add(tuple(sorted((gone.ends[0].site_id, gone.ends[1].site_id))))
                self.removeItem(gone)
        if redo:
            yield from self._separate_steps(pairs=redo)
        for sid in selected:
            if sid in self.sites:
                self.sites[sid].setSelected(True)
        for eid in selected_x:
            if eid in self.exchanges:
                self.exchanges[eid].setSelected(True)

    def site_geometry_changed(self, site_id: str) -> None:
        """Re-route the arrows of a site being dragged."""
        sc = self._scenario
        if sc is None:
            return
        for e in sc.exchanges:
            if site_id in (e.from_site, e.to_site) and e.id in self.exchanges \
                    and e.from_site in self.sites and e.to_site in self.sites:
                self.exchanges[e.id].route(self.sites[e.from_site], self.sites[e.to_site])
        self._separate_labels({site_id})

    def _separate_labels(self, sites: set[str] | None = None,
                         pairs: set[tuple[str, str]] | None = None) -> None:
        """Labels of arrows between the same two sites never overlap: each label that would
        cover one placed before it moves further out, away from the line between the sites.
        ``sites`` / ``pairs``: only the arrows of these sites / pairs of sites (whose labels
        are placed anew, from their routes)."""
        for _ in self._separate_steps(sites, pairs):
            pass

    def _separate_steps(self, sites: set[str] | None = None,
                        pairs: set[tuple[str, str]] | None = None):
        """:meth:`_separate_labels`, yielding after each pair of sites."""
        sc = self._scenario
        if sc is None:
            return
        groups: dict[tuple[str, str], list[ExchangeItem]] = {}
        for e in sc.exchanges:
            if e.id not in self.exchanges:
                continue
            key = tuple(sorted((e.from_site, e.to_site)))
            if (sites is None or {e.from_site, e.to_site} & sites) and (pairs is None or key in pairs):
                groups.setdefault(key, []).append(self.exchanges[e.id])
        for items in groups.values():
            if len(items) < 2:
                continue
            if pairs is not None:  # labels moved out earlier start again from their routes
                for item in items:
                    item.reroute()
            placed: list[QRectF] = []
            for item in sorted(items, key=lambda i: abs(i.bend)):
                rect = item.label.sceneBoundingRect()
                for _ in range(60):
                    if not any(rect.intersects(p) for p in placed):
                        break
                    step = item.label_side * 6.0
                    item.move_label(step.x(), step.y())
                    rect = item.label.sceneBoundingRect()
                placed.append(rect)
            yield

    def report_moves(self) -> None:
        moved = {}
        sc = self._scenario
        for sid, item in self.sites.items():
            site = sc.site(sid) if sc else None
            if site is not None and (round(item.x(), 1), round(item.y(), 1)) != tuple(round(v, 1) for v in site.position):
                moved[sid] = (round(item.x(), 1), round(item.y(), 1))
        if moved:
            self.sitesMoved.emit(moved)

    def selected_site_ids(self) -> list[str]:
        return [i.site_id for i in self.selectedItems() if isinstance(i, SiteItem)]

    def selected_exchange_ids(self) -> list[str]:
        return [i.exchange_id for i in self.selectedItems() if isinstance(i, ExchangeItem)]

    def select_only(self, site_id: str | None = None, exchange_id: str | None = None) -> None:
        self.flush()  # the item may not be made yet
        self.blockSignals(True)
        self.clearSelection()
        item = self.sites.get(site_id) if site_id else self.exchanges.get(exchange_id) if exchange_id else None
        if item is not None:
            item.setSelected(True)
        self.blockSignals(False)
        self.selectionChanged.emit()

    def site_at(self, scene_pos: QPointF) -> SiteItem | None:
        for it in self.items(scene_pos):
            if isinstance(it, SiteItem):
                return it
        return None


from ecolca.app.park_view import ParkView  # noqa: E402,F401  (the view of a ParkScene)
