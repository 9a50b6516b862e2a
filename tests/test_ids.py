"""No generated id reaches a reader where a name exists (issue #20.6/7): the synergy finder's text
and the Suggestions panel name an existing exchange by its label, an accepted suggestion and an
exchange drawn in the app get ids made from their names ("fly-ash-to-cement-plant"), and the
report prints exchanges by label (an id only in an "… id" column)."""

from __future__ import annotations

import re

import pytest

# the ids the app made before (random hex) and the finder's old ids: what a park drawn in the
# app carries, planted here in gypsum-ash so that any text that prints an id shows it
SITE_IDS = {"power": "site-14bd42dd", "plasterboard": "site-a3512270", "cement": "site-5e0c77f1"}
EXCHANGE_IDS = {"gypsum-to-boards": "ex-4f92b4de", "gypsum-to-cement": "ex-0b7d2c61",
                "ash-to-cement": "ex-9a31e5c0"}
GENERATED = re.compile(r"\b(?:site|ex)-[0-9a-f]{8}\b|\bsuggest-")


def _planted():
    """gypsum-ash with the ids a park drawn in the app has (site-…, ex-…)."""
    from ecolca.core import examples

    sc = examples.load("gypsum-ash")
    for s in sc.sites:
        s.id = SITE_IDS[s.id]
    for e in sc.exchanges:
        e.id = EXCHANGE_IDS[e.id]
        e.from_site, e.to_site = SITE_IDS[e.from_site], SITE_IDS[e.to_site]
    return sc


def _fresh(sc):
    """The scenario as a file would give it (the model's id indexes rebuilt)."""
    from ecolca.core import scenario_file

    return scenario_file.loads(scenario_file.dumps(sc))


def test_the_finder_names_the_exchange_it_extends_and_gives_a_readable_id(bw_project):
    from ecolca.lca import compare
    from ecolca.park.suggest import format_text, suggest, to_json

    sc = _fresh(_planted())
    compare(sc, project=bw_project)  # the unit scores in the cache
    s = suggest(sc, top=5, distance_km=40.0, project=bw_project)
    c = next(c for c in s.candidates if c.residue.name == "fly ash")
    # the id the exchange gets when accepted: from the residue and the receiving site
    assert c.id == c.exchange.id == "fly-ash-to-cement-plant"
    assert c.extends == "ex-9a31e5c0"  # the JSON keeps the id (machine-read) ...
    label = "Coal power station: fly ash → Cement plant: clinker"
    assert c.extends_label == label  # ... and says which exchange in words
    text = "\n".join(format_text(s))
    assert f"{label}  (extends the existing exchange of this residue and supply)" in text
    assert not GENERATED.search(text), GENERATED.search(text)
    assert to_json(s)["candidates"][0]["extends_exchange_label"] == label


def test_readable_ids_are_unique_in_the_park():
    from ecolca.core.model import Exchange, Scenario, exchange_id_for, slug

    assert slug("Surplus steam (10 bar), from the Härbour steelworks") == \
        "surplus-steam-10-bar"
    assert exchange_id_for("surplus steam", "Valley dairy", set()) == \
        "surplus-steam-to-valley-dairy"
    sc = Scenario(name="x", exchanges=[Exchange("surplus-steam-to-valley-dairy", "a", "r", "b",
                                                "s", 1.0, 1.0)])
    assert sc.new_exchange_id("surplus steam", "Valley dairy") == \
        "surplus-steam-to-valley-dairy-2"
    assert sc.new_exchange_id("", "") == "exchange"


def _id_columns_ok(wb):
    """Each cell of ``wb`` that contains a generated id, with its sheet and column, unless that
    column is headed "… id" (a raw-data column the reader looks ids up in)."""
    bad = []
    for ws in wb.worksheets:
        id_cols: set[int] = set()
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if not isinstance(v, str):
                    continue
                if re.fullmatch(r"(?i)(.+ )?id", v.strip()):
                    id_cols.add(cell.column)
                elif GENERATED.search(v) and cell.column not in id_cols:
                    bad.append((ws.title, cell.coordinate, v))
    return bad


