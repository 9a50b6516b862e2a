"""The public API (ecolca.load/compare/…, docs/api.md): tidy DataFrames, what-ifs on the run's
solve, the caller's Brightway project never left switched, typed errors, an import without side
effects, and the notebook docs/examples/api-tour.ipynb run end to end (issue #21)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, ROOT

NOTEBOOK = ROOT / "docs" / "examples" / "api-tour.ipynb"


def _env(bw_dir, **extra) -> dict:
    env = dict(os.environ, BRIGHTWAY_DIR=str(bw_dir), BRIGHTWAY2_DIR=str(bw_dir),
               PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("ECOLCA_PROJECT", None)
    env.update(extra)
    return env


_IMPORT_PROBE = """
import os, sys, warnings
before = (list(sys.meta_path), list(warnings.filters), dict(os.environ))
import ecolca
names = dir(ecolca)
after = (list(sys.meta_path), list(warnings.filters), dict(os.environ))
print("meta_path", before[0] == after[0])
print("warnings", before[1] == after[1])
print("environ", before[2] == after[2])
print("bw2data", "bw2data" in sys.modules)
print("pandas", "pandas" in sys.modules)
print("names", " ".join(names))
"""


def test_import_ecolca_changes_nothing_in_the_process(tmp_path):
    """`import ecolca` adds no import hook, no warnings filter, sets no environment variable and
    creates no folder (it did all four); it loads neither bw2data nor pandas; `dir(ecolca)` is
    the public API, not `_configure_environment`/`_lighten`/`bwcompat`."""
    target = tmp_path / "not-yet"
    env = _env(target)
    env.pop("BRIGHTWAY2_DIR")
    out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True,
                         env=env, check=True).stdout
    got = dict(line.split(" ", 1) for line in out.strip().splitlines())
    assert got["meta_path"] == "True"
    assert got["warnings"] == "True"
    assert got["environ"] == "True"
    assert got["bw2data"] == "False" and got["pandas"] == "False"
    assert not target.exists()
    names = got["names"].split()
    assert {"load", "save", "compare", "suggest", "rebase", "import_database", "Comparison",
            "ScenarioError"} <= set(names)
    assert not {"_configure_environment", "_lighten", "bwcompat"} & set(names)


def test_the_engine_still_applies_brightway_dir_from_python(tmp_path):
    """Without the import-time set-up, ecolca's engine still applies BRIGHTWAY_DIR when it runs
    (bwcompat.configure from the API): a folder named only by BRIGHTWAY_DIR is created and used."""
    target = tmp_path / "bw"
    env = _env(target)
    env.pop("BRIGHTWAY2_DIR")
    code = ("import ecolca\n"
            "try:\n    ecolca.compare('gypsum-ash')\n"
            "except ecolca.SetupError as e:\n    print('setup:', e)\n"
            "import bw2data\nprint(bw2data.projects._base_data_dir)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout.strip().splitlines()
    said = [line for line in out if line.startswith("setup:")]
    assert said and "ecolca setup" in said[0]  # no project there yet
    assert Path(out[-1]).resolve() == target.resolve()


def test_the_done_when_one_liner(bw_project, bw_dir):
    """Issue #21's acceptance line, in a fresh process: the user's project 'mine' is current
    before and after a comparison run in the ecolca project."""
    code = ("import ecolca, bw2data as bd; bd.projects.set_current('mine'); "
            f"c = ecolca.compare(ecolca.load('gypsum-ash'), project={PROJECT!r}); "
            "print(c.impacts[['method', 'linear', 'symbiotic', 'delta']]); "
            "assert bd.projects.current == 'mine'; print('current:', bd.projects.current)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=_env(bw_dir), timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "current: mine" in r.stdout and "delta" in r.stdout


def test_compare_never_leaves_the_project_switched(bw_project, example):
    import bw2data as bd

    import ecolca

    bd.projects.set_current("someone-elses")
    try:
        c = ecolca.compare(example, project=PROJECT)
        assert bd.projects.current == "someone-elses"
        assert c.project == PROJECT
        bad = ecolca.load("gypsum-ash")
        bad.exchanges[0].amount = -5
        with pytest.raises(ecolca.ScenarioError) as err:
            ecolca.compare(bad, project=PROJECT)
        assert err.value.problems and any("amount" in str(p) for p in err.value.problems)
        assert bd.projects.current == "someone-elses"
        with pytest.raises(ecolca.SetupError, match="does not exist"):
            ecolca.compare(example, project="no-such-project")
        assert bd.projects.current == "someone-elses"
    finally:
        bd.projects.set_current(PROJECT)


@pytest.fixture(scope="module")
def comparison(_bw_project_built):
    import ecolca

    return ecolca.compare(ecolca.load("gypsum-ash"), project=PROJECT)


def test_tables_are_tidy_with_units(comparison):
    c, res = comparison, comparison.results
    n_m, n_x, n_s = len(res.methods), len(c.scenario.exchanges), len(c.scenario.sites)
    imp = c.impacts
    assert list(imp.columns[:6]) == ["method", "method_key", "unit", "linear", "symbiotic", "delta"]
    assert len(imp) == n_m and imp["unit"].astype(bool).all()
    doc = json.loads(c.to_json())
    for (_, row), j in zip(imp.iterrows(), doc["impacts"]):
        assert row["method_key"] == tuple(j["method"]) and row["unit"] == j["unit"]
        if j["delta"] is None:  # not covered: NaN, never 0
            assert math.isnan(row["delta"]) and row["coverage"]
        else:
            assert row["delta"] == pytest.approx(j["delta"])
    assert len(c.exchanges) == n_m * n_x
    assert len(c.sites()) == n_m * n_s and set(c.sites()["key"]) == {res.attribution_key}
    assert set(c.sites(key="economic")["key"]) == {"economic"}
    with pytest.raises(ValueError, match="'nope'"):
        c.sites(key="nope")
    assert len(c.economics) == n_s and (c.economics["unit"] == f"{res.currency}/year").all()
    assert len(c.inventory) == len(res.inventory) and c.inventory["unit"].astype(bool).all()
    contrib = c.contributions
    for mc in res.contributions:  # per method the rows add up to L and S
        rows = contrib[contrib["method"] == " | ".join(mc.method)]
        assert rows["linear"].sum() == pytest.approx(mc.linear, rel=1e-9, abs=1e-12)
    assert c.uncertainty.empty  # iterations=0: not computed


def test_unknown_keys_raise_key_error_naming_them(comparison):
    """Results.impact(("nope",)) raised StopIteration."""
    with pytest.raises(KeyError, match="nope"):
        comparison.results.impact(("nope",))
    with pytest.raises(KeyError, match="nope"):
        comparison.impact(("nope",))
    with pytest.raises(KeyError, match="no-such-exchange"):
        comparison.with_exchange("no-such-exchange", amount=1)
    with pytest.raises(TypeError, match="colour"):
        comparison.with_exchange(comparison.scenario.exchanges[0].id, colour="red")
    with pytest.raises(TypeError, match="colour"):
        comparison.evaluate(colour="red")


def test_what_if_reuses_the_solve_and_matches_a_full_run(comparison, monkeypatch, tmp_path):
    """with_exchange evaluates on the run's unit scores (no Brightway solve: the solver is
    not called) and gives the numbers a full comparison of the changed scenario gives."""
    import ecolca
    from ecolca.brightway import bwcompat
    from ecolca.lca import solve

    ex = comparison.scenario.exchanges[0]
    calls = []
    for mod, name in ((bwcompat, "scores_multilca"), (solve, "keep_solver"),
                      (solve, "solve_more")):
        monkeypatch.setattr(mod, name, lambda *a, **k: calls.append(1) or 1 / 0)
    w = comparison.with_exchange(ex.id, amount=ex.amount / 2)
    assert calls == [] and w.what_if
    assert comparison.scenario.exchanges[0].amount == ex.amount  # the original is unchanged
    monkeypatch.undo()
    full = ecolca.compare(w.scenario, project=PROJECT)
    for a, b in zip(w.impacts["delta"], full.impacts["delta"]):
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-9)
    assert not w.impacts["delta"].equals(comparison.impacts["delta"])
    with pytest.raises(ecolca.ScenarioError, match="amount"):
        comparison.with_exchange(ex.id, amount=1e12)
    assert "no new Brightway calculation" in json.loads(w.to_json())["metadata"]["live"]
    assert w.to_excel(tmp_path / "what-if.xlsx").stat().st_size > 0


def test_load_save_and_errors(tmp_path):
    import ecolca

    sc = ecolca.load("gypsum-ash")
    p = ecolca.save(sc, tmp_path / "park.ecolca.json")
    again = ecolca.load(p)
    assert again.name == sc.name and len(again.exchanges) == len(sc.exchanges)
    with pytest.raises(ecolca.ScenarioError, match="no-such-thing"):
        ecolca.load(tmp_path / "no-such-thing.ecolca.json")
    (tmp_path / "bad.ecolca.json").write_text("{", encoding="utf-8")
    with pytest.raises(ecolca.ScenarioError):
        ecolca.load(tmp_path / "bad.ecolca.json")


def test_import_failed_is_the_new_name_of_import_error_():
    import ecolca
    from ecolca.importers import ImportError_, UnlinkedError

    assert ecolca.ImportFailed is ImportError_
    assert issubclass(UnlinkedError, ecolca.ImportFailed)
    assert issubclass(ecolca.ImportFailed, ecolca.EcolcaError)


def test_suggest_and_rebase_are_the_api_functions_and_the_modules_live_in_park(bw_project):
    """``ecolca.park.suggest`` / ``ecolca.park.rebase`` are the API's functions; the tools' modules are
    ``ecolca.park.suggest`` / ``ecolca.park.rebase`` (once they shared the name, and the modules
    were made callable by swapping their class)."""
    import types

    import bw2data as bd

    import ecolca
    from ecolca import api
    from ecolca.park import rebase as rebase_module
    from ecolca.park import suggest as suggest_module

    assert ecolca.suggest is api.suggest and ecolca.rebase is api.rebase
    assert isinstance(ecolca.suggest, types.FunctionType)
    assert type(suggest_module) is types.ModuleType and type(rebase_module) is types.ModuleType
    bd.projects.set_current("someone-elses")
    try:
        s = ecolca.suggest(ecolca.load("gypsum-ash"), top=2, project=PROJECT)
        assert s.candidates and bd.projects.current == "someone-elses"
        assert suggest_module.to_json(s)["candidates"]
    finally:
        bd.projects.set_current(PROJECT)


def test_rebase_and_import_database_raise_typed_errors_and_restore_the_project(bw_project,
                                                                              tmp_path):
    import bw2data as bd

    import ecolca

    bd.projects.set_current("someone-elses")
    try:
        with pytest.raises(ecolca.ImportFailed, match="missing.zip"):
            ecolca.import_database(tmp_path / "missing.zip", "olca-jsonld", project=PROJECT)
        assert bd.projects.current == "someone-elses"
        mapping = ROOT / "databases" / "mappings" / "ecolca-open--uslci.csv"
        # the session project has no US LCI: the rows' targets are not found, each one named
        with pytest.raises(ecolca.MappingError, match="field 'to_code'") as err:
            ecolca.rebase("gypsum-ash", mapping, project=PROJECT)
        assert err.value.problems
        assert bd.projects.current == "someone-elses"
    finally:
        bd.projects.set_current(PROJECT)


def test_docs_api_md_shows_every_public_name():
    import ecolca

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in ecolca.__all__:
        if name != "__version__":
            assert f"ecolca.{name}" in text, name
    for member in ("impacts", "exchanges", "sites(", "economics", "inventory", "contributions",
                   "uncertainty", "to_json(", "to_excel(", "evaluate(", "with_exchange("):
        assert f".{member}" in text, member


def test_the_notebook_runs_end_to_end(bw_project, tmp_path, monkeypatch):
    """docs/examples/api-tour.ipynb: every code cell, in order, in the session's project (the
    cells as a script: nbclient is not a dependency)."""
    import bw2data as bd

    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(cells) >= 10
    monkeypatch.setenv("ECOLCA_PROJECT", PROJECT)
    monkeypatch.chdir(tmp_path)
    bd.projects.set_current("notebook-user")
    try:
        ns: dict = {"__name__": "__notebook__"}
        for i, src in enumerate(cells):
            exec(compile(src, f"{NOTEBOOK.name} cell {i + 1}", "exec"), ns)  # noqa: S102
        assert bd.projects.current == "notebook-user"
        assert (tmp_path / "gypsum-ash-report.xlsx").stat().st_size > 0
        assert not ns["mc"].uncertainty.empty
    finally:
        bd.projects.set_current(PROJECT)
