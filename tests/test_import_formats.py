"""Imports of each format on small files the tests build or ship (bw2io's fixtures in
tests/data/bw2io, BSD-3-Clause; a trimmed JSON-LD zip made from the shipped US LCI): counts, one
hand-checked LCA score, refusals, and that a failure leaves the project unchanged."""

from __future__ import annotations

import functools
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import PROJECT, ROOT, run_cli

DATA = ROOT / "tests" / "data" / "bw2io"
USLCI = ROOT / "databases" / "uslci" / "uslci-fy17-olca1.5-jsonld.zip"
GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
CO2_FOSSIL = "349b29d1-3e58-4c66-98b9-9d1a076efd2e"  # biosphere3 'Carbon dioxide, fossil' (air)


def _score(db: str, code: str) -> float:
    import bw2calc as bc
    import bw2data as bd

    lca = bc.LCA({bd.get_node(database=db, code=code): 1.0}, GWP)
    lca.lci()
    lca.lcia()
    return float(lca.score)


def _dbs():
    import bw2data as bd

    return sorted(bd.databases)


@pytest.fixture()
def trimmed_jsonld(tmp_path) -> Path:
    """A JSON-LD zip with two US LCI processes: the single-unit truck (long-haul, West) and, to
    test linking, one process that consumes its product is not needed; the truck's inputs without
    a producer are cut off."""
    if not USLCI.is_file():
        pytest.skip(f"shipped US LCI zip absent: {USLCI}")
    src = zipfile.ZipFile(USLCI)
    truck = "processes/c2a7ddaa-164e-3a05-b063-221f68080142.json"
    out = tmp_path / "trimmed.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            top = n.split("/")[0]
            if top == "processes" and n != truck:
                continue
            if top in ("sources", "actors"):
                continue
            z.writestr(n, src.read(n))
    return out


def test_jsonld_trimmed_counts_and_hand_checked_score(bare_project, trimmed_jsonld):
    import bw2data as bd

    from ecolca.importers import import_database as _imp
    import_database = functools.partial(_imp, project=bare_project)

    s = import_database("olca-jsonld", trimmed_jsonld, "t-jsonld", allow_unlinked=True,
                        replace=True)
    assert s.activities == 1
    act = bd.get_node(database="t-jsonld", code="c2a7ddaa-164e-3a05-b063-221f68080142")
    assert act["unit"] == "ton kilometer"
    doc = json.loads(zipfile.ZipFile(trimmed_jsonld).read(
        "processes/c2a7ddaa-164e-3a05-b063-221f68080142.json"))
    n_bio = sum(1 for e in doc["exchanges"] if e["flow"]["flowType"] == "ELEMENTARY_FLOW")
    assert s.biosphere_total == n_bio
    assert s.biosphere + s.unlinked_biosphere + s.kept == n_bio
    # every elementary exchange of the file is written (biosphere3 or the companion database)
    written = [e for e in act.biosphere()]
    assert len(written) == s.biosphere + s.kept
    # no product input has a producer in a one-process file (nor in this project): each is a
    # CUTOFF flow, the input of a co-product, or unlinked (written only with --allow-unlinked)
    n_tech_in = sum(1 for e in doc["exchanges"] if e["input"] and
                    e["flow"]["flowType"] == "PRODUCT_FLOW")
    assert s.count("cut-off") + s.count("co-product input") + s.unlinked_technosphere \
        == n_tech_in
    # hand check: the score is Σ amount × CF over the linked flows, with IPCC 2021's factors
    cfs = {bd.get_node(id=i)["code"]: cf for i, cf in bd.Method(GWP).load()}
    expected = sum(exc["amount"] * cfs.get(exc.input["code"], 0.0)
                   for exc in act.biosphere()) / 1.0
    co2 = [exc for exc in act.biosphere() if exc.input["code"] == CO2_FOSSIL]
    assert co2, "the truck's fossil CO2 must link to biosphere3"
    assert _score("t-jsonld", act["code"]) == pytest.approx(expected, rel=1e-6)
    assert expected > 0.9 * co2[0]["amount"]  # CO2 dominates a diesel truck's GWP


