"""Imports that used to exit 0 with wrong or missing data (issue #18, point 6): each test here
fails on the code before the fix. Inputs are files other tools wrote: bw2io's test fixtures in
tests/data/bw2io (BSD-3-Clause, see the README there), bw2io's example workbook from its installed
package, and a workbook written here in the layout of a bw2io fixture (write_vars_workbook)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, ROOT, run_cli

DATA = ROOT / "tests" / "data" / "bw2io"


def _dbs():
    import bw2data as bd

    return sorted(bd.databases)


def _import(*args, **kw):
    from ecolca.importers import import_database

    return import_database(*args, project=PROJECT, **kw)


# ---- ecospold2 ------------------------------------------------------------------------------------

def test_ecospold2_duplicate_code_refused_naming_both_files(bw_project, tmp_path):
    """Two .spold files of the same dataset (same activity and product ids) used to import as
    '1 activities', the other dropped without a word; bw2io itself raises NonuniqueCode."""
    from ecolca.importers import ImportError_

    src = next((DATA / "ecospold2").glob("*.spold"))
    folder = tmp_path / "es"
    folder.mkdir()
    shutil.copy(src, folder / "a-first.spold")
    shutil.copy(src, folder / "b-second.spold")
    before = _dbs()
    with pytest.raises(ImportError_) as exc:
        _import("ecospold2", folder, "t-es2-dup")
    assert "a-first.spold" in str(exc.value) and "b-second.spold" in str(exc.value)
    assert "same dataset" in str(exc.value)
    assert _dbs() == before


# ---- Excel with parameters and formulas -------------------------------------------------------------

def write_vars_workbook(path):
    """Write, with openpyxl, a workbook that reproduces the layout of bw2io's
    `tests/fixtures/excel/sample_activities_with_variables.xlsx` (brightway2-io, BSD-3-Clause; no
    copy of that file here): one sheet with a project parameter, database 'PCB' with three
    database parameters (one carrying a formula), activity 'mounted printed circuit board' (code
    'mpcb') with a "Parameters" group 'alpha group!' whose parameter is a formula, and exchanges
    whose amounts are 0 in the sheet with formulas: production = PCB_mass_total (the sum of the
    three database parameters) and technosphere input = PCB_area * 2. The values are the
    fixture's (0.25 m² and 0.2 kg each), so the amounts are the issue's 0.5 and 0.6."""
    import openpyxl

    rows = [
        ["Project parameters"],
        ["name", "formula", "amount"],
        ["PCB_area", None, 0.25],
        [],
        ["Database", "PCB"],
        ["format", "Excel spreadsheet"],
        [],
        ["Database parameters"],
        ["name", "amount", "unit", "comment", "formula"],
        ["PCB_cap_mass_film", 0.2, "kilogram"],
        ["PCB_cap_mass_SMD", 0.2, "kilogram"],
        # a database parameter with a formula (evaluated to the same 0.2 as the fixture's)
        ["PCB_cap_mass_Tantalum", 0, "kilogram", None, "PCB_cap_mass_film"],
        [],
        ["Activity", "mounted printed circuit board"],
        ["code", "mpcb"],
        ["location", "GLO"],
        ["type", "process"],
        ["unit", "kilogram"],
        [],
        ["Parameters", "alpha group!"],
        ["name", "amount", "formula"],
        ["PCB_mass_total", 0, "PCB_cap_mass_film + PCB_cap_mass_SMD + PCB_cap_mass_Tantalum"],
        [],
        ["Exchanges"],
        ["name", "amount", "unit", "database", "location", "type", "formula"],
        ["unmounted printed circuit board", 0, "square meter", "PCB", "GLO", "technosphere",
         "PCB_area * 2"],
        ["mounted printed circuit board", 0, "kilogram", "PCB", "GLO", "production",
         "PCB_mass_total"],
        [],
        ["Activity", "unmounted printed circuit board"],
        ["categories", "electronics::board"],
        ["location", "GLO"],
        ["production amount", 1],
        ["type", "process"],
        ["unit", "square meter"],
        [],
        ["Exchanges"],
        ["name", "amount", "unit", "database", "location", "type"],
        ["unmounted printed circuit board", 1, "square meter", "PCB", "GLO", "production"],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "PCB inventory"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def vars_xlsx(tmp_path):
    return write_vars_workbook(tmp_path / "sample_activities_with_variables.xlsx")


def _sheet_values(path, sheet: int = 0) -> dict:
    """name → amount or formula of every parameter row of a workbook in bw2io's Excel layout
    (read from the workbook, not typed here)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    out, section, header = {}, None, None
    for row in wb.worksheets[sheet].iter_rows(values_only=True):
        first = row[0]
        if first in ("Project parameters", "Database parameters", "Parameters", "Exchanges",
                     "Activity", "Database"):
            section, header = first, None
            continue
        if section and section.endswith("arameters"):
            if header is None:
                header = list(row)
                continue
            if first:
                formula = row[header.index("formula")] if "formula" in header else None
                out[first] = formula or row[header.index("amount")]
    return out


