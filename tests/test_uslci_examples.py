"""Every bundled example rebased onto the real shipped US LCI (the ``uslci_project`` session
fixture, imported with no flag) with the shipped rebase mapping runs in the default methods, and
the fossil-energy methods are no longer zero where the example buys US LCI energy (issue #18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecolca.core import examples

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "databases" / "mappings" / "ecolca-open--uslci.csv"
CED = ("Cumulative Energy Demand (CED)", "energy resources: non-renewable", "energy content (HHV)")


@pytest.mark.parametrize("name", sorted(examples.available()))
def test_example_rebased_onto_uslci_runs_in_the_default_methods(uslci_project, name):
    from ecolca.lca.run import compare
    from ecolca.core.model import DEFAULT_METHODS
    from ecolca.park.rebase import parse_mapping, rebase

    db, _, _ = uslci_project
    mapping = parse_mapping(SHIPPED.read_text(encoding="utf-8").replace(",uslci,", f",{db},"),
                            SHIPPED.name)
    res = rebase(examples.load(name), mapping)
    assert res.moved, f"{name}: nothing moved onto US LCI"
    sc = res.scenario
    sc.methods = list(DEFAULT_METHODS)
    from conftest import USLCI_PROJECT

    results = compare(sc, project=USLCI_PROJECT)
    assert [tuple(r.method) for r in results.impacts] == [tuple(m) for m in DEFAULT_METHODS]
    ced = next(r for r in results.impacts if tuple(r.method) == CED)
    uses_energy = any(m.row.to_key[1] in (
        "89389d98-1ba6-30c5-9c33-92443694936b", "7b1dbcce-4271-3933-808f-8c72f4615bb6",
        "317adcbc-b3e3-3ec3-80c3-82b18d0f3207", "9d9b6815-9349-30af-869b-57362428c42e",
        "5b81b61c-4d10-3bed-9926-8a5f868f5174") for m in res.moved)
    if uses_energy:  # grid power, coal, boiler fuels from US LCI: fossil energy is counted now
        assert ced.linear != 0.0