def test_jsonld_refused_without_allow_unlinked(bare_project, trimmed_jsonld, tmp_path):
    from ecolca.importers import UnlinkedError
    from ecolca.importers import import_database as _imp
    import_database = functools.partial(_imp, project=bare_project)

    before = _dbs()
    # refused: the truck's inputs have no producer in a one-process file (issue #18: as in the
    # Excel and SimaPro readers)
    with pytest.raises(UnlinkedError, match="technosphere exchange") as exc:
        import_database("olca-jsonld", trimmed_jsonld, "t-jsonld-refused",
                        unlinked_csv=tmp_path / "u.csv")
    assert _dbs() == before
    rows = (tmp_path / "u.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == len(exc.value.summary.rows) + 1 and rows[0].startswith("activity,")


def test_ecospold2_fixture_counts_and_score(bw_project, tmp_path):
    from ecolca.importers import import_database as _imp
    import_database = functools.partial(_imp, project=PROJECT)

    src = next((DATA / "ecospold2").glob("*.spold")).read_text(encoding="utf-8")
    # the same dataset with its elementary flow made 2 kg of fossil CO2: score 2 × CF(CO2) = 2
    text = src.replace('elementaryExchangeId="075e433b-4be4-448e-9510-9a5029c1ce94"',
                       f'elementaryExchangeId="{CO2_FOSSIL}"')
    text = text.replace('amount="123456" isCalculatedAmount="true" mathematicalRelation='
                        '"does_it_hurt_when_dropped_on_foot * 2"', 'amount="2"')
    assert text != src
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "a.spold").write_text(text, encoding="utf-8")
    s = import_database("ecospold2", tmp_path / "es", "t-es2", replace=True)
    assert (s.activities, s.production, s.biosphere) == (1, 1, 1)
    import bw2data as bd

    act = next(iter(bd.Database("t-es2")))
    assert _score("t-es2", act["code"]) == pytest.approx(2.0 / [e for e in act.production()][0]["amount"])


def test_ecospold2_unknown_flow_id_names_newer_release(bw_project, tmp_path):
    from ecolca.importers import UnlinkedError
    from ecolca.importers import import_database as _imp
    import_database = functools.partial(_imp, project=PROJECT)

    src = next((DATA / "ecospold2").glob("*.spold")).read_text(encoding="utf-8")
    text = src.replace("075e433b-4be4-448e-9510-9a5029c1ce94", "00000000-0000-4000-8000-000000000310")
    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "a.spold").write_text(text, encoding="utf-8")
    before = _dbs()
    with pytest.raises(UnlinkedError, match=r"newer ecoinvent release \(3\.10 or later\)"):
        import_database("ecospold2", tmp_path / "es", "t-es2-new")
    assert _dbs() == before


def test_excel_round_trip_of_ecolca_open(bw_project, tmp_path):
    from bw2io.export import write_lci_excel

    from ecolca.brightway.background import unit_scores
    from ecolca.importers import import_database as _imp
    import_database = functools.partial(_imp, project=PROJECT)

    path = Path(write_lci_excel("ecolca-open", dirpath=str(tmp_path)))
    s = import_database("excel", path, "t-excel", replace=True)
    import bw2data as bd

    assert s.activities == len(bd.Database("ecolca-open")) and not s.rows  # every exchange linked
    a, b = unit_scores(GWP, "ecolca-open"), unit_scores(GWP, "t-excel")
    assert set(a) == set(b)
    for code in a:
        assert b[code] == pytest.approx(a[code], rel=1e-9, abs=1e-15), code


def test_simapro_csv_fixture(bw_project, bw_dir):
    from ecolca.importers import import_database as _imp
    import_database = functools.partial(_imp, project=PROJECT)

    s = import_database("simapro-csv", DATA / "simapro" / "allocation.csv", "t-sp", replace=True)
    assert s.activities >= 2 and s.technosphere >= 1
    logs = bw_dir / "logs" / "simapro-csv"
    assert logs.is_dir() and any(logs.iterdir()), "bw_simapro_csv's logs go to the Brightway folder"


