"""The app side of issues #20.4 and #20.5 (pytest-qt, offscreen): a park drawn from scratch is
not "calibrated" until its amounts are sourced through the flows table and the exchange form,
and a residue's fate is picked with treatments first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from conftest import open_main_window
from test_app import _close, double_click, drag

from ecolca.core.model import ActivityRef, calibration_of

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore(r"^This plugin does not support")]


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch):
    w = open_main_window(qtbot, tmp_path, monkeypatch)
    yield w
    _close(w)


def test_a_park_drawn_in_the_app_is_not_calibrated_until_sourced(window, qtbot, monkeypatch):
    from ecolca.app import panels
    from ecolca.app.panels import dialogs

    picks, pick_kw = [], []

    def pick(*a, **k):
        pick_kw.append(k)
        return picks.pop(0)

    monkeypatch.setattr(panels.common, "pick_activity", pick)
    view = window.view
    view.resetTransform()
    view.centerOn(0, 0)
    for x in (-200, 200):
        double_click(qtbot, view, QPointF(x, 0))
    power, cement = [s.id for s in window.doc.scenario.sites]
    panel = window.properties.site_panel

    def add_flow(site_id, kind, name, amount, unit, ref=None):
        window.scene.select_only(site_id=site_id)
        panel.add_flow_of(kind)
        r = len(window.doc.scenario.site(site_id).flows) - 1
        panel.flows.item(r, 1).setText(name)
        panel.flows.item(r, 2).setText(amount)
        panel.flows.item(r, 3).setText(unit)
        if ref:
            picks.append(ActivityRef("ecolca-open", ref))
            panel._flow_cell_double_clicked(r, 4)
        return r

    add_flow(power, "product", "electricity", "1000", "MWh")
    add_flow(power, "residue", "fly ash", "500", "t", "waste-landfill-inert")
    add_flow(cement, "product", "cement", "5000", "t")
    add_flow(cement, "supply", "clinker", "4000", "t", "mat-clinker")
    # the residue's fate is picked with treatments first; a supply's activity is not
    assert [k.get("fates") for k in pick_kw] == [True, False]

    def fill(dlg):
        dlg.form.amount.setText("400")
        dlg._accept()
        return dlg.result()

    monkeypatch.setattr(panels.ExchangeDialog, "exec", fill)
    drag(view, window.scene.sites[power].handle_scene_pos(),
         window.scene.sites[cement].sceneBoundingRect().center())
    sc = window.doc.scenario
    assert len(sc.exchanges) == 1 and sc.exchanges[0].amount_basis == "assumed"
    assert all(f.amount_basis == "assumed" for _, f in sc.iter_flows())
    assert calibration_of(sc).level == "illustrative"
    window.scene.clearSelection()
    hint = window.properties.hint
    hint.refresh()
    assert hint.calibration.currentData() == ""  # no claim: computed
    assert hint.calibration_note.text().startswith("illustrative: no amount is sourced")
    assert hint.illustrative.isVisible()

    # source every flow through the flows table's Basis column (its dialog) ...
    def basis_dialog(basis, source):
        def run(dlg):
            dlg.basis.setCurrentIndex(dlg.basis.findData(basis))
            dlg.source.setText(source)
            return True
        return run

    for site_id in (power, cement):
        window.scene.select_only(site_id=site_id)
        for r, f in enumerate(window.doc.scenario.site(site_id).flows):
            assert panel.flows.item(r, 9).text() == "assumed"
            monkeypatch.setattr(dialogs.BasisDialog, "exec", basis_dialog("sourced", "plant data"))
            panel._flow_cell_double_clicked(r, 9)
            assert panel.flows.item(r, 9).text() == "sourced"
    assert calibration_of(window.doc.scenario).level == "partly calibrated"  # q still assumed

    # ... and the exchange's q through the exchange form
    e = window.doc.scenario.exchanges[0]
    window.scene.select_only(exchange_id=e.id)
    form = window.properties.exchange_panel.form
    form.source.setText("delivery notes 2024")
    form.source.editingFinished.emit()
    form.basis.setCurrentIndex(form.basis.findData("sourced"))
    e = window.doc.scenario.exchanges[0]
    assert (e.amount_basis, e.source) == ("sourced", "delivery notes 2024")
    assert calibration_of(window.doc.scenario).level == "calibrated"
    window.scene.clearSelection()
    hint.refresh()
    assert hint.calibration_note.text().startswith("calibrated: every exchanged quantity")
    assert not hint.illustrative.isVisible()
    window.doc.undo_stack.undo()  # the basis edit is undoable
    assert calibration_of(window.doc.scenario).level == "partly calibrated"