def test_the_report_names_exchanges_by_label_not_by_id(bw_project):
    from ecolca.lca import compare
    from ecolca.park.suggest import suggest
    from ecolca.report import build_workbook

    sc = _fresh(_planted())
    compare(sc, project=bw_project)
    s = suggest(sc, top=5, distance_km=40.0, project=bw_project)
    sc.exchanges.append(s.candidates[0].exchange)  # an accepted suggestion
    sc.exchanges[0].amount_basis = "assumed"  # listed on the Summary among the not sourced
    sc = _fresh(sc)
    res = compare(sc, project=bw_project)
    wb = build_workbook(res, sc)
    assert "Sensitivity" in wb.sheetnames
    bad = _id_columns_ok(wb)
    assert bad == [], "\n".join(map(str, bad))
    # the Sensitivity sheet names the exchange by its label
    texts = [c.value for row in wb["Sensitivity"].iter_rows() for c in row
             if isinstance(c.value, str)]
    assert any(t.startswith("exchange Coal power station: fly ash → Cement plant: clinker, ")
               for t in texts), texts[:20]
    # the exchanges chart's bars are named by label: its categories are the "Exchange" column
    import io
    import zipfile

    from ecolca.report import render

    z = zipfile.ZipFile(io.BytesIO(render(res, sc)))
    sheets = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")}
    parts = [x for x in sheets.values() if "Avoided fate" in x and "Processing" in x]
    assert parts
    for x in parts:
        cats = re.findall(r"<(?:c:)?cat>.*?<(?:c:)?f>([^<]*)</(?:c:)?f>", x, re.S)
        assert cats and all("$B$" in c for c in cats), cats