def test_simapro_unlinked_refused_and_csv(bw_project, tmp_path):
    r = run_cli("import", "simapro-csv", str(DATA / "simapro" / "inventory.csv"), "--name",
                "t-sp2", "--unlinked", str(tmp_path / "u.csv"))
    assert r.returncode == 1, r.stderr
    assert "1 technosphere exchange(s) link to no activity" in r.stderr
    assert "Steel, low-alloyed" in (tmp_path / "u.csv").read_text(encoding="utf-8")


def test_duplicate_name_refused_then_replace(bw_project, trimmed_jsonld):
    r = run_cli("import", "olca-jsonld", str(trimmed_jsonld), "--name", "ecolca-open")
    assert r.returncode == 1 and "already exists" in r.stderr and "--replace" in r.stderr


@pytest.mark.parametrize("where", ["write", "rename"])
def test_interrupt_leaves_nothing(bw_project, trimmed_jsonld, monkeypatch, where):
    import bw2data as bd

    from ecolca.importers import import_database as _imp
    from ecolca.brightway import swap
    import_database = functools.partial(_imp, project=PROJECT)
    from ecolca.importers.common import leftover_temporary_databases

    before = _dbs()
    if where == "write":
        real = bd.backends.SQLiteBackend._efficient_write_many_data

        def boom(self, *a, **k):
            real(self, *a, **k)
            raise KeyboardInterrupt
        monkeypatch.setattr(bd.backends.SQLiteBackend, "_efficient_write_many_data", boom)
    else:
        def boom(old, new):
            raise KeyboardInterrupt
        monkeypatch.setattr(swap, "_move_rows", boom)
    with pytest.raises(KeyboardInterrupt):
        import_database("olca-jsonld", trimmed_jsonld, "t-int", allow_unlinked=True)
    assert _dbs() == before and not leftover_temporary_databases()


def test_cancel_callback_leaves_nothing(bw_project, trimmed_jsonld):
    from ecolca.importers import import_database as _imp
    import_database = functools.partial(_imp, project=PROJECT)
    from ecolca.lca import Cancelled

    before = _dbs()
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(Cancelled):
        import_database("olca-jsonld", trimmed_jsonld, "t-cancel", allow_unlinked=True,
                        cancelled=cancelled)
    assert _dbs() == before


def test_replace_that_fails_after_the_swap_is_finished_by_the_next_command(
        bw_project, trimmed_jsonld, monkeypatch):
    """--replace: once the one transaction that moves the rows committed, the new database is
    the one under the name; a failure after it (here, processing the new database) leaves the
    journal, and the next command (the recovery in ``project.activate``) finishes the swap and
    leaves no temporary database. Kills at every step: tests/test_import_swap.py."""
    import bw2data as bd

    from ecolca.importers import import_database as _imp
    from ecolca.brightway import swap
    from ecolca.importers.common import leftover_temporary_databases
    import_database = functools.partial(_imp, project=PROJECT)

    import_database("olca-jsonld", trimmed_jsonld, "t-repl", allow_unlinked=True)
    codes = sorted(a["code"] for a in bd.Database("t-repl"))
    real = bd.backends.SQLiteBackend.process

    def fails(self, *a, **k):
        if self.name == "t-repl":
            raise OSError("disk full while processing the new database")
        return real(self, *a, **k)
    monkeypatch.setattr(bd.backends.SQLiteBackend, "process", fails)
    try:
        with pytest.raises(OSError):
            import_database("olca-jsonld", trimmed_jsonld, "t-repl", allow_unlinked=True,
                            replace=True)
        assert bd.databases["t-repl"].get("dirty")  # bw2data processes it before any use
        monkeypatch.setattr(bd.backends.SQLiteBackend, "process", real)
        assert swap.recover(report=lambda line: None) == [
            "completed the interrupted import of 't-repl' (the new data is in place)"]
        assert "t-repl" in bd.databases and not leftover_temporary_databases()
        assert not bd.databases["t-repl"].get("dirty")
        assert sorted(a["code"] for a in bd.Database("t-repl")) == codes
    finally:
        if "t-repl" in bd.databases:
            del bd.databases["t-repl"]