def _values(params: dict) -> dict:
    """The parameters' values: plain numbers, formulas evaluated here with asteval (through
    bw2parameters, not ecolca's code) in the order the sheet allows."""
    from bw2parameters import Interpreter

    out = {k: v for k, v in params.items() if not isinstance(v, str)}
    for _ in range(len(params)):
        for k, v in params.items():
            if k not in out and isinstance(v, str):
                interp = Interpreter()
                interp.add_symbols(out)
                value = interp(v)
                if not interp.error:
                    out[k] = value
    assert set(out) == set(params), f"not evaluated: {set(params) - set(out)}"
    return out


def test_excel_parameters_and_formulas_evaluated(bw_project, vars_xlsx):
    """A workbook of bw2io's sample with variables (its layout and values, written by
    write_vars_workbook): the production (formula PCB_mass_total, the sum of three database
    parameters) and the technosphere input (PCB_area * 2) were written as 0 with the formulas
    kept and no parameter stored, so the LCA was singular (NaN)."""
    import bw2calc as bc
    import bw2data as bd

    v = _values(_sheet_values(vars_xlsx))
    want_production = v["PCB_cap_mass_film"] + v["PCB_cap_mass_SMD"] + v["PCB_cap_mass_Tantalum"]
    want_input = v["PCB_area"] * 2
    s = _import("excel", vars_xlsx, "t-xl-vars", replace=True)
    act = bd.get_node(database="t-xl-vars", code="mpcb")
    prod = list(act.production())
    tech = list(act.technosphere())
    assert len(prod) == 1 and prod[0]["amount"] == pytest.approx(want_production)  # 0.6
    assert len(tech) == 1 and tech[0]["amount"] == pytest.approx(want_input)  # 0.5
    assert any("exchange formula(s) evaluated" in n for n in s.notes)
    meta = bd.databases["t-xl-vars"]["ecolca_import_parameters"]
    assert meta["database"]["PCB_cap_mass_film"] == v["PCB_cap_mass_film"]
    assert meta["database"]["PCB_cap_mass_Tantalum"] == pytest.approx(v["PCB_cap_mass_Tantalum"])
    assert meta["activity"]["alpha group!"]["PCB_mass_total"] == pytest.approx(want_production)
    lca = bc.LCA({act: 1.0})
    lca.lci()
    board = bd.get_node(database="t-xl-vars", name="unmounted printed circuit board")
    assert lca.supply_array[lca.dicts.activity[board.id]] == pytest.approx(
        want_input / want_production)


def test_excel_formula_with_unknown_parameter_refused_by_name(bw_project, vars_xlsx, tmp_path):
    import openpyxl

    from ecolca.importers import ImportError_

    wb = openpyxl.load_workbook(vars_xlsx)
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        if row[0].value == "PCB_cap_mass_SMD":  # the database parameter the formula needs
            for c in row:
                c.value = None
    path = tmp_path / "missing-param.xlsx"
    wb.save(path)
    before = _dbs()
    with pytest.raises(ImportError_, match=r"PCB_mass_total.*PCB_cap_mass_SMD"):
        _import("excel", path, "t-xl-missing")
    assert _dbs() == before


# ---- bw2io's own parameterized example (shipped in its PyPI package) --------------------------------

def _bw2io_example():
    from importlib.resources import files

    path = Path(str(files("bw2io") / "data/examples/sample_parameterized_database.xlsx"))
    if not path.is_file():
        pytest.skip(f"bw2io's example workbook absent: {path}")
    return path


def test_bw2io_parameterized_example_refused_for_its_own_co2(bw_project):
    """bw2io's 'Mobility example' defines its only elementary flow, 'CO2', itself (sheet
    "Biosphere", type 'emission', in its own database): no method of the project characterizes it,
    so its three biosphere exchanges would score 0. The refusal says so, naming the flow."""
    from ecolca.importers import UnlinkedError

    before = _dbs()
    with pytest.raises(UnlinkedError) as exc:
        _import("excel", _bw2io_example(), "t-xl-mobility")
    msg = str(exc.value)
    assert "3 of 3 biosphere exchanges" in msg
    assert ("'CO2' is an elementary flow that the workbook defines itself (type 'emission' in "
            "its database 'Mobility example'), not a flow of biosphere3") in msg
    assert "--allow-unlinked" in msg
    assert _dbs() == before


