"""openLCA JSON-LD uncertainty distributions reach the Brightway database (issue #18): each
exchange's ``uncertainty`` (olca-schema ``Uncertainty``) becomes stats_arrays fields, an unusable
one is counted in the import summary by reason, and the shipped US LCI keeps its distributions."""

from __future__ import annotations

import json
import math
import zipfile
from collections import Counter

import pytest

from conftest import USLCI_ZIP

KG, G = "u-kg", "u-g"
MASS = "fp-mass"


def _ex(flow: str, ftype: str, amount: float, unc: dict | None = None, unit: str = KG,
        **more) -> dict:
    e = {"@type": "Exchange", "flow": {"@id": flow, "flowType": ftype, "name": flow},
         "unit": {"@id": unit}, "flowProperty": {"@id": MASS}, "amount": amount,
         "input": True, **more}
    if unc is not None:
        e["uncertainty"] = {"@type": "Uncertainty", **unc}
    return e


def _ln(gm, gsd):
    return {"distributionType": "LOG_NORMAL_DISTRIBUTION", "geomMean": gm, "geomSd": gsd}


# (label, exchange): the inputs of process A, one distribution case each
CASES = [
    ("lognormal", _ex("Q", "PRODUCT_FLOW", 2.0, _ln(2.0, 1.5))),
    ("lognormal in g", _ex("Q", "PRODUCT_FLOW", 500.0, _ln(500.0, 1.2), unit=G)),
    ("normal", _ex("Q", "PRODUCT_FLOW", 3.0, {"distributionType": "NORMAL_DISTRIBUTION",
                                              "mean": 3.0, "sd": 0.3})),
    ("triangle", _ex("Q", "PRODUCT_FLOW", 2.0, {"distributionType": "TRIANGLE_DISTRIBUTION",
                                                "minimum": 1.0, "mode": 2.0, "maximum": 4.0})),
    ("uniform", _ex("Q", "PRODUCT_FLOW", 2.0, {"distributionType": "UNIFORM_DISTRIBUTION",
                                               "minimum": 1.0, "maximum": 3.0})),
    ("avoided lognormal", _ex("Q", "PRODUCT_FLOW", 1.0, _ln(1.0, 2.0), input=False,
                              avoidedProduct=True)),
    ("avoided triangle", _ex("Q", "PRODUCT_FLOW", 2.0,
                             {"distributionType": "TRIANGLE_DISTRIBUTION", "minimum": 1.0,
                              "mode": 2.5, "maximum": 4.0}, input=False, avoidedProduct=True)),
    ("emission lognormal", _ex("CO2", "ELEMENTARY_FLOW", 0.25, _ln(0.25, 1.1), input=False)),
    # unusable: each counted by reason
    ("gsd 0", _ex("Q", "PRODUCT_FLOW", 1.0, _ln(1.0, 0.0))),
    ("gsd 1", _ex("Q", "PRODUCT_FLOW", 1.0, _ln(1.0, 1.0))),
    ("no geomMean", _ex("Q", "PRODUCT_FLOW", 1.0, {"distributionType": "LOG_NORMAL_DISTRIBUTION",
                                                   "geomSd": 1.5})),
    ("min > max", _ex("Q", "PRODUCT_FLOW", 2.0, {"distributionType": "TRIANGLE_DISTRIBUTION",
                                                 "minimum": 3.0, "mode": 2.0, "maximum": 1.0})),
    ("uniform no spread", _ex("Q", "PRODUCT_FLOW", 2.0, {
        "distributionType": "UNIFORM_DISTRIBUTION", "minimum": 2.0, "maximum": 2.0})),
    ("normal NaN", _ex("Q", "PRODUCT_FLOW", 3.0, {"distributionType": "NORMAL_DISTRIBUTION",
                                                  "mean": 3.0, "sd": float("nan")})),
    ("unknown type", _ex("Q", "PRODUCT_FLOW", 1.0, {"distributionType": "PERT_DISTRIBUTION"})),
    ("none", _ex("Q", "PRODUCT_FLOW", 1.0)),
]


def _made_zip(path):
    docs = {
        "unit_groups/ug.json": {"@id": "ug", "name": "Units of mass", "units": [
            {"@id": KG, "name": "kg", "conversionFactor": 1.0, "referenceUnit": True},
            {"@id": G, "name": "g", "conversionFactor": 0.001}]},
        f"flow_properties/{MASS}.json": {"@id": MASS, "name": "Mass", "unitGroup": {"@id": "ug"}},
    }
    for fid, ftype, cat in (("P", "PRODUCT_FLOW", None), ("Q", "PRODUCT_FLOW", None),
                            ("CO2", "ELEMENTARY_FLOW", {"@id": "c-air", "name": "air"})):
        docs[f"flows/{fid}.json"] = {
            "@id": fid, "name": "Carbon dioxide, fossil" if fid == "CO2" else f"product {fid}",
            "flowType": ftype, "category": cat, "flowProperties": [
                {"flowProperty": {"@id": MASS}, "conversionFactor": 1.0,
                 "referenceFlowProperty": True}]}
    a = [_ex("P", "PRODUCT_FLOW", 1.0, input=False, quantitativeReference=True)]
    a += [e for _, e in CASES]
    docs["processes/A.json"] = {"@id": "A", "name": "process A", "exchanges": a}
    docs["processes/B.json"] = {"@id": "B", "name": "process B", "exchanges": [
        _ex("Q", "PRODUCT_FLOW", 1.0, input=False, quantitativeReference=True)]}
    with zipfile.ZipFile(path, "w") as z:
        for n, d in docs.items():
            z.writestr(n, json.dumps(d))  # NaN is written as NaN, as Java's writers do
    return path