@pytest.fixture()
def window(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from conftest import open_main_window

    w = open_main_window(qtbot, tmp_path, monkeypatch)
    yield w
    if w.job is not None:
        w.job.cancel()
        w.job.wait(10000)
    w.doc.undo_stack.setClean()
    w.close()
    w.deleteLater()
    QApplication.processEvents()


@pytest.mark.qt_log_ignore(r"^This plugin does not support")
def test_accepting_a_suggestion_in_the_app_shows_no_generated_id(window, qtbot, bw_project,
                                                                 tmp_path):
    from PySide6.QtCore import Qt

    from ecolca.core import scenario_file
    from ecolca.lca import compare

    sc = _fresh(_planted())
    compare(sc, project=bw_project)
    path = tmp_path / "planted.ecolca.json"
    scenario_file.save(sc, path)
    window.open_path(path)
    with qtbot.waitSignal(window.runFinished, timeout=120_000):
        window.act_suggest.trigger()
    panel = window.suggestions
    qtbot.waitUntil(lambda: panel.result is not None, timeout=10_000)
    row = next(i for i, c in enumerate(panel.result.candidates) if c.residue.name == "fly ash")
    panel.tree.setCurrentItem(panel.tree.topLevelItem(row))
    details = panel.details.toPlainText()
    assert "Extends the existing exchange Coal power station: fly ash → Cement plant: " \
           "clinker" in details
    shown = [details, panel.status.text()] + [
        panel.tree.topLevelItem(i).text(k) for i in range(panel.tree.topLevelItemCount())
        for k in range(panel.tree.columnCount())]
    with qtbot.waitSignal(panel.computed, timeout=120_000):
        qtbot.mouseClick(panel.accept_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.job is None, timeout=10_000)
    new = window.doc.scenario.exchanges[-1]
    assert new.id == "fly-ash-to-cement-plant"
    shown += [panel.details.toPlainText(), panel.status.text(), window.statusBar().currentMessage(),
              window.doc.undo_stack.undoText(), window.windowTitle()]
    hits = [t for t in shown if GENERATED.search(t)]
    assert hits == []


def test_an_exchange_drawn_in_the_app_gets_an_id_from_its_names(window, qtbot, monkeypatch):
    from ecolca.app import panels
    from ecolca.core import examples

    window.open_path(examples.path("gypsum-ash"))

    def fill(dlg):
        dlg.form.residue.setEditText("surplus steam")
        dlg.form.supply.setEditText("process heat")
        dlg.form.amount.setText("100")
        dlg._accept()
        return dlg.result()

    monkeypatch.setattr(panels.ExchangeDialog, "exec", fill)
    first = window.new_exchange("power", "cement")
    second = window.new_exchange("power", "cement")
    assert (first, second) == ("surplus-steam-to-cement-plant", "surplus-steam-to-cement-plant-2")
    assert window.doc.scenario.exchange(first).from_site == "power"


def test_the_cli_run_names_exchanges_by_label(bw_project, tmp_path, capsys):
    """`ecolca run`'s notes (Δ with one side without data) and sensitivity lines name exchanges
    by label; an id is printed only where a message names the item to edit in the file
    (validation's "exchange 'ID' (label)")."""
    from ecolca import cli
    from ecolca.core import scenario_file

    path = tmp_path / "planted.ecolca.json"
    scenario_file.save(_fresh(_planted()), path)
    assert cli.main(["run", str(path), "--project", bw_project, "--sensitivity", "20"]) == 0
    out = capsys.readouterr().out
    assert "Sensitivity" in out and "exchange Coal power station: fly ash → Cement plant: " \
        "clinker, substitution ratio" in out
    bad = [line for line in out.splitlines() if GENERATED.search(line)
           and not re.search(r"exchange '[^']+' \(", line)]
    assert bad == []


def test_default_category_from_unit_name_and_activity():
    """Issue #20: a new flow's category comes from what is known of it, not "material" always."""
    import types

    from ecolca.core.model import default_category

    def act(name, unit, product=""):
        return types.SimpleNamespace(name=name, unit=unit, product=product)

    assert default_category("residue", "t", "surplus steam (10 bar)") == "energy"
    assert default_category("residue", "MWh") == "energy"
    assert default_category("residue", "t", "surplus heat for district heating") == "energy"
    assert default_category("supply", "t", "new supply",
                            act("heat, industrial boiler, natural gas", "megajoule")) == "energy"
    assert default_category("supply", "m3", "", act("tap water, at user", "cubic meter")) == "water"
    assert default_category("residue", "m3", "treated effluent") == "water"
    assert default_category("residue", "m3", "hot water") == "energy"
    assert default_category("residue", "t", "blast-furnace slag",
                            act("treatment of inert waste, inert material landfill",
                                "kilogram")) == "material"
    assert default_category("product", "t", "heat-treated steel") == "material"
    assert default_category("emission", "kg", "water vapour") == "material"


def test_a_new_steam_residue_is_energy(window, qtbot, monkeypatch, bw_project):
    """The tutorial's surplus steam (a residue in t, no fate) was filed as material in the
    report's Input flows; a supply whose background activity is boiler heat too. A category the
    author chose is kept."""
    from ecolca.app import panels
    from ecolca.core.model import ActivityRef

    sid = window.add_site(0, 0)
    window.scene.select_only(site_id=sid)
    panel = window.properties.site_panel
    flows = lambda: window.doc.scenario.site(sid).flows  # noqa: E731

    panel.add_flow_of("residue")
    assert flows()[0].category == "material"  # "new residue" in t: nothing says otherwise yet
    panel.flows.item(0, 1).setText("surplus steam")
    assert flows()[0].category == "energy"
    assert "(category → energy)" in window.doc.undo_stack.undoText()
    panel.flows.item(0, 3).setText("kg")  # another mass unit: still steam
    assert flows()[0].category == "energy"

    monkeypatch.setattr(panels.common, "pick_activity",
                        lambda *a, **k: ActivityRef("ecolca-open", "heat-natural-gas"))
    panel.add_flow_of("supply")
    panel.flows.item(1, 1).setText("process heat for the boilers' house")
    assert flows()[1].category == "energy"
    panel.add_flow_of("supply")
    panel._flow_cell_double_clicked(2, 4)  # its background activity: boiler heat
    assert flows()[2].activity.code == "heat-natural-gas"
    assert flows()[2].category == "energy"

    # chosen by the author: a rename does not move it
    window.doc.edit("choose", lambda sc: setattr(sc.site(sid).flows[0], "category", "by-product"))
    panel.refresh()
    panel.flows.item(0, 1).setText("steam condensate")
    assert flows()[0].category == "by-product"
