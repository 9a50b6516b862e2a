"""The disclosure view (issue #12, point 2): one site's own inventory change, and apart from it
the benefit attributed under a key; never the one added into the other."""

from __future__ import annotations

import copy
import io
import json

import openpyxl
import pytest

from conftest import PROJECT
from ecolca.core import examples, scenario_file
from ecolca import lca
from ecolca.park.disclosure import INVENTORY_KEY, disclose, format_text, to_json
from ecolca.core.errors import EcolcaError
from ecolca.core.model import ATTRIBUTION_KEYS
from ecolca.report import render

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
# the GHG Protocol passage read for avoided emissions reported separately (docs/confidentiality.md)
GHG_CITATION = ("GHG Protocol, Corporate Value Chain (Scope 3) Accounting and Reporting Standard "
                "(WRI/WBCSD 2011), section 9.5 Accounting for avoided emissions, p. 108")


@pytest.fixture(scope="module")
def kalundborg(_bw_project_built):
    sc = examples.load("kalundborg")
    return sc, lca.compare(sc, project=PROJECT)


def _site(res, method, key, sid):
    return next(r for r in res.site_results(method, key) if r.site_id == sid)


def test_inventory_is_the_physical_key_under_every_key(kalundborg):
    sc, res = kalundborg
    for sid in ("asnaes", "gyproc"):
        inv = None
        for key in ATTRIBUTION_KEYS:
            d = disclose(sc, res, sid, key)
            lines = {i.method: i for i in d.impacts}
            now = [(i.inventory_linear, i.inventory_symbiotic) for i in d.impacts]
            assert inv is None or now == inv, "the inventory moved with the key"
            inv = now
            for m, i in lines.items():
                phys, keyed = _site(res, m, INVENTORY_KEY, sid), _site(res, m, key, sid)
                assert i.inventory_linear == phys.linear
                assert i.inventory_symbiotic == phys.symbiotic
                assert i.attributed_delta == pytest.approx(keyed.symbiotic - keyed.linear)
                assert i.inventory_delta + i.credit_outside_inventory == \
                    pytest.approx(i.attributed_delta)
    # attributed Δ over all sites is the park's Δ under every key (a split, not a new figure)
    for key in ATTRIBUTION_KEYS:
        total = sum(next(i for i in disclose(sc, res, s.id, key).impacts
                         if i.method == GWP).attributed_delta for s in sc.sites)
        assert total == pytest.approx(res.impact(GWP).delta, rel=1e-9)


def test_flows_diverted_and_secondary_share(kalundborg):
    sc, res = kalundborg
    gy = disclose(sc, res, "gyproc", "supplier")
    q = sc.exchange("gypsum-to-gyproc").amount
    nat = next(f for f in gy.flows if f.group == "purchased material")
    assert nat.linear == sc.site("gyproc").flow("gypsum").amount
    assert nat.symbiotic == pytest.approx(nat.linear - q)
    # all of its material input is FGD gypsum in S (secondary share 100 %), none in L
    assert gy.secondary.secondary_t == pytest.approx(q)
    assert gy.secondary.symbiotic_share == pytest.approx(q / (nat.symbiotic + q))
    assert gy.secondary.linear_share == 0.0
    asn = disclose(sc, res, "asnaes", "supplier")
    gyp = next(v for v in asn.diverted if v.exchange_id == "gypsum-to-gyproc")
    assert gyp.tonnes == pytest.approx(q) and "Gyproc" in gyp.destination
    assert gyp.hazardous == "not declared" and gyp.recovery_operation == "not declared"
    steam = next(v for v in asn.diverted if v.exchange_id == "steam-to-refinery")
    assert steam.tonnes is None or steam.unit == "t"
    text = "\n".join(format_text(asn, lambda x: f"{x:.4g}" if x is not None else "-"))
    assert "ESRS E5" in text and "reported separately" in text and GHG_CITATION in text
    # only what could be read with a locator is cited (docs/confidentiality.md, Sources)
    assert "37(b)" in text and "31(c)" not in text and "chapter 8" not in text
    with pytest.raises(EcolcaError, match="not a site"):
        disclose(sc, res, "nowhere", "physical")


