"""Plausibility from the compatibility table (issue #20.5): an exchange whose residue → supply
pair has no row in databases/compatibility.csv gets a warning naming the rows of the residue's
kind and their sources; the fate picker offers treatments first."""

import copy
import json

from conftest import run_cli

from ecolca.core.validation import errors, validate

NO_ROW = "no compatibility row"


def _fly_ash_to_natural_gypsum(example):
    sc = copy.deepcopy(example)
    e = sc.exchange("ash-to-cement")
    e.to_site, e.to_flow = "plasterboard", "gypsum"  # natural gypsum of the plasterboard plant
    e.amount, e.substitution_ratio, e.source = 1_000.0, 1.0, ""
    return sc


def _warnings(sc, text=NO_ROW):
    return [p for p in validate(sc) if p.severity == "warning" and text in p.message]


def test_fly_ash_to_natural_gypsum_is_warned_with_the_closest_rows(example):
    sc = _fly_ash_to_natural_gypsum(example)
    ws = _warnings(sc)
    assert len(ws) == 1, [str(p) for p in validate(sc)]
    w = ws[0]
    assert w.item.startswith("exchange 'ash-to-cement'") and w.field == "to.flow"
    assert "coal fly ash is matched only to Portland cement clinker (row 'fly-ash-clinker'" \
        in w.message
    assert "Portland cement (CEM I) (row 'fly-ash-cement'" in w.message
    assert "CEN (2011) EN 197-1" in w.message  # the rows' sources
    assert w.path == ("exchanges", 2, "to", "flow")
    assert not [p for p in errors(validate(sc)) if NO_ROW in p.message]  # a warning only


def test_the_exchanges_own_source_is_quoted_and_the_warning_stays(example):
    sc = _fly_ash_to_natural_gypsum(example)
    sc.exchange("ash-to-cement").source = "trial at our plant, 2025"
    (w,) = _warnings(sc)
    assert "your source: trial at our plant, 2025" in w.message


def test_row_matched_pairs_give_no_warning(example):
    # fly ash → clinker (row fly-ash-clinker) and FGD gypsum → natural gypsum (fgd-gypsum-natural)
    assert _warnings(example) == []
    sc = copy.deepcopy(example)
    for e in sc.exchanges:
        e.source = ""
    assert _warnings(sc) == []


def test_a_residue_the_table_does_not_know_gets_no_warning(example):
    sc = _fly_ash_to_natural_gypsum(example)
    sc.site("power").flow("fly-ash").name = "bottom sludge"  # no row of any kind matches
    assert _warnings(sc) == []


def test_bundled_examples_only_kawasakis_plastics_to_ammonia_has_no_row():
    from ecolca.core import examples

    found = {}
    for name in examples.available():
        found[name] = [p.item.split("'")[1] for p in _warnings(examples.load(name))]
    # the table carries waste plastics → coking coal only; Kawasaki's gasification to ammonia
    # (Showa Denko) has its own source in the exchange, and the warning quotes it
    assert found == {n: (["plastics-to-ammonia"] if n == "kawasaki" else []) for n in found}
    (w,) = _warnings(examples.load("kawasaki"))
    assert "your source: q: Showa Denko K.K." in w.message


def test_cli_validate_prints_the_warning(tmp_path, example_path):
    doc = json.loads(example_path.read_text())
    ex = next(e for e in doc["exchanges"] if e["id"] == "ash-to-cement")
    ex["to"] = {"site": "plasterboard", "flow": "gypsum"}
    ex["amount"], ex["substitution_ratio"] = 1000, 1.0
    ex.pop("source", None)
    p = tmp_path / "ash-gypsum.ecolca.json"
    p.write_text(json.dumps(doc))
    r = run_cli("validate", str(p))
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert NO_ROW in out and "fly-ash-clinker" in out, out
    assert "Traceback" not in r.stderr


# -- the fate picker (pytest-qt, offscreen, synthetic rows: no Brightway)

FATE_ROWS = [
    ("ecolca-open", "fuel-hard-coal", "hard coal supply", "hard coal"),
    ("ecolca-open", "mat-clinker", "clinker production", "clinker"),
    ("ecolca-open", "waste-landfill-inert", "treatment of inert waste, inert material landfill",
     "inert waste"),
    ("ei", "e1", "market for waste cement, hydrated", "waste cement, hydrated"),
    ("uslci", "u1", "Disposal, ash, to unspecified landfill", "ash"),
    ("ei", "e2", "treatment of municipal solid waste, incineration", "municipal solid waste"),
    ("ecolca-open", "mat-gypsum-natural", "gypsum, natural, quarried", "gypsum"),
]


def _fate_rows():
    from ecolca.brightway.catalog import ActivityRow

    return [ActivityRow(db, code, name, prod, "GLO", "kilogram", "process")
            for db, code, name, prod in FATE_ROWS]


def test_is_treatment_by_name_product_or_ecolca_open_code():
    from ecolca.brightway.catalog import is_treatment

    got = {r.code: is_treatment(r) for r in _fate_rows()}
    assert got == {"fuel-hard-coal": False, "mat-clinker": False, "waste-landfill-inert": True,
                   "e1": True, "u1": True, "e2": True, "mat-gypsum-natural": False}


def test_fate_picker_offers_treatments_first_and_marks_the_rest(qtbot):
    from PySide6.QtCore import Qt

    from ecolca.app.pickers import NOT_TREATMENT, ActivityPickerDialog

    dlg = ActivityPickerDialog(_fate_rows(), fates=True, title="Fate of 'fly ash'")
    qtbot.addWidget(dlg)
    m = dlg.model
    names = [m.data(m.index(i, 0)) for i in range(m.rowCount())]
    assert names[:4] == ["Disposal, ash, to unspecified landfill",
                         "market for waste cement, hydrated",
                         "treatment of inert waste, inert material landfill",
                         "treatment of municipal solid waste, incineration"]
    assert names[4:] == [NOT_TREATMENT + n for n in ("clinker production",
                                                     "gypsum, natural, quarried",
                                                     "hard coal supply")]
    dlg.table.sortByColumn(0, Qt.DescendingOrder)  # treatments stay first, in either order
    names = [m.data(m.index(i, 0)) for i in range(m.rowCount())]
    assert [n.startswith(NOT_TREATMENT) for n in names] == [False] * 4 + [True] * 3
    assert names[0] == "treatment of municipal solid waste, incineration"
    dlg.search_edit.setText("coal")  # only a supply matches: shown, marked
    dlg._apply_filter()
    assert [m.data(m.index(i, 0)) for i in range(m.rowCount())] == [NOT_TREATMENT + "hard coal supply"]


def test_other_pickers_are_unmarked(qtbot):
    from ecolca.app.pickers import NOT_TREATMENT, ActivityPickerDialog

    dlg = ActivityPickerDialog(_fate_rows())
    qtbot.addWidget(dlg)
    m = dlg.model
    names = [m.data(m.index(i, 0)) for i in range(m.rowCount())]
    assert names[0] == "clinker production" and not any(NOT_TREATMENT in n for n in names)