def test_bw2io_parameterized_example_formulas_evaluated(bw_project):
    """With --allow-unlinked (CO2 left out, said in the summary) every exchange formula of bw2io's
    example, across its sheets, is written as its value, none as the sheet's 0."""
    import bw2data as bd

    path = _bw2io_example()
    v = _values(_sheet_values(path))  # the database parameters, first sheet
    s = _import("excel", path, "t-xl-mobility", allow_unlinked=True, replace=True)
    assert s.unlinked_biosphere == 3
    assert any("'CO2'" in n and "not written" in n for n in s.notes)
    db = bd.Database("t-xl-mobility")
    assert "CO2" not in {a["name"] for a in db}  # the workbook's flow is not an activity

    def amount(activity, input_name):
        act = db.get(name=activity)
        (e,) = [e for e in act.technosphere() if e.input["name"] == input_name]
        return e["amount"]

    assert amount("Driving an electric car", "Electric car") == pytest.approx(
        1 / v["lifetime_distance"])  # 1/200000
    assert amount("Electric car", "Steel") == pytest.approx(
        v["electric_car_mass"] - v["battery_energy_density"] * v["battery_capacity"])  # 1921
    formulas = [(a["name"], e) for a in db for e in a.exchanges() if e.get("formula")]
    assert len(formulas) == 8  # 9 formulas in the file, one on a CO2 exchange left out
    for name, e in formulas:
        assert e["amount"] == pytest.approx(_values({**v, "_x": e["formula"]})["_x"]), (
            name, e["formula"])
        assert e["amount"] != 0, (name, e["formula"])
    assert any("9 exchange formula(s) evaluated" in n for n in s.notes)


# ---- a production amount of 0 is refused in every format ------------------------------------------

def _zero_production_file(fmt: str, tmp_path):
    if fmt == "excel":
        import openpyxl

        wb = openpyxl.load_workbook(write_vars_workbook(tmp_path / "vars.xlsx"))
        ws = wb.worksheets[0]
        for row in ws.iter_rows():
            if row[0].value == "mounted printed circuit board" and row[5].value == "production":
                row[6].value = None  # the formula gone, the sheet's amount 0 stays
        path = tmp_path / "zero.xlsx"
        wb.save(path)
        return path, "mounted printed circuit board"
    if fmt == "ecospold2":
        src = next((DATA / "ecospold2").glob("*.spold")).read_text(encoding="utf-8")
        ref = 'amount="1" intermediateExchangeId="d4ee8f39-342b-4443-bbb9-c49b6801b5d6"'
        assert src.count(ref) == 1, "the fixture's reference product exchange (outputGroup 0)"
        text = src.replace(ref, ref.replace('amount="1"', 'amount="0"'))
        (tmp_path / "es").mkdir()
        (tmp_path / "es" / "a.spold").write_text(text, encoding="utf-8")
        return tmp_path / "es", "a.spold"
    if fmt == "simapro-csv":
        lines = (DATA / "simapro" / "inventory.csv").read_text(encoding="latin-1").splitlines()
        i = next(k for k, line in enumerate(lines) if line.strip() == "Products")
        cells = lines[i + 1].split(";")
        cells[2] = "0"
        lines[i + 1] = ";".join(cells)
        path = tmp_path / "zero.csv"
        path.write_text("\n".join(lines) + "\n", encoding="latin-1")
        return path, ""
    if fmt == "olca-jsonld":
        import json
        import zipfile

        src = ROOT.parent / "shared" / "data" / "lci" / "beef-cattle-finishing-jsonld.zip"
        if not src.is_file():
            src = ROOT.parents[1] / "shared" / "data" / "lci" / src.name
        if not src.is_file():
            pytest.skip(f"bw2io's JSON-LD fixture absent: {src} (see /work/shared/data/lci)")
        member = "processes/9f9e378b-7faa-4d4c-a419-3374b3632021.json"  # vitamin premix
        out = tmp_path / "zero.zip"
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for n in zin.namelist():
                data = zin.read(n)
                if n == member:
                    doc = json.loads(data)
                    for e in doc["exchanges"]:
                        if e.get("quantitativeReference"):
                            e["amount"] = 0.0
                    data = json.dumps(doc).encode("utf-8")
                z.writestr(n, data)
        return out, "vitamin premix production"
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", ["excel", "ecospold2", "simapro-csv", "olca-jsonld"])
def test_zero_production_refused(bw_project, tmp_path, fmt):
    from ecolca.importers import ImportError_

    path, activity = _zero_production_file(fmt, tmp_path)
    before = _dbs()
    with pytest.raises(ImportError_, match="production amount of 0") as exc:
        _import(fmt, path, f"t-zero-{fmt}", allow_unlinked=True)
    assert activity in str(exc.value)
    assert _dbs() == before