def test_disclosure_sheet_never_adds_the_credit_into_the_inventory(kalundborg):
    """Gyproc under the supplier key: its own inventory falls by the gypsum it no longer buys,
    while the key gives that benefit to Asnæs. The sheet's inventory rows hold the physical
    figures; the attributed Δ stands on its own row; no inventory cell holds L + attributed Δ."""
    sc, res = kalundborg
    res = copy.copy(res)
    res.metadata = dict(res.metadata, disclosure={"site": "gyproc", "key": "supplier"})
    wb = openpyxl.load_workbook(io.BytesIO(render(res, sc, only={"Disclosure"})),
                                read_only=True)
    assert wb.sheetnames == ["Disclosure"]
    rows = [r for r in wb["Disclosure"].iter_rows(values_only=True)]
    label = " | ".join(GWP)
    a = next(r for r in rows if r[0] == "A. own impact (physical key)" and
             r[1] == label)
    b = next(r for r in rows if r[0] and str(r[0]).startswith("B. attributed") and r[1] == label)
    phys, keyed = _site(res, GWP, "physical", "gyproc"), _site(res, GWP, "supplier", "gyproc")
    assert a[3] == pytest.approx(phys.linear) and a[4] == pytest.approx(phys.symbiotic)
    assert a[5] == pytest.approx(phys.symbiotic - phys.linear)
    assert b[3] is None and b[4] is None
    assert b[5] == pytest.approx(keyed.symbiotic - keyed.linear, abs=1e-6 * abs(phys.linear))
    netted = phys.linear + (keyed.symbiotic - keyed.linear)
    assert abs(phys.symbiotic - netted) > 1e-3 * abs(phys.linear), "test needs keys that differ"
    # no symbiotic inventory figure is L + the attributed Δ (here that would be L itself)
    inventory_s = [r[4] for r in rows if r[0] and str(r[0]).startswith("A. own impact")]
    assert inventory_s and all(v != pytest.approx(netted, rel=1e-9) for v in inventory_s)


def test_cli_disclose_json_and_report(bw_project, tmp_path, monkeypatch, capsys):
    from ecolca import cli

    monkeypatch.setenv("ECOLCA_PROJECT", PROJECT)
    sc = examples.load("kalundborg")
    sc.site("novo").confidential = True
    src = tmp_path / "k.ecolca.json"
    scenario_file.save(sc, src)
    out = tmp_path / "asnaes.xlsx"
    assert cli.main(["disclose", str(src), "--site", "asnaes", "--key", "supplier", "--json",
                     "--report", str(out), "--audience", "park"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "ecolca-disclosure" and data["attributed"]["key"] == "supplier"
    assert data["inventory"]["impacts"] and data["diverted_from_disposal"]
    # format 2: each diverted residue's exchange category is "category" (issue #21, "kind" before)
    assert data["format_version"] == 2
    assert {v["category"] for v in data["diverted_from_disposal"]} == {"by-product", "energy"}
    # the partner that is confidential is masked in the destination
    assert not any("Novo" in v["destination"] for v in data["diverted_from_disposal"])
    assert any(GHG_CITATION in c for c in data["citations"])
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Confidentiality", "Disclosure"]
    cells = [str(v) for r in wb["Disclosure"].iter_rows(values_only=True) for v in r if v]
    assert any(GHG_CITATION in c for c in cells), "the sheet cites the Scope 3 Standard"
    # the text output cites it too
    assert cli.main(["disclose", str(src), "--site", "gyproc", "--key", "physical"]) == 0
    printed = capsys.readouterr().out
    assert "Sources:" in printed and GHG_CITATION in printed
    assert to_json  # the same function the CLI prints
    # a confidential site's disclosure is internal only
    assert cli.main(["disclose", str(src), "--site", "novo", "--key", "physical",
                     "--audience", "park"]) == 1
