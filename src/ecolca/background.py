"""Reads the bundled open background database from its CSV sources (``databases/<name>/``)
and turns it into Brightway data. See ``databases/ecolca-open/FORMAT.md`` for the layout.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ecolca.resources import databases_dir

BUNDLED_NAME = "ecolca-open"

_UNCERTAINTY_IDS = {"none": 0, "lognormal": 2, "normal": 3, "uniform": 4, "triangular": 5}


@dataclass
class BundledDatabase:
    name: str
    version: str
    meta: dict
    sources: dict[str, dict]
    processes: dict[str, dict]
    exchanges: list[dict]
    sanity: list[dict]
    digest: str
    folder: Path
    problems: list[str] = field(default_factory=list)


def _read_csv(paths: list[Path]) -> list[dict]:
    rows = []
    for p in paths:
        with open(p, newline="", encoding="utf-8") as f:
            for i, r in enumerate(csv.DictReader(f), start=2):
                r = {k: (v.strip() if isinstance(v, str) else v) for k, v in r.items() if k}
                r["_where"] = f"{p.name}:{i}"
                rows.append(r)
    return rows


def _float(v: str | None) -> float | None:
    if v is None or v == "":
        return None
    return float(v)


def source_folder(name: str = BUNDLED_NAME) -> Path:
    return databases_dir() / name


def read(name: str = BUNDLED_NAME) -> BundledDatabase:
    """Read the CSV sources of a bundled database and check their internal consistency
    (unique codes, links, units, sources); problems are listed in ``.problems``."""
    folder = source_folder(name)
    meta = json.loads((folder / "database.json").read_text(encoding="utf-8"))
    files = sorted(folder.glob("*.csv"))
    h = hashlib.sha256()
    for p in files + [folder / "database.json"]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    sources = {r["id"]: r for r in _read_csv(sorted(folder.glob("sources_*.csv")))}
    processes: dict[str, dict] = {}
    problems: list[str] = []
    for r in _read_csv(sorted(folder.glob("processes_*.csv"))):
        if r["code"] in processes:
            problems.append(f"{r['_where']}: duplicate process code '{r['code']}'")
        processes[r["code"]] = r
        for s in filter(None, (x.strip() for x in (r.get("source_ids") or "").split(";"))):
            if s not in sources:
                problems.append(f"{r['_where']}: process '{r['code']}' cites unknown source '{s}'")
    exchanges = _read_csv(sorted(folder.glob("exchanges_*.csv")))
    for e in exchanges:
        w = e["_where"]
        if e.get("process_code") not in processes:
            problems.append(f"{w}: unknown process_code '{e.get('process_code')}'")
        try:
            amount = float(e.get("amount", ""))
            if not math.isfinite(amount):
                raise ValueError
        except ValueError:
            problems.append(f"{w}: amount {e.get('amount')!r} is not a finite number")
        if e.get("type") == "technosphere":
            p = processes.get(e.get("input"))
            if p is None:
                problems.append(f"{w}: technosphere input '{e.get('input')}' is not in {name}")
            elif p["unit"] != e.get("unit"):
                problems.append(f"{w}: unit '{e.get('unit')}' differs from '{p['unit']}' of "
                                f"'{e.get('input')}'")
        elif e.get("type") != "biosphere":
            problems.append(f"{w}: type must be technosphere or biosphere")
        if e.get("uncertainty_type", "none") not in _UNCERTAINTY_IDS:
            problems.append(f"{w}: unknown uncertainty_type '{e.get('uncertainty_type')}'")
        if e.get("source_id") not in sources:
            problems.append(f"{w}: source_id '{e.get('source_id')}' is not in the sources files")
        if not e.get("source_locator"):
            problems.append(f"{w}: source_locator is empty (table, page or section)")
    sanity = _read_csv(sorted(folder.glob("sanity_*.csv")))
    return BundledDatabase(
        name=meta.get("name", name), version=str(meta["version"]), meta=meta, sources=sources,
        processes=processes, exchanges=exchanges, sanity=sanity, digest=h.hexdigest(),
        folder=folder, problems=problems)


def uncertainty_fields(e: dict, amount: float) -> dict:
    """stats_arrays fields of an exchange row (``loc``/``scale`` as bw2calc expects)."""
    kind = e.get("uncertainty_type") or "none"
    out: dict = {"uncertainty type": _UNCERTAINTY_IDS.get(kind, 0)}
    if kind == "lognormal" and amount != 0:
        gsd = float(e["gsd"])
        out.update(loc=math.log(abs(amount)), scale=math.log(gsd), negative=amount < 0)
    elif kind == "normal":
        out.update(loc=amount, scale=float(e["sd"]))
    elif kind in ("uniform", "triangular"):
        out.update(minimum=float(e["minimum"]), maximum=float(e["maximum"]), loc=amount)
    else:
        out["uncertainty type"] = 0
    return out


def to_brightway(db: BundledDatabase, biosphere: str = "biosphere3") -> dict:
    """The ``{(database, code): dataset}`` dict for ``bw2data.Database.write``."""
    data: dict = {}
    for code, p in db.processes.items():
        data[(db.name, code)] = {
            "name": p["name"],
            "reference product": p.get("reference_product", p["name"]),
            "unit": p["unit"],
            "location": p.get("location") or "GLO",
            "type": "process",
            "comment": p.get("description", ""),
            "ecolca_scope": p.get("scope", ""),
            "ecolca_year": p.get("year", ""),
            "ecolca_sources": [db.sources[s]["citation"] for s in
                               filter(None, (x.strip() for x in (p.get("source_ids") or "").split(";")))
                               if s in db.sources],
            "exchanges": [{"input": (db.name, code), "amount": 1.0, "type": "production",
                           "unit": p["unit"]}],
        }
    for e in db.exchanges:
        amount = float(e["amount"])
        src = db.sources.get(e.get("source_id"), {})
        ex = {
            "input": (db.name, e["input"]) if e["type"] == "technosphere" else (biosphere, e["input"]),
            "amount": amount,
            "type": e["type"],
            "unit": e.get("unit", ""),
            "name": e.get("input_name", ""),
            "comment": "; ".join(filter(None, [
                f"Source: {src.get('citation', e.get('source_id'))}, {e.get('source_locator', '')}",
                e.get("comment", ""),
                f"Uncertainty: {e.get('uncertainty_basis')}" if e.get("uncertainty_basis") else "",
            ])),
        }
        ex.update(uncertainty_fields(e, amount))
        data[(db.name, e["process_code"])]["exchanges"].append(ex)
    return data