# ---- SimaPro CSV: elementary flows linked through randonneur_data ---------------------------------

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
# SimaPro rows (name; sub-compartment; unit; amount) added to the empty sections of bw2io's
# SimaPro 8.5 export inventory.csv: SimaPro's own flow names and compartments, one of them in
# grams (SimaPro allows any unit of the quantity), to air, water, soil and from resources
SIMAPRO_ROWS = {
    "Resources": ["Water, river;in water;m3;0.1;Undefined;0;0;0;",
                  "Gas, natural/m3;in ground;m3;0.05;Undefined;0;0;0;"],
    "Emissions to air": ["Carbon dioxide, fossil;high. pop.;kg;2;Undefined;0;0;0;",
                         "Carbon dioxide, fossil;;kg;1;Undefined;0;0;0;",
                         "Methane, fossil;low. pop.;g;500;Undefined;0;0;0;"],
    "Emissions to water": ["Phosphate;river;kg;0.01;Undefined;0;0;0;",
                           "Nitrate;groundwater;kg;0.02;Undefined;0;0;0;"],
    "Emissions to soil": ["Cadmium;agricultural;kg;0.000001;Undefined;0;0;0;"],
}


def _simapro_with_flows(tmp_path, rows=SIMAPRO_ROWS, name="flows.csv"):
    lines = (DATA / "simapro" / "inventory.csv").read_text(encoding="latin-1").splitlines()
    # the steel input links to no activity of this project: drop it, the test is about flows
    lines = [line for line in lines if not line.startswith("Steel, low-alloyed")]
    out = []
    for line in lines:
        out.append(line)
        if line.strip() in rows:
            out.extend(rows[line.strip()])
    path = tmp_path / name
    path.write_text("\n".join(out) + "\n", encoding="latin-1")
    return path


def test_simapro_elementary_flows_all_linked(bw_project, tmp_path):
    """Every elementary flow of a SimaPro process (air, water, soil, resources) links to
    biosphere3; on the old code none did (categories None), and the import was refused."""
    import bw2calc as bc
    import bw2data as bd

    path = _simapro_with_flows(tmp_path)
    s = _import("simapro-csv", path, "t-sp-flows", replace=True)
    n_rows = sum(len(v) for v in SIMAPRO_ROWS.values())
    assert (s.biosphere, s.unlinked_biosphere) == (n_rows, 0)
    assert sum(s.linked_by.values()) == n_rows
    assert s.linked_by.get("exact match") and s.linked_by.get("mapping")
    assert any(line.startswith("Linked: ") and "by exact match" in line for line in s.lines())
    act = next(iter(bd.Database("t-sp-flows")))
    by_flow = {}
    for exc in act.biosphere():
        by_flow.setdefault(exc["name"], []).append(exc)  # the SimaPro name
    co2 = by_flow["Carbon dioxide, fossil"]
    assert sorted(tuple(e.input["categories"]) for e in co2) == [
        ("air",), ("air", "urban air close to ground")]
    (ch4,) = by_flow["Methane, fossil"]
    assert ch4.input["unit"] == "kilogram" and ch4["amount"] == pytest.approx(0.5)  # 500 g
    assert ("soil", "agricultural") == tuple(by_flow["Cadmium"][0].input["categories"])
    assert by_flow["Water, river"][0].input["categories"] == ("natural resource", "in water")
    # the GWP score is Σ amount × CF of IPCC 2021 over the linked flows (3 kg CO2 + 0.5 kg CH4)
    cfs = {bd.get_node(id=i)["code"]: cf for i, cf in bd.Method(GWP).load()}
    expected = sum(e["amount"] * cfs.get(e.input["code"], 0.0) for e in act.biosphere())
    assert expected > 3.0
    lca = bc.LCA({act: 1.0}, GWP)
    lca.lci()
    lca.lcia()
    assert lca.score == pytest.approx(expected, rel=1e-6)  # bw2calc stores float32 values


def test_simapro_unlinked_flow_named_with_its_compartment(bw_project, tmp_path):
    """A flow with no ecoinvent counterpart is refused (over the 5 % limit) and the message names
    its SimaPro compartment (it used to print an empty one: "'Carbon dioxide, fossil' ()")."""
    from ecolca.importers import UnlinkedError

    rows = {"Emissions to air": ["Carbon dioxide, fossil;;kg;1;Undefined;0;0;0;",
                                 "Chromium compounds;;kg;0.001;Undefined;0;0;0;"]}
    path = _simapro_with_flows(tmp_path, rows, "unlinked.csv")
    with pytest.raises(UnlinkedError, match=r"'Chromium compounds' \(Emissions to air\)") as exc:
        _import("simapro-csv", path, "t-sp-unlinked")
    assert exc.value.summary.linked_by == {"exact match": 1}


