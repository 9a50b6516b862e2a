"""Build ``fedefl--biosphere3.csv``: US LCI FY17 elementary flows → Federal Elementary Flow List
(FEDEFL) flowable and context → ecoinvent 3.9 biosphere3 flow, for the flows ecolca's JSON-LD
reader does not link by itself (bw2io's 2→3 migrations, exact name, synonym, compartment).

    PYTHONPATH=src .venv/bin/python databases/mappings/build_fedefl_biosphere3.py FEDEFL_DIR

``FEDEFL_DIR`` is a checkout of USEPA/fedelemflowlist (v1.3.1, MIT): its
``fedelemflowlist/flowmapping/USLCIv2019Q4.csv`` gives, for each US LCI flow (by its UUID, which
the FY17 JSON-LD keeps), the FEDEFL flowable, context, match condition and conversion factor;
``fedelemflowlist/input/*Flowables.csv`` give each flowable's CAS number and synonyms. The
biosphere3 flows are those of the current ecolca project (``ecolca setup``).

A row is written only when its basis is one of (in this order, first that holds):

* ``exact name``: the FEDEFL flowable is the biosphere3 flow's name (case and spaces aside);
* ``synonym``: a FEDEFL synonym of the flowable is the biosphere3 name, or the flowable is one
  biosphere3 synonym of exactly one flow;
* ``CAS``: the flowable's CAS number (FEDEFL) is the biosphere3 flow's CAS number (one flow);
* ``synonym (ecoinvent 2 name …)``: a resource whose US LCI name is a biosphere3 name with
  ecoinvent 2's ", in ground" appended; ``exact name (kg to m3)``: water emitted, FEDEFL's kg
  read as biosphere3's m3 (1,000 kg per m3);
* ``proxy``: a hand-reviewed row of :data:`PROXIES` or :data:`NAMED_PROXIES` (each with its
  reason and source; a molar-mass factor cites the atomic weights);
* last, randonneur_data's SimaPro mapping once more with ", in ground" dropped from the name.

The biosphere3 compartment comes from the FEDEFL context (:data:`CONTEXTS`); when the flow is not
in that sub-compartment, its parent compartment is taken and the basis says so. A FEDEFL match
condition other than ``=`` (``~`` proxy, ``<``/``>`` subset/superset) is kept in the basis.
Units: the amount is converted with FEDEFL's own factor to the FEDEFL unit when that is
biosphere3's unit; when the US LCI unit already is biosphere3's (e.g. natural gas in m3, crude
oil in kg) the amount is kept as it is (factor 1) and FEDEFL's heating value is not used.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ZIP = ROOT / "databases" / "uslci" / "uslci-fy17-olca1.5-jsonld.zip"
OUT = HERE / "fedefl--biosphere3.csv"
FEDEFL_SOURCE = ("USEPA fedelemflowlist v1.3.1 (MIT), flowmapping/USLCIv2019Q4.csv, "
                 "mapper/verifier as in that row")

UNITS = {"kg": "kilogram", "m3": "cubic meter", "MJ": "megajoule", "kBq": "kilo Becquerel",
         "m2*a": "square meter-year", "m2": "square meter"}

# FEDEFL context → biosphere3 categories (ecoinvent 3.9). "subterranean" resources (fossil
# fuels, ores, ground water) are ecoinvent's "in ground".
CONTEXTS = {
    "emission/air": ("air",),
    "emission/air/troposphere/urban": ("air", "urban air close to ground"),
    "emission/air/troposphere/rural": ("air", "non-urban air or from high stacks"),
    "emission/air/stratosphere": ("air", "lower stratosphere + upper troposphere"),
    "emission/water": ("water",),
    "emission/water/fresh water body": ("water", "surface water"),
    "emission/water/fresh water body/river": ("water", "surface water"),
    "emission/water/fresh water body/lake": ("water", "surface water"),
    "emission/water/subterranean": ("water", "ground-"),
    "emission/water/saline water body": ("water", "ocean"),
    "emission/water/saline water body/ocean": ("water", "ocean"),
    "emission/ground": ("soil",),
    "emission/ground/human-dominated/agricultural": ("soil", "agricultural"),
    "emission/ground/human-dominated/industrial": ("soil", "industrial"),
    "resource/ground": ("natural resource", "in ground"),
    "resource/ground/subterranean": ("natural resource", "in ground"),
    "resource/air/subterranean": ("natural resource", "in ground"),
    "resource/water/subterranean": ("natural resource", "in ground"),
    "resource/air": ("natural resource", "in air"),
    "resource/water": ("natural resource", "in water"),
    "resource/water/fresh water body": ("natural resource", "in water"),
    "resource/water/fresh water body/river": ("natural resource", "in water"),
    "resource/water/fresh water body/lake": ("natural resource", "in water"),
    "resource/water/saline water body": ("natural resource", "in water"),
    "resource/water/saline water body/ocean": ("natural resource", "in water"),
    "resource/biotic": ("natural resource", "biotic"),
    "resource/ground/human-dominated": ("natural resource", "land"),
    "resource/ground/human-dominated/agricultural": ("natural resource", "land"),
    "resource/ground/human-dominated/industrial": ("natural resource", "land"),
}

CED_SOURCE = ("ecoinvent 3.9 LCIA implementation, 'Cumulative Energy Demand (CED)', HHV per "
              "unit of the biosphere3 flow, as installed by `ecolca setup` (bw2io 0.9.17 LCIA data)")
# Fossil and nuclear resources: FEDEFL states them in MJ (HHV); biosphere3 in kg or Sm3. The
# biosphere3 amount is US LCI's energy (FEDEFL factor) divided by the heating value ecoinvent's
# CED gives that flow, so that CED reads US LCI's own energy content ("energy-equivalent").
# When the US LCI flow *is* the biosphere3 flow under its ecoinvent 2 name, in the same unit,
# the amount is kept (factor 1) instead. (FEDEFL flowable, biosphere3 name, CED HHV per unit)
ENERGY_PROXIES = {
    "Natural gas": ("Gas, natural", 40.0),
    "Crude oil": ("Oil, crude", 46.0),
    "Oil sand": ("Oil, crude", 46.0),
    "Coal, bituminous": ("Coal, hard, unspecified", 19.1),
    "Coal, anthracite": ("Coal, hard, unspecified", 19.1),
    "Coal": ("Coal, hard, unspecified", 19.1),
    "Coal, lignite": ("Coal, brown", 9.9),
    "Peat": ("Peat", 9.9),
    "Uranium oxide": ("Uranium", 560000.0),
}
# Same quantity, another name: FEDEFL maps both the US LCI flow and the ecoinvent flow to one
# flowable (USLCIv2019Q4.csv lists the ecoinvent names as sources too), or the two are one
# quantity in one unit (MJ of biomass energy).
SAME_FLOWABLE = {
    ("Energy, hydro", "MJ"): "Energy, potential (in hydropower reservoir), converted",
    ("Energy, wind", "MJ"): "Energy, kinetic (in wind), converted",
    ("Energy, solar", "MJ"): "Energy, solar, converted",
    ("Energy, geothermal", "MJ"): "Energy, geothermal, converted",
}
# Water withdrawn: FEDEFL "Water" in kg (1,000 kg per m3, FEDEFL's own factor) → ecoinvent's
# water resources in m3, by the FEDEFL context.
WATER = {
    "resource/water": "Water, unspecified natural origin",
    "resource/water/fresh water body": "Water, unspecified natural origin",
    "resource/water/subterranean": "Water, well, in ground",
    "resource/water/fresh water body/river": "Water, river",
    "resource/water/fresh water body/lake": "Water, lake",
    "resource/water/saline water body": "Water, salt, ocean",
    "resource/water/saline water body/ocean": "Water, salt, ocean",
}
# Other hand-reviewed proxies: FEDEFL flowable → (biosphere3 name, reason). Listed in
# databases/mappings/README.md.
PROXIES: dict[str, tuple[str, str]] = {
    "Particulate matter, ≤ 10μm": (
        "Particulate Matter, > 2.5 um and < 10um",
        "PM10 (all particles up to 10 um) read as its coarse fraction: biosphere3 has no PM10 "
        "flow; where a process also reports PM2.5 that mass is counted twice in the coarse "
        "fraction, which the EF 3.1 and ReCiPe particulate-matter methods characterise far "
        "less than PM2.5 (ecoinvent's own 2-to-3 change split PM10 the same way)"),
}

# Proxies by the FEDEFL flowable and the US LCI flow's name (the FEDEFL flowable alone is too
# wide): (flowable, US LCI name prefix) → (biosphere3 name, factor, reason). Listed in
# databases/mappings/README.md.
MOLAR = ("IUPAC 2021 standard atomic weights (H 1.008, N 14.007, O 15.999, Ti 47.867)")
NAMED_PROXIES: dict[tuple[str, str], tuple[str, float, str]] = {
    ("Ammonia", "ammonia"): (
        "Ammonium", 18.039 / 17.031,
        "ammonia released to water is read as ammonium, the form it takes in water at "
        "neutral pH, in the same moles (nitrogen kept): kg NH4+ = kg NH3 x 18.039 / 17.031 "
        "(" + MOLAR + "); biosphere3 has no ammonia emission to water"),
    ("Calcium carbonate", "calcium carbonate"): (
        "Calcite", 1.0,
        "calcium carbonate in ground is the mineral calcite (CaCO3), ecoinvent's resource for "
        "it; the same mass"),
    ("Limestone", "limestone"): (
        "Calcite", 1.0,
        "limestone is a rock made mostly of calcite (CaCO3); ecoinvent 3 states limestone "
        "extraction as calcite; the same mass (the rock's other minerals are counted as "
        "calcite)"),
    ("Land use", "occupation, arable"): (
        "Occupation, arable land, unspecified use", None,
        "US LCI's arable occupation by tillage practice (conventional, reduced, conservation) "
        "read as ecoinvent 3.9's arable occupation of unspecified use (ecoinvent 3.9 keeps the "
        "tillage flows only as '(obsolete)', in m2, which no installed method characterises); "
        "FEDEFL's factor (1 m2*a per m2*a; US LCI's 'm2' flows are occupations, FEDEFL maps "
        "them to m2*a)"),
    ("Land use", "occupational, arable"): (
        "Occupation, arable land, unspecified use", None,
        "as 'Occupation, arable, ...' (US LCI's misspelt name of the same flow)"),
}


RANDONNEUR = ("randonneur_data 0.7.2 (CC BY 4.0, Chris Mutel): "
              "simapro-biosphere-2024-ecoinvent-3.9-biosphere (Flowmapper: '{comment}')")
RANDONNEUR_MANUAL = ("randonneur_data 0.7.2 (CC BY 4.0): simapro-9-ecoinvent-3.9-biosphere-manual-"
                     "matches ('{src}' -> '{dst}'), then " + RANDONNEUR)
# US LCI's compartments (ecoinvent 2 / SimaPro era) → SimaPro contexts of randonneur's mapping
SIMAPRO_TOP = {"air": "Emissions to air", "water": "Emissions to water",
               "soil": "Emissions to soil", "resource": "Resources", "natural resource": "Resources"}
SIMAPRO_SUB = {"low population density": "low. pop.", "high population density": "high. pop.",
               "low population density, long-term": "low. pop., long-term",
               "stratosphere": "stratosphere + troposphere", "river": "river", "lake": "lake",
               "ocean": "ocean", "ground-": "groundwater", "ground-, long-term":
               "groundwater, long-term", "agricultural": "agricultural", "industrial":
               "industrial", "forestry": "forestry", "in ground": "in ground", "in water":
               "in water", "in air": "in air", "land": "land", "biotic": "biotic",
               "unspecified": "", "": ""}


def randonneur_index() -> tuple[dict, dict]:
    import gzip

    import randonneur_data

    d = Path(randonneur_data.__file__).parent / "data"
    upd = json.loads(gzip.open(d / "simapro-biosphere-2024-ecoinvent-3.9-biosphere.gz").read())
    by = {}
    for r in upd["update"]:
        s = r["source"]
        by.setdefault((_norm(s["name"]), tuple(s["context"])), r)
    man = json.loads((d / "simapro-9-ecoinvent-3.9-biosphere-manual-matches.json").read_text())
    manual = {}
    for r in man["replace"]:
        if len(r["source"]) == 1 and len(r["target"]) == 1:
            manual.setdefault(_norm(r["source"]["name"]), r["target"]["name"])
    return by, manual


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", str(s or "")).strip().lower()


def _cas(s: str) -> str:
    digits = re.sub(r"\D", "", str(s or ""))
    return digits.lstrip("0")


def load_biosphere() -> list[dict]:
    import bw2data as bd

    from ecolca.brightway.project import activate

    activate(None)
    return [{"code": a["code"], "name": a["name"], "categories": tuple(a.get("categories") or ()),
             "unit": a.get("unit", ""), "cas": a.get("CAS number") or "",
             "synonyms": a.get("synonyms") or []} for a in bd.Database("biosphere3")]


def zip_flows() -> tuple[dict, Counter]:
    z = zipfile.ZipFile(ZIP)
    flows, uses = {}, Counter()
    for n in z.namelist():
        if n.startswith("flows/") and n.endswith(".json"):
            d = json.loads(z.read(n))
            if d.get("flowType") == "ELEMENTARY_FLOW":
                flows[d["@id"]] = d
    for n in z.namelist():
        if n.startswith("processes/") and n.endswith(".json"):
            for e in json.loads(z.read(n)).get("exchanges") or []:
                if e["flow"]["@id"] in flows:
                    uses[e["flow"]["@id"]] += 1
    return flows, uses


def unlinked_by_reader(flows: dict) -> dict[str, dict]:
    """The flows ecolca's reader leaves unlinked without this table, with their context/unit."""
    from ecolca.importers import flowmap
    from ecolca.importers import olca_jsonld as oj
    from ecolca.importers.common import ensure_migrations

    flowmap.rows = lambda: {}  # the reader's own linking, without this table

    ensure_migrations(["biosphere-2-3-categories", "biosphere-2-3-names"], lambda m, f: None)
    z = zipfile.ZipFile(ZIP)
    cats = {}
    for n in z.namelist():
        if n.startswith("categories/") and n.endswith(".json"):
            d = json.loads(z.read(n))
            cats[d["@id"]] = d
    units = {}
    for n in z.namelist():
        if n.startswith("unit_groups/") and n.endswith(".json"):
            g = json.loads(z.read(n))
            units[g["@id"]] = next(u["name"] for u in g["units"] if u.get("referenceUnit"))
    props = {}
    for n in z.namelist():
        if n.startswith("flow_properties/") and n.endswith(".json"):
            p = json.loads(z.read(n))
            props[p["@id"]] = units.get((p.get("unitGroup") or {}).get("@id"), "")

    def path(ref):
        out = []
        while ref:
            c = cats.get(ref["@id"], ref)
            out.insert(0, c["name"])
            ref = c.get("category")
        return out

    info = {}
    for fid, f in flows.items():
        ref = next((fp for fp in f.get("flowProperties", []) if fp.get("referenceFlowProperty")),
                   None)
        info[fid] = {"name": f["name"], "categories": path(f.get("category")),
                     "unit": props.get(ref["flowProperty"]["@id"], "") if ref else "",
                     "type": "ELEMENTARY_FLOW"}
    links = oj.link_elementary_flows(info)
    return {fid: info[fid] for fid, (code, *_) in links.items() if not code}