def test_each_distribution_type_and_each_invalid_case(bw_project, tmp_path):
    import bw2data as bd

    from ecolca.importers import import_database

    s = import_database("olca-jsonld", _made_zip(tmp_path / "made.zip"), "unc-made",
                        project=bw_project, replace=True)
    excs = [e for e in bd.get_activity(("unc-made", "A")).exchanges() if e["type"] != "production"]
    assert len(excs) == len(CASES)
    got = [(e.get("uncertainty type", 0), e) for e in excs]
    by = {label: e for (label, _), (_, e) in zip(CASES, got)}
    # the order of the source is kept (one exchange each)
    assert [e["amount"] for e in excs][:2] == [2.0, 0.5]
    e = by["lognormal"]
    assert (e["uncertainty type"], e["loc"], e["scale"]) == (2, math.log(2.0), math.log(1.5))
    assert not e["negative"]
    e = by["lognormal in g"]  # 500 g: amount and geometric mean in kg, geomSd unchanged
    assert e["amount"] == pytest.approx(0.5)
    assert e["loc"] == pytest.approx(math.log(0.5)) and e["scale"] == pytest.approx(math.log(1.2))
    e = by["normal"]
    assert (e["uncertainty type"], e["loc"], e["scale"]) == (3, 3.0, 0.3)
    e = by["triangle"]
    assert (e["uncertainty type"], e["minimum"], e["loc"], e["maximum"]) == (5, 1.0, 2.0, 4.0)
    e = by["uniform"]
    assert (e["uncertainty type"], e["minimum"], e["maximum"]) == (4, 1.0, 3.0)
    e = by["avoided lognormal"]  # an avoided product is a negative input
    assert e["amount"] == -1.0 and e["uncertainty type"] == 2 and e["negative"] is True
    assert e["loc"] == 0.0 and e["scale"] == pytest.approx(math.log(2.0))
    e = by["avoided triangle"]  # negated: minimum and maximum swap
    assert (e["amount"], e["minimum"], e["loc"], e["maximum"]) == (-2.0, -4.0, -2.5, -1.0)
    e = by["emission lognormal"]
    assert e["type"] == "biosphere" and e["input"][0] == "biosphere3"
    assert e["loc"] == pytest.approx(math.log(0.25)) and not e["negative"]
    for label in ("gsd 0", "gsd 1", "no geomMean", "min > max", "uniform no spread",
                  "normal NaN", "unknown type", "none"):
        assert by[label].get("uncertainty type", 0) == 0, label
    # every case counted: by type, and the unusable ones by reason
    assert s.distributions == Counter({"lognormal": 4, "triangular": 2, "normal": 1,
                                       "uniform": 1})
    assert s.unusable == Counter({
        "lognormal with geomSd ≤ 1 (no spread; the data give 0 or 1)": 2,
        "lognormal without a finite geomMean and geomSd": 1,
        "triangular with minimum > maximum": 1,
        "uniform with minimum = maximum (no spread)": 1,
        "normal without a finite mean and sd": 1,
        "distribution type 'PERT_DISTRIBUTION' not read": 1})
    text = "\n".join(s.lines())
    assert f"Distributions: 8 of {s.exchanges} exchanges carry one (4 lognormal, 2 triangular, " \
           "1 normal, 1 uniform)" in text
    assert "7 distributions not usable" in text and "2 lognormal with geomSd ≤ 1" in text
    # the triangle whose mode (2.5) is not its amount (2.0) is reported, not changed
    assert "1 triangular (mode ≠ amount)" in text


def _usable(u: dict) -> bool:
    """The test's own reading of an openLCA distribution: usable when it has a spread."""
    t = u.get("distributionType")
    if t == "LOG_NORMAL_DISTRIBUTION":
        return u.get("geomSd", 0) > 1 and u.get("geomMean", 0) != 0
    if t == "NORMAL_DISTRIBUTION":
        return u.get("sd", 0) > 0
    if t == "TRIANGLE_DISTRIBUTION":
        return u["minimum"] <= u["mode"] <= u["maximum"] and u["minimum"] < u["maximum"]
    if t == "UNIFORM_DISTRIBUTION":
        return u["minimum"] < u["maximum"]
    return False


