#!/usr/bin/env python
"""The baseline a competent Brightway user would write instead of ``ecolca run``: read the park's
``.ecolca.json`` with the standard library, write its linear and its symbiotic configuration as
TWO Brightway activities, and run ONE ``bw2calc.MultiLCA`` over both and every method of the park.

    python benchmarks/multilca_baseline.py PARK.ecolca.json --project P [--out SCORES.json]
                                           [--hash-cache]

It runs in its own process, as a user's script does (``benchmarks/edit_run.py`` times it as a
whole process, interpreter start-up and imports included). Set ``BRIGHTWAY_DIR`` first.

What the two activities contain (docs/methodology.md §2-3, the same terms as
``ecolca/lca/terms.py``), summed per background node and elementary flow:

* *linear*: every site's supplies (its ``activity``), its residues to their ``fate``, the
  transport legs declared on those flows (tonnes × km), and its direct emissions (biosphere);
* *symbiotic*: the linear inventory plus, per exchange (amount q, substitution ratio r), minus q
  of the residue's fate and its fate transport, minus r·q of the receiving supply and its
  delivery transport, plus q × distance of the exchange's own transport legs and q × the
  amount per unit of each processing input.

Amounts are converted to the unit of the background node (read from the project) with exact
factors inside a dimension (the table below, the same values as ``ecolca/core/units.py``) and the
file's ``conversion_factor`` across dimensions. Anything the script does not understand stops it
with an error: it never guesses.

The database it writes is ``multilca-baseline: <scenario id>`` (two activities, replaced on every
run). The scores go to ``--out`` as JSON ``[{"method": [...], "linear": x, "symbiotic": y}]`` and
to stdout one line per method.

``--hash-cache``: the script with its own cache keyed on the file's bytes (SHA-256). When the
file is unchanged since the script's previous run (the hash, the database's name and the methods
are kept in ``PARK.multilca-cache.json`` next to the file), it skips reading the park and writing the database, and runs the MultiLCA from
the database it wrote before, i.e. from the matrices Brightway processed then (when the
background or a method changed since, the MultiLCA still sees the current ones: the cache holds
no number that could go stale). When the file changed, it does what the plain script does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings

warnings.filterwarnings("ignore", message=r"[\s\S]*pypardiso")
warnings.filterwarnings("ignore", message="All values in characterization matrix are zero")

# exact factors to the first unit of each dimension (as ecolca/core/units.py and ecoinvent)
_FACTORS = {
    "mass": {"kilogram": 1.0, "gram": 1e-3, "milligram": 1e-6, "ton": 1e3, "kiloton": 1e6,
             "megaton": 1e9, "pound": 0.45359237, "short ton": 907.18474},
    "energy": {"megajoule": 1.0, "kilojoule": 1e-3, "gigajoule": 1e3, "terajoule": 1e6,
               "petajoule": 1e9, "kilowatt hour": 3.6, "megawatt hour": 3600.0,
               "gigawatt hour": 3.6e6, "terawatt hour": 3.6e9},
    "volume": {"cubic meter": 1.0, "liter": 1e-3, "milliliter": 1e-6, "megaliter": 1e3,
               "million cubic meter": 1e6, "us gallon": 0.003785411784},
    "transport": {"ton kilometer": 1.0, "kilogram kilometer": 1e-3},
    "items": {"unit": 1.0, "item": 1.0, "thousand items": 1e3},
    "area": {"square meter": 1.0, "square kilometer": 1e6},
}
_SYMBOLS = {"kg": "kilogram", "g": "gram", "mg": "milligram", "Mg": "ton", "t": "ton",
            "kt": "kiloton", "Mt": "megaton", "lb": "pound", "MJ": "megajoule",
            "kJ": "kilojoule", "GJ": "gigajoule", "TJ": "terajoule", "PJ": "petajoule",
            "kWh": "kilowatt hour", "MWh": "megawatt hour", "GWh": "gigawatt hour",
            "TWh": "terawatt hour", "m3": "cubic meter", "m³": "cubic meter", "L": "liter",
            "l": "liter", "ML": "megaliter", "mL": "milliliter", "tkm": "ton kilometer",
            "t*km": "ton kilometer", "kgkm": "kilogram kilometer", "p": "item",
            "tonne": "ton", "tonnes": "ton", "metric ton": "ton", "litre": "liter",
            "cubic metre": "cubic meter", "m2": "square meter"}
_DIM = {u: (d, f) for d, us in _FACTORS.items() for u, f in us.items()}


def _unit(u: str) -> tuple[str, float]:
    name = _SYMBOLS.get(u, u)
    if name not in _DIM:
        sys.exit(f"multilca_baseline: unit {u!r} is not in the script's unit table")
    return _DIM[name]


def factor(from_unit: str, to_unit: str, conversion) -> float:
    (da, fa), (db, fb) = _unit(from_unit), _unit(to_unit)
    if da == db:
        return fa / fb
    if conversion is None:
        sys.exit(f"multilca_baseline: {from_unit} → {to_unit} needs a conversion factor")
    return float(conversion)


def inventories(park: dict, unit_of) -> tuple[dict, dict, set]:
    """(linear, symbiotic, biosphere keys): {(database, code): amount in the node's unit}."""
    lin: dict = {}
    sym: dict = {}
    bio: set = set()

    def key(ref) -> tuple[str, str]:
        return (ref["database"], ref["code"])

    def add(d, k, a):
        d[k] = d.get(k, 0.0) + a

    flows = {}
    for s in park["sites"]:
        for f in s["flows"]:
            flows[(s["id"], f["id"])] = f
            kind, amount = f["kind"], float(f.get("amount") or 0.0)
            if kind == "product" or amount == 0:
                continue
            ref = f.get("fate") if kind == "residue" else f.get("activity")
            if ref is None:
                continue
            k = key(ref)
            if kind == "emission":
                bio.add(k)
            add(lin, k, amount * factor(f["unit"], unit_of(k), f.get("conversion_factor")))
            if f.get("transport"):
                ton = factor(f["unit"], "ton", None)
                for t in f["transport"]:
                    m = key(t["mode"])
                    add(lin, m, amount * float(t["distance_km"]) * ton
                        * factor("ton kilometer", unit_of(m), None))
    sym.update(lin)
    for e in park.get("exchanges", []):
        q, r = float(e["amount"]), float(e.get("substitution_ratio", 1.0))
        res = flows[(e["from"]["site"], e["from"]["flow"])]
        sup = flows[(e["to"]["site"], e["to"]["flow"])]
        if res.get("fate") is not None:
            k = key(res["fate"])
            add(sym, k, -q * factor(res["unit"], unit_of(k), res.get("conversion_factor")))
            ton = factor(res["unit"], "ton", None) if res.get("transport") else 0.0
            for t in res.get("transport", []):
                m = key(t["mode"])
                add(sym, m, -q * float(t["distance_km"]) * ton
                    * factor("ton kilometer", unit_of(m), None))
        k = key(sup["activity"])
        add(sym, k, -r * q * factor(sup["unit"], unit_of(k), sup.get("conversion_factor")))
        ton = factor(sup["unit"], "ton", None) if sup.get("transport") else 0.0
        for t in sup.get("transport", []):
            m = key(t["mode"])
            add(sym, m, -r * q * float(t["distance_km"]) * ton
                * factor("ton kilometer", unit_of(m), None))
        ton = factor(res["unit"], "ton", None) if e.get("transport") else 0.0
        for t in e.get("transport", []):
            m = key(t["mode"])
            add(sym, m, q * float(t["distance_km"]) * ton * factor("ton kilometer", unit_of(m), None))
        for p in e.get("processing", []):
            k = key(p["activity"])
            add(sym, k, q * float(p["amount_per_unit"])
                * factor(p["unit"], unit_of(k), p.get("conversion_factor")))
    return lin, sym, bio


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("park")
    ap.add_argument("--project", required=True)
    ap.add_argument("--out", help="write the scores here as JSON")
    ap.add_argument("--hash-cache", action="store_true",
                    help="skip reading and writing when the file's bytes are unchanged")
    a = ap.parse_args(argv)

    with open(a.park, "rb") as fh:
        raw = fh.read()
    digest = hashlib.sha256(raw).hexdigest() if a.hash_cache else None

    import bw2calc as bc
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    bd.projects.set_current(a.project)
    side = a.park + ".multilca-cache.json"  # the script's own cache: hash, database, methods
    cached = None
    if a.hash_cache:
        try:
            with open(side, encoding="utf-8") as fh:
                cached = json.load(fh)
        except (OSError, ValueError):
            cached = None
    if cached is not None and cached.get("sha256") == digest and cached["database"] in bd.databases:
        db_name = cached["database"]
        methods = [tuple(m) for m in cached["methods"]]
    else:
        park = json.loads(raw)
        del raw
        db_name = f"multilca-baseline: {park['id']}"
        methods = [tuple(m) for m in park["methods"]]
        refs = set()
        for s in park["sites"]:
            for f in s["flows"]:
                for r in (f.get("activity"), f.get("fate"), *[t["mode"] for t in f.get("transport", [])]):
                    if r is not None:
                        refs.add((r["database"], r["code"]))
        for e in park.get("exchanges", []):
            refs.update((t["mode"]["database"], t["mode"]["code"]) for t in e.get("transport", []))
            refs.update((p["activity"]["database"], p["activity"]["code"])
                        for p in e.get("processing", []))
        units = {}
        for db in {k[0] for k in refs}:
            codes = [k[1] for k in refs if k[0] == db]
            for row in AD.select(AD.database, AD.code, AD.data).where(
                    (AD.database == db) & AD.code.in_(codes)):
                units[(row.database, row.code)] = row.data.get("unit", "")
        missing = refs - set(units)
        if missing:
            sys.exit(f"multilca_baseline: not in the project: {sorted(missing)[:5]}")
        lin, sym, bio = inventories(park, units.__getitem__)
        del park

        def exchanges(inv):
            return [{"input": k, "amount": v, "type": "biosphere" if k in bio else "technosphere"}
                    for k, v in sorted(inv.items())]

        data = {
            (db_name, "linear"): {"name": "park, linear", "unit": "year", "location": "GLO",
                                  "exchanges": [{"input": (db_name, "linear"), "amount": 1.0,
                                                 "type": "production"}] + exchanges(lin)},
            (db_name, "symbiotic"): {"name": "park, symbiotic", "unit": "year", "location": "GLO",
                                     "exchanges": [{"input": (db_name, "symbiotic"), "amount": 1.0,
                                                    "type": "production"}] + exchanges(sym)},
        }
        db = bd.Database(db_name)
        if db_name not in bd.databases:
            db.register()
        db.write(data, searchable=False)
        if a.hash_cache:
            with open(side, "w", encoding="utf-8") as fh:
                json.dump({"sha256": digest, "database": db_name,
                           "methods": [list(m) for m in methods]}, fh)
    ids = dict(AD.select(AD.code, AD.id).where(AD.database == db_name).tuples())
    demands = {"linear": {ids["linear"]: 1.0}, "symbiotic": {ids["symbiotic"]: 1.0}}
    config = {"impact_categories": methods}
    data_objs = bd.get_multilca_data_objs(functional_units=demands, method_config=config)
    mlca = bc.MultiLCA(demands=demands, method_config=config, data_objs=data_objs)
    mlca.lci()
    mlca.lcia()
    scores = [{"method": list(m), "linear": float(mlca.scores[(m, "linear")]),
               "symbiotic": float(mlca.scores[(m, "symbiotic")])} for m in methods]
    for s in scores:
        print(f"{' | '.join(s['method'])}\t{s['linear']:.9g}\t{s['symbiotic']:.9g}")
    if a.out:
        with open(a.out, "w", encoding="utf-8") as fh:
            json.dump(scores, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