def flowable_data(fedefl: Path) -> tuple[dict, dict]:
    cas, syn = {}, defaultdict(set)
    for f in (fedefl / "fedelemflowlist" / "input").glob("*Flowables.csv"):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                name = r["Flowable"]
                if r.get("CAS No"):
                    cas[_norm(name)] = _cas(r["CAS No"])
                for s in (r.get("Synonyms") or "").split(";"):
                    if s.strip():
                        syn[_norm(name)].add(_norm(s))
    return cas, syn


def main(fedefl: Path) -> None:
    bio = load_biosphere()
    by_name = defaultdict(list)
    by_syn = defaultdict(list)
    by_cas = defaultdict(list)
    for b in bio:
        by_name[_norm(b["name"])].append(b)
        for s in b["synonyms"]:
            by_syn[_norm(s)].append(b)
        if b["cas"]:
            by_cas[_cas(b["cas"])].append(b)
    cas, syn = flowable_data(fedefl)
    mapping = defaultdict(list)
    with open(fedefl / "fedelemflowlist" / "flowmapping" / "USLCIv2019Q4.csv", newline="",
              encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            mapping[r["SourceFlowUUID"]].append(r)
    flows, uses = zip_flows()
    todo = unlinked_by_reader(flows)
    rindex, rmanual = randonneur_index()
    codes = {b["code"]: b for b in bio}

    def pick(cands, cats):
        """The flow in ``cats``, else in its parent compartment, else (emissions) in the one
        sub-compartment of the same medium that has it, surface water first for water."""
        for c in (cats, cats[:1]):
            hit = [b for b in cands if b["categories"] == c]
            if len(hit) == 1:
                return hit[0], c != cats
        if cats[0] in ("air", "water", "soil"):
            same = [b for b in cands if b["categories"][:1] == cats[:1]]
            if cats[0] == "water":
                same = [b for b in same if b["categories"] == ("water", "surface water")] or same
            if len(same) == 1:
                return same[0], True
        return None, False

    def via_randonneur(info, bare=False):
        from ecolca.importers.olca_jsonld import compartments

        cats = compartments(info["categories"])
        if not cats or cats[0] not in SIMAPRO_TOP:
            return None
        sub = cats[1] if len(cats) > 1 else ""
        if sub not in SIMAPRO_SUB:
            return None
        ctx = (SIMAPRO_TOP[cats[0]], SIMAPRO_SUB[sub])
        name = re.sub(r"/(m3|kg)$", "", info["name"].strip())
        # manual matches are not used for resources: they map e.g. 'Energy, from coal' to
        # biomass energy; fossil and other resources go through FEDEFL below
        manual = rmanual.get(_norm(name)) if cats[0] in ("air", "water", "soil") else None
        if bare:  # last resort: the name without ecoinvent 2's ", in ground"
            stripped = re.sub(r", in ground$", "", name)
            if cats[0] not in ("resource", "natural resource") or stripped == name:
                return None
            name, manual = stripped, None
        for n, how in ((name, None), (manual, name)):
            if not n:
                continue
            r = rindex.get((_norm(n), ctx)) or (rindex.get((_norm(n), (ctx[0], ""))))
            if r and r["target"].get("identifier") in codes:
                b = codes[r["target"]["identifier"]]
                if not _same_unit(info["unit"], b["unit"]):
                    return None
                src = (RANDONNEUR_MANUAL.format(src=how, dst=n, comment=r.get("comment"))
                       if how else RANDONNEUR.format(comment=r.get("comment")))
                return b, ("manual match" if how else "synonym" if "ynonym" in str(
                    r.get("comment")) else "exact name" if r.get("comment") == "Identical names"
                    else "name match") + " (randonneur_data)", src
        return None

    def _one(fid, info, rows, missing):
        hit = via_randonneur(info)
        if hit:
            randonneur_row(fid, info, rows, hit)
            return
        _fedefl(fid, info, rows, missing)

    def randonneur_row(fid, info, rows, hit):
        if hit:
            b, basis, src = hit
            rows.append({
                "uslci_flow_uuid": fid, "uslci_name": info["name"],
                "uslci_context": "/".join(info["categories"]), "uslci_unit": info["unit"],
                "fedefl_flowable": "", "fedefl_context": "", "fedefl_unit": "",
                "fedefl_match": "", "fedefl_factor": "",
                "biosphere3_name": b["name"], "biosphere3_categories": "::".join(b["categories"]),
                "biosphere3_unit": b["unit"], "biosphere3_code": b["code"], "factor": "1.0",
                "basis": basis, "source": src, "note": "", "exchanges": uses[fid]})

    def _fedefl(fid, info, rows, missing):
        rs = mapping.get(fid)
        if not rs:
            missing[("no FEDEFL row", info["name"])] += uses[fid]
            return
        r = sorted(rs, key=lambda r: r["MatchCondition"] != "=")[0]
        flowable, ctx = r["TargetFlowName"], r["TargetFlowContext"]
        cats = CONTEXTS.get(ctx)
        if cats is None:
            missing[("context", ctx)] += uses[fid]
            return
        found, basis = None, ""
        n = _norm(flowable)
        for label, cands in (("exact name", by_name.get(n, [])),
                             ("synonym", [b for s in syn.get(n, ()) for b in by_name.get(s, [])]
                              + by_syn.get(n, [])),
                             ("CAS", by_cas.get(cas.get(n, "-"), []))):
            b, parent = pick(cands, cats)
            if b:
                found, basis = b, label + (" (other compartment: " + "::".join(b["categories"]) + ")" if parent else "")
                break
        src_unit, fed_unit = info["unit"], r["TargetUnit"]
        fcf = float(r["ConversionFactor"] or 1.0)
        factor = unit_note = note = None
        if found is None and flowable in ENERGY_PROXIES and fed_unit == "MJ":
            target, hhv = ENERGY_PROXIES[flowable]
            found, _ = pick(by_name.get(_norm(target), []), ("natural resource", "in ground")) \
                if target != "Peat" else pick(by_name.get("peat", []),
                                              ("natural resource", "biotic"))
            own = re.sub(r"(, in ground|/m3|/kg)$", "", info["name"].strip()).strip()
            if found and _norm(own) == _norm(target) + "" and _same_unit(src_unit, found["unit"]):
                factor, basis = 1.0, "synonym (ecoinvent 2 name of the biosphere3 flow)"
                unit_note = f"amount kept in {src_unit}"
            elif found and _norm(own) in ("gas, natural", "gas, natural, in ground") and \
                    src_unit in ("cubic meter", "m3"):
                factor, basis = 1.0, "synonym (ecoinvent 2 name; m3 read as Sm3)"
                unit_note = "amount kept in m3"
            elif found:
                factor = fcf / hhv
                basis = "proxy (energy-equivalent, HHV)"
                unit_note = (f"FEDEFL {fcf:g} MJ per {r['SourceUnit']} / {hhv:g} MJ per "
                             f"{found['unit']} ({CED_SOURCE})")
                note = (f"{found['name']} in the amount that holds US LCI's energy: "
                        f"{fcf:g} MJ (HHV, FEDEFL) per {r['SourceUnit']} / {hhv:g} MJ (CED) per "
                        f"{found['unit']}")
        if found is None and (flowable, fed_unit) in SAME_FLOWABLE:
            found, _ = pick(by_name.get(_norm(SAME_FLOWABLE[(flowable, fed_unit)]), []), cats)
            basis = "synonym (FEDEFL maps both to this flowable)" if found else basis
        if found is None and flowable == "Biomass" and src_unit == "megajoule":
            found, _ = pick(by_name.get(_norm("Energy, gross calorific value, in biomass"), []),
                            ("natural resource", "biotic"))
            if found:
                factor, basis, unit_note = 1.0, "proxy (same quantity: MJ of biomass energy)", \
                    "amount kept in MJ"
                note = ("US LCI 'Energy, from biomass' (MJ) is the energy content of the biomass "
                        "used; FEDEFL converts it to kg of biomass, ecoinvent counts it in MJ")
        if found is None and flowable == "Water" and ctx in WATER:
            found, _ = pick(by_name.get(_norm(WATER[ctx]), []), (
                "natural resource", "in ground" if ctx.endswith("subterranean") and
                WATER[ctx] != "Water, well, in ground" else "in water"))
            if found:
                basis = "proxy (water withdrawn, by FEDEFL context)"
                if fed_unit == "kg":
                    factor = fcf / 1000.0
                    unit_note = f"FEDEFL {fcf:g} kg per {r['SourceUnit']} / 1,000 kg per m3"
        if found is None and cats[0] == "natural resource":
            # the ecoinvent 2 name of the biosphere3 flow (", in ground" dropped in ecoinvent 3)
            bare = re.sub(r", in ground$", "", info["name"].strip())
            b, _ = pick(by_name.get(_norm(bare), []), ("natural resource", "in ground"))
            if bare != info["name"].strip() and b and _same_unit(src_unit, b["unit"]):
                found, factor = b, 1.0
                basis = "synonym (ecoinvent 2 name of the biosphere3 flow, ', in ground' dropped)"
                unit_note = f"amount kept in {src_unit}"
        if found is None and flowable == "Water" and ctx.startswith("emission/") and \
                fed_unit == "kg":
            b, parent = pick(by_name.get("water", []), cats)
            if b and b["unit"] == "cubic meter":
                found, factor = b, fcf / 1000.0
                basis = "exact name (kg to m3)" + (" (other compartment: " + "::".join(
                    b["categories"]) + ")" if parent else "")
                unit_note = f"FEDEFL {fcf:g} kg per {r['SourceUnit']} / 1,000 kg per m3"
        for (fl, prefix), (target, pfactor, reason) in NAMED_PROXIES.items():
            if found is not None or fl != flowable or not _norm(info["name"]).startswith(prefix):
                continue
            b, parent = pick(by_name.get(_norm(target), []), cats)
            if b:
                found, note = b, reason
                basis = "proxy" + (" (other compartment: " + "::".join(b["categories"]) + ")"
                                   if parent else "")
                if pfactor is not None:
                    factor = fcf * pfactor
                    unit_note = f"FEDEFL factor {fcf:g} x {pfactor:g} (see note)"
        proxy = PROXIES.get(flowable)
        if found is None and proxy:
            b, parent = pick(by_name.get(_norm(proxy[0]), []), cats)
            if b:
                found, basis, note = b, "proxy" + (" (other compartment: " + "::".join(b["categories"]) + ")" if parent else ""), \
                    proxy[1]
        if found is None:
            hit = via_randonneur(info, bare=True)
            if hit:
                randonneur_row(fid, info, rows, hit)
                return
            missing[(flowable, ctx, r["TargetUnit"])] += uses[fid]
            return
        if factor is not None:
            pass
        elif UNITS.get(fed_unit) == found["unit"]:
            factor, unit_note = fcf, f"FEDEFL factor {fcf:g} {fed_unit} per {r['SourceUnit']}"
        elif _same_unit(src_unit, found["unit"]):
            factor, unit_note = 1.0, f"amount kept in {src_unit}, biosphere3's unit"
        elif flowable == "Water" and fed_unit == "kg" and found["unit"] == "cubic meter":
            factor = fcf / 1000.0  # water emitted: FEDEFL kg, biosphere3 m3
            unit_note = f"FEDEFL {fcf:g} kg per {r['SourceUnit']} / 1,000 kg per m3"
            basis += " (kg to m3)"
        else:
            missing[("unit", flowable, src_unit, fed_unit, found["unit"])] += uses[fid]
            return
        if r["MatchCondition"] not in ("", "="):
            basis += f"; FEDEFL match '{r['MatchCondition']}'"
        note = note or ""
        rows.append({
            "uslci_flow_uuid": fid, "uslci_name": info["name"],
            "uslci_context": "/".join(info["categories"]), "uslci_unit": src_unit,
            "fedefl_flowable": flowable, "fedefl_context": ctx, "fedefl_unit": fed_unit,
            "fedefl_match": r["MatchCondition"] or "=", "fedefl_factor": repr(fcf),
            "biosphere3_name": found["name"], "biosphere3_categories": "::".join(
                found["categories"]), "biosphere3_unit": found["unit"], "biosphere3_code":
                found["code"], "factor": repr(factor), "basis": basis,
            "source": FEDEFL_SOURCE + "; biosphere3 of ecoinvent 3.9 (bw2io); " + unit_note,
            "note": note, "exchanges": uses[fid]})

    rows, missing, none = [], Counter(), []
    for fid, info in sorted(todo.items(), key=lambda kv: (-uses[kv[0]], kv[1]["name"])):
        n_rows = len(rows)
        _one(fid, info, rows, missing)
        if len(rows) == n_rows:
            r = sorted(mapping.get(fid, []), key=lambda r: r["MatchCondition"] != "=")
            r = r[0] if r else {}
            none.append({
                "uslci_flow_uuid": fid, "uslci_name": info["name"],
                "uslci_context": "/".join(info["categories"]), "uslci_unit": info["unit"],
                "fedefl_flowable": r.get("TargetFlowName", ""),
                "fedefl_context": r.get("TargetFlowContext", ""),
                "fedefl_unit": r.get("TargetUnit", ""), "fedefl_match": r.get("MatchCondition", ""),
                "fedefl_factor": r.get("ConversionFactor", ""),
                "biosphere3_name": "", "biosphere3_categories": "", "biosphere3_unit": "",
                "biosphere3_code": "", "factor": "", "basis": "none",
                "source": (FEDEFL_SOURCE + "; " if r else "no FEDEFL row; ") + "biosphere3 of "
                          "ecoinvent 3.9 (bw2io); randonneur_data 0.7.2",
                "note": "no biosphere3 flow: checked by name and synonym in the compartment and "
                        "its medium" + (", FEDEFL flowable name, FEDEFL synonyms and CAS"
                                        if r else "") + " and randonneur_data's SimaPro-to-"
                        "ecoinvent-3.9 mapping; no installed method can characterise it",
                "exchanges": uses[fid]})
    rows += none

    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows, {sum(r['exchanges'] for r in rows)} exchanges; unmatched:",
          file=sys.stderr)
    for k, v in missing.most_common(60):
        print(v, k, file=sys.stderr)


def _same_unit(a: str, b: str) -> bool:
    a, b = _units(a), _units(b)
    return a == b or {a, b} == {"cubic meter", "standard cubic meter"}


def _units(u: str) -> str:
    from bw2io.units import normalize_units

    return normalize_units(u) if u else u


if __name__ == "__main__":
    main(Path(sys.argv[1]))