def _zip_distributions():
    z = zipfile.ZipFile(USLCI_ZIP)
    out = {}
    for n in z.namelist():
        if n.startswith("processes/") and n.endswith(".json"):
            d = json.loads(z.read(n))
            for i, e in enumerate(d.get("exchanges") or []):
                if e.get("uncertainty"):
                    out[(d["@id"], i)] = (d, e)
    return out


_TYPE = {"LOG_NORMAL_DISTRIBUTION": 2, "NORMAL_DISTRIBUTION": 3, "UNIFORM_DISTRIBUTION": 4,
         "TRIANGLE_DISTRIBUTION": 5}


def test_uslci_keeps_its_distributions(uslci_project):
    """The shipped US LCI: each process's usable distributions (read here from the zip's JSON,
    by the test's own rule) are in the database, type for type, except those on exchanges the
    summary lists as not written (cut-off, set aside); every unusable one is counted."""
    from bw2data.backends import ExchangeDataset as ED

    name, summary, _ = uslci_project
    found = _zip_distributions()
    assert len(found) == 5539  # the zip's exchanges with an uncertainty object
    not_written = {(r.activity_code, r.flow_id) for r in summary.rows}
    want: dict[str, Counter] = {}
    usable = elsewhere = 0
    for (pid, _), (d, e) in found.items():
        if not _usable(e["uncertainty"]):
            continue
        usable += 1
        if (pid, e["flow"]["@id"]) in not_written:
            elsewhere += 1
            continue
        want.setdefault(pid, Counter())[_TYPE[e["uncertainty"]["distributionType"]]] += 1
    got: dict[str, Counter] = {}
    for code, data in ED.select(ED.output_code, ED.data).where(
            ED.output_database == name).tuples():
        t = int(data.get("uncertainty type") or 0)
        if t >= 2:
            got.setdefault(code, Counter())[t] += 1
    assert got == want
    n_db = sum(sum(c.values()) for c in got.values())
    assert n_db == sum(summary.distributions.values()) == usable - elsewhere
    # the summary's counts, against the zip
    assert summary.distributions_read == len(found)
    assert sum(summary.unusable.values()) == len(found) - usable
    lines = summary.lines()
    assert f"Distributions: {n_db:,} of {summary.exchanges:,} exchanges carry one" in lines[
        next(i for i, x in enumerate(lines) if x.startswith("Distributions: "))]
    assert any(x.startswith(f"{len(found) - usable:,} distributions not usable") for x in lines)
    assert any(x.startswith(f"{elsewhere:,} usable distributions are on exchanges not written")
               for x in lines)


def test_uslci_monte_carlo_varies(uslci_project):
    """bw2calc with distributions on a US LCI activity that has some: the inventory differs
    between draws (before issue #18 it was the same every draw: no distribution was imported)."""
    import bw2calc as bc
    import bw2data as bd
    from bw2data.backends import ExchangeDataset as ED

    name, _, _ = uslci_project
    per = Counter(code for code, data in ED.select(ED.output_code, ED.data).where(
        ED.output_database == name).tuples() if int(data.get("uncertainty type") or 0) >= 2)
    assert per, "no US LCI exchange has a distribution"
    act = bd.get_activity((name, per.most_common(1)[0][0]))
    fu, objs, _ = bd.prepare_lca_inputs(demand={act: 1})
    lca = bc.LCA(fu, data_objs=objs, use_distributions=True, seed_override=7)
    lca.lci()
    totals = [float(lca.inventory.sum())]
    for _ in range(4):
        next(lca)
        totals.append(float(lca.inventory.sum()))
    assert len(set(totals)) == len(totals), totals


def test_uslci_one_exchange_by_hand(uslci_project):
    """Hardboard's potassium sulphate input: openLCA geomMean 1.2 kg, geomSd 1.4457 →
    loc = ln 1.2, scale = ln 1.4457 (the JSON read here, not copied)."""
    import bw2data as bd

    name, _, _ = uslci_project
    hit = None
    for (pid, i), (d, e) in sorted(_zip_distributions().items()):
        u = e["uncertainty"]
        if u["distributionType"] == "LOG_NORMAL_DISTRIBUTION" and u["geomSd"] > 1 and \
                e.get("input") and e["flow"].get("flowType") == "PRODUCT_FLOW" and \
                e["unit"].get("name") == "kg":
            hit = (pid, e)
            break
    assert hit, "US LCI has a product input with a lognormal distribution in kg"
    pid, e = hit
    u = e["uncertainty"]
    act = bd.get_activity((name, pid))
    mine = [x for x in act.technosphere() if x["amount"] == pytest.approx(e["amount"])
            and x.get("uncertainty type") == 2]
    assert len(mine) == 1
    assert mine[0]["loc"] == pytest.approx(math.log(u["geomMean"]))
    assert mine[0]["scale"] == pytest.approx(math.log(u["geomSd"]))
