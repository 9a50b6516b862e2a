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

from ecolca.core.resources import databases_dir

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


def unit_scores(method: tuple[str, ...], name: str = BUNDLED_NAME) -> dict[str, float]:
    """Score of one unit of every process of database ``name`` for ``method`` (one MultiLCA);
    the current Brightway project must have it installed."""
    import bw2calc as bc
    import bw2data as bd

    from ecolca.brightway import bwcompat  # noqa: F401

    nodes = {a["code"]: a.id for a in bd.Database(name)}
    demands = {c: {i: 1.0} for c, i in nodes.items()}
    cfg = {"impact_categories": [tuple(method)]}
    mlca = bc.MultiLCA(demands, cfg, bd.get_multilca_data_objs(demands, cfg))
    mlca.lci()
    mlca.lcia()
    return {c: float(mlca.scores[(tuple(method), c)]) for c in nodes}


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_readme(db: BundledDatabase, gwp: dict[str, float]) -> str:
    """``databases/README.md``: processes, sanity table and gaps, from the sources and the
    IPCC 2021 GWP100 unit scores ``gwp`` (see ``databases/build_readme.py``)."""
    lines = [
        "# Bundled background databases",
        "",
        "<!-- generated by `python databases/build_readme.py`; edit the CSV files and NOTES_*.md, "
        "not this file -->",
        "",
        f"## {db.name} {db.version}",
        "",
        db.meta.get("description", ""),
        "",
        f"Licence: {db.meta.get('license', '')}. Source format: `{db.name}/FORMAT.md`. "
        f"{len(db.processes)} processes, {len(db.exchanges)} exchanges, {len(db.sources)} sources. "
        "Built into Brightway by `ecolca setup`; a scenario refers to a process by its code, "
        "which never changes.",
        "",
        "Modelling notes, derivations and every known gap, per area: "
        + ", ".join(f"[`{p.name}`]({db.name}/{p.name})" for p in sorted(db.folder.glob("NOTES_*.md")))
        + ".",
        "",
        "### Processes",
        "",
        "GWP100: IPCC 2021 (bw2io's LCIA data), per unit of reference product, computed by ecolca "
        "on this database.",
        "",
        "| code | name | unit | location | year | scope | GWP100 [kg CO2-eq/unit] | sources |",
        "|---|---|---|---|---|---|---:|---|",
    ]
    for code in sorted(db.processes):
        p = db.processes[code]
        srcs = ", ".join(s.strip() for s in (p.get("source_ids") or "").split(";") if s.strip())
        lines.append(f"| `{code}` | {_md(p['name'])} | {p['unit']} | {p.get('location', '')} | "
                     f"{p.get('year', '')} | {p.get('scope', '')} | {gwp.get(code, float('nan')):.4g} | "
                     f"{_md(srcs)} |")
    lines += [
        "",
        "### Sanity table: ecolca next to published values",
        "",
        "Differences above 20 % are explained in the NOTES file of the area (scope, year, "
        "technology). A published figure with another scope (e.g. direct emissions only) is "
        "listed with that scope.",
        "",
        "| code | ecolca GWP100 | published | unit | ecolca / published | published scope | source |",
        "|---|---:|---:|---|---:|---|---|",
    ]
    for row in sorted(db.sanity, key=lambda r: r["process_code"]):
        code = row["process_code"]
        pub = float(row["published_value"])
        ours = gwp.get(code, float("nan"))
        ratio = ours / pub if pub else float("nan")
        flag = " **>20 %**" if abs(ratio - 1) > 0.2 else ""
        src = db.sources.get(row["source_id"], {}).get("citation", row["source_id"])
        lines.append(f"| `{code}` | {ours:.4g} | {pub:.4g} | {_md(row['published_unit'])} | "
                     f"{ratio:.2f}{flag} | {_md(row['scope_note'])} | {_md(src)}, "
                     f"{_md(row['source_locator'])} |")
    lines += ["", "### Left out", ""]
    left = db.meta.get("left_out", [])
    if left:
        lines += [f"- `{x['code']}`: {_md(x['reason'])}" for x in left]
    else:
        lines.append("Every process the product promises ships; the gaps inside processes (e.g. "
                     "missing air pollutants, refinery energy) are listed in the NOTES files.")
    lines += ["", "### Sources", "", "| id | citation | year |", "|---|---|---|"]
    for sid in sorted(db.sources):
        s = db.sources[sid]
        lines.append(f"| `{sid}` | {_md(s['citation'])} | {s.get('year', '')} |")
    return "\n".join(lines) + "\n"