def test_simapro_cli_summary_lists_linked_and_left_out(bw_project, tmp_path):
    path = _simapro_with_flows(tmp_path)
    r = run_cli("import", "simapro-csv", str(path), "--name", "t-sp-cli", "--replace", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "Linked: " in r.stdout and "by exact match" in r.stdout and "by mapping" in r.stdout


# ---- the summary says how the elementary flows were linked, in every format ------------------------

def test_summary_counts_links_ecospold2_and_excel(bw_project, tmp_path):
    """ecospold2 links by the ecoinvent flow id and Excel by name, categories and unit: both
    exact matches, counted in the summary (CLI and app print ``summary.lines()``)."""
    from bw2io.export import write_lci_excel

    s = _import("ecospold2", DATA / "ecospold2", "t-es2-links", replace=True)
    assert s.biosphere >= 1 and s.linked_by == {"exact match": s.biosphere}
    assert f"Linked: {s.biosphere:,} by exact match" in s.lines()
    path = write_lci_excel("ecolca-open", dirpath=str(tmp_path))
    s = _import("excel", path, "t-xl-links", replace=True)
    assert s.biosphere >= 1 and s.linked_by == {"exact match": s.biosphere}
    assert f"Linked: {s.biosphere:,} by exact match" in s.lines()


def test_unlinked_production_refused_even_with_allow_unlinked(bw_project, tmp_path):
    """A production exchange that links to nothing used to be dropped: Brightway then takes the
    activity's output as 1 (here instead of 0.6), a wrong scale that --allow-unlinked's "left out,
    scores 0" does not describe."""
    import openpyxl

    from ecolca.importers import UnlinkedError

    wb = openpyxl.load_workbook(write_vars_workbook(tmp_path / "vars.xlsx"))
    for row in wb.worksheets[0].iter_rows():
        if row[0].value == "mounted printed circuit board" and row[5].value == "production":
            row[0].value = "printed circuit board, mounted"  # not the activity's name
    path = tmp_path / "other-product-name.xlsx"
    wb.save(path)
    before = _dbs()
    with pytest.raises(UnlinkedError, match=r"1 production exchange\(s\) link to no activity "
                                            r"\('printed circuit board, mounted' 0\.6"):
        _import("excel", path, "t-xl-prod", allow_unlinked=True)
    assert _dbs() == before


def test_simapro_proxy_in_parent_compartment(bw_project, tmp_path):
    """A sub-compartment biosphere3 lacks for that flow (fossil CO2 'indoor': ecoinvent 3.9 has
    no indoor air flows, and randonneur_data maps none) links by proxy to the parent compartment
    (air, unspecified), counted as such in the summary."""
    import bw2data as bd

    rows = {"Emissions to air": ["Carbon dioxide, fossil;indoor;kg;1;Undefined;0;0;0;"]}
    path = _simapro_with_flows(tmp_path, rows, "proxy.csv")
    s = _import("simapro-csv", path, "t-sp-proxy", replace=True)
    assert s.linked_by == {"proxy": 1}
    assert "Linked: 1 by proxy" in s.lines()
    (exc,) = next(iter(bd.Database("t-sp-proxy"))).biosphere()
    assert exc.input["name"] == "Carbon dioxide, fossil" and tuple(exc.input["categories"]) == ("air",)


def test_app_import_summary_lists_links(qtbot, bw_project, tmp_path):
    """The app's import (File ▸ Import background database…) runs in a worker Job and shows
    ``summary.lines()`` when done: the 'Linked:' line is among them."""
    from ecolca.app.import_dialog import import_job

    path = _simapro_with_flows(tmp_path)
    job = import_job({"fmt": "simapro-csv", "path": str(path), "name": "t-sp-app",
                      "replace": True, "allow_unlinked": True}, PROJECT)
    got = {}
    job.succeeded.connect(lambda r: got.setdefault("ok", r))
    job.failed.connect(lambda m, d: got.setdefault("failed", m))
    with qtbot.waitSignal(job.done, timeout=120_000):
        job.start()
    job.wait()
    assert "ok" in got, got
    lines = got["ok"].lines()
    assert any(line.startswith("Linked: ") and "by exact match" in line and "by mapping" in line
               for line in lines), lines
