"""Elementary flows of a SimaPro CSV export linked to the project's biosphere3.

bw_simapro_csv gives each elementary exchange a SimaPro ``context`` (``("Emissions to air",
"high. pop.")``) and ``categories=None``, and SimaPro names and units (``kg``); biosphere3 has
ecoinvent names, compartments (``("air", "urban air close to ground")``) and Brightway units
(``kilogram``), so bw2io's own linking finds nothing. The mappings come from ``randonneur_data``
(installed with bw2io; CC BY 4.0, Brightway developers), chosen for this project's biosphere3,
which is ecoinvent 3.9's (bw2io 0.9.17's ``create_default_biosphere3`` reads "ecoinvent
elementary flows 3.9.xml"):

- ``simapro-9-ecoinvent-3-context``: SimaPro compartments → ecoinvent compartments;
- ``generic-brightway-units-normalization``: ``kg`` → ``kilogram`` etc.;
  ``generic-brightway-unit-conversions``: ``g`` → 0.001 ``kilogram`` etc. (physical units
  towards biosphere3's units only);
- ``SimaPro-9-ecoinvent-3.9-biosphere`` (flowmapper's SimaPro 2024 → ecoinvent 3.9 list, with
  conversion factors), ``simapro-9-ecoinvent-3-water-slash-m3`` (``Water/m3, <place>``) and
  ``SimaPro-9-ecoinvent-3.9-biosphere-manual-matches`` (renamed flows).

Each exchange is linked, in this order, by

1. **exact match**: the same name, compartment (mapped) and unit (normalised) in biosphere3;
2. **mapping**: a randonneur_data correspondence to a biosphere3 id (the amount is multiplied by
   its conversion factor, e.g. 0.001 from ``g`` to ``kg``), or the same flow in another unit of
   the same quantity (converted), or a renamed flow, or an unambiguous
   biosphere3 synonym, in the mapped compartment;
3. **proxy**: the same name and unit in the top-level compartment only (e.g. ``soil`` for a
   sub-compartment biosphere3 does not have), the flow's impacts as for the unspecified
   sub-compartment.

What is not linked stays unlinked (and is counted, and refused above the limit); the flows of
SimaPro's "Final waste flows", "Non material emissions", "Social issues" and "Economic issues"
have no ecoinvent counterpart and are set aside, listed in the summary. No Qt here.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from pathlib import Path

from ecolca.importers.common import BiosphereIndex, ImportSummary, Unlinked, _norm

CONTEXT = "simapro-9-ecoinvent-3-context"
UNITS = "generic-brightway-units-normalization"
CONVERSIONS = "generic-brightway-unit-conversions"
BIOSPHERE = "SimaPro-9-ecoinvent-3.9-biosphere"
WATER = "simapro-9-ecoinvent-3-water-slash-m3"
RENAMES = "SimaPro-9-ecoinvent-3.9-biosphere-manual-matches"
DATAPACKAGES = (CONTEXT, UNITS, CONVERSIONS, BIOSPHERE, WATER, RENAMES)
# conversions used only towards the units of biosphere3's flows, and never the fuel-specific ones
# (``kg-NL`` → MJ) or those of time, whose factors in generic-brightway-unit-conversions 1.0.0
# are inverted (``s`` → hour 3600)
_CONVERT_TO = {"kilogram", "kilo Becquerel", "square meter", "square meter-year", "cubic meter",
               "cubic meter-year", "megajoule"}
_NOT_PHYSICAL = ("kg-", "kg ", "nm3", "kwp")

# SimaPro categories of "elementary" rows that ecoinvent has no flows for
NOT_ELEMENTARY = ("final waste flows", "non material emissions", "social issues",
                  "economic issues")
SET_ASIDE = "set aside (no ecoinvent counterpart)"

EXACT, MAPPING, PROXY = "exact match", "mapping", "proxy"
_UNSPEC = {"", "unspecified", "(unspecified)"}


def _data_dir() -> Path:
    import randonneur_data

    return Path(randonneur_data.__file__).parent / "data"


@functools.lru_cache(maxsize=None)
def _datapackage(label: str) -> dict:
    folder = _data_dir()
    registry = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    if label not in registry:
        raise KeyError(f"randonneur_data has no datapackage '{label}'")
    path = folder / registry[label]["filename"]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def _ctx_key(context) -> tuple[str, str]:
    parts = [str(c or "").strip().lower() for c in (context or ())]
    top = parts[0] if parts else ""
    sub = parts[1] if len(parts) > 1 else ""
    return top, ("" if sub in _UNSPEC else sub)


def _rows(dp: dict) -> list[dict]:
    return [r for verb in ("update", "replace") for r in dp.get(verb, [])]


@functools.lru_cache(maxsize=None)
def _contexts() -> dict[tuple[str, str], tuple[str, ...]]:
    out = {}
    for r in _rows(_datapackage(CONTEXT)):
        target = tuple(c for c in r["target"]["context"] if c.strip().lower() not in _UNSPEC)
        out.setdefault(_ctx_key(r["source"]["context"]), target)
    return out


@functools.lru_cache(maxsize=None)
def _units() -> dict[str, str]:
    return {r["source"]["unit"].strip().lower(): r["target"]["unit"]
            for r in _rows(_datapackage(UNITS))}


@functools.lru_cache(maxsize=None)
def _conversions() -> dict[str, tuple[str, float]]:
    """normalised unit (lower case) → (biosphere3 unit, factor)."""
    out = {}
    for r in _rows(_datapackage(CONVERSIONS)):
        src, tgt = r["source"]["unit"].strip(), r["target"]["unit"]
        factor = r["target"].get("allocation")
        if tgt not in _CONVERT_TO or src.lower().startswith(_NOT_PHYSICAL) or \
                not isinstance(factor, (int, float)) or not math.isfinite(factor) or factor <= 0:
            continue
        out.setdefault(src.lower(), (tgt, float(factor)))
    return out


@functools.lru_cache(maxsize=None)
def _abbreviations() -> dict[str, str]:
    """Brightway unit → SimaPro abbreviation (``kilogram`` → ``kg``), for the datapackages."""
    out: dict[str, str] = {}
    for src, tgt in _units().items():
        out.setdefault(tgt, src)
    return out


@functools.lru_cache(maxsize=None)
def _flow_maps() -> dict[tuple, tuple[str, float, str]]:
    """(name, unit, context key) → (biosphere3 id, conversion factor, datapackage); the first
    datapackage wins; rows without a usable factor (NaN) are left out."""
    out: dict[tuple, tuple[str, float, str]] = {}
    for label in (BIOSPHERE, WATER):
        for r in _rows(_datapackage(label)):
            s, t = r["source"], r["target"]
            ident = t.get("identifier") or t.get("uuid")
            factor = r.get("conversion_factor", 1.0)
            if not ident or not isinstance(factor, (int, float)) or not math.isfinite(factor) \
                    or factor <= 0:
                continue
            key = (_norm(s.get("name")), str(s.get("unit", "")).strip().lower(),
                   _ctx_key(s.get("context")))
            out.setdefault(key, (ident, float(factor), label))
    return out


@functools.lru_cache(maxsize=None)
def _renames() -> dict[str, str]:
    return {_norm(r["source"]["name"]): r["target"]["name"]
            for r in _rows(_datapackage(RENAMES)) if set(r["source"]) == {"name"}}


def _rescale(e: dict, factor: float) -> None:
    if factor == 1.0:
        return
    from bw2io.utils import rescale_exchange

    rescale_exchange(e, factor)


def link(data: dict, summary: ImportSummary, biosphere: str = "biosphere3") -> None:
    """Link the unlinked biosphere exchanges of ``data`` (``{(db, code): dataset}``) in place,
    count them in ``summary.linked_by`` and record set-aside ones in ``summary.rows``."""
    index = BiosphereIndex(biosphere)
    contexts, units, maps, renames = _contexts(), _units(), _flow_maps(), _renames()
    for (_, code), ds in data.items():
        kept = []
        for e in ds.get("exchanges", []):
            if e.get("type") != "biosphere" or e.get("input"):
                kept.append(e)
                continue
            context = tuple(c for c in (e.get("context") or e.get("categories") or ()) if c)
            if e.get("categories") is None:
                e["categories"] = context  # the unlinked list names the SimaPro compartment
            key = _ctx_key(context)
            if key[0] in NOT_ELEMENTARY:
                summary.rows.append(Unlinked(
                    ds.get("name", ""), code, str(e.get("name", "")), "biosphere",
                    float(e.get("amount", 0.0)), str(e.get("unit", "")), "::".join(context),
                    SET_ASIDE))
                continue
            how = _link_one(e, key, index, contexts, units, maps, renames)
            if how:
                summary.linked_by[how] = summary.linked_by.get(how, 0) + 1
            kept.append(e)
        ds["exchanges"] = kept


def _link_one(e: dict, key, index: BiosphereIndex, contexts, units, maps, renames) -> str | None:
    name = _norm(e.get("name"))
    sp_unit = str(e.get("unit", "")).strip()
    unit = units.get(sp_unit.lower(), sp_unit)
    cats = contexts.get(key) or contexts.get((key[0], ""))
    if cats is not None:
        code = index.exact.get((name, cats, unit))
        if code:
            e["input"] = (index.database, code)
            return EXACT
    hit = maps.get((name, sp_unit.lower(), key)) or maps.get((name, unit.lower(), key))
    if hit and hit[0] in index.codes:
        _rescale(e, hit[1])
        e["input"] = (index.database, hit[0])
        return MAPPING
    conv = _conversions().get(unit.lower())
    if conv:
        to_unit, factor = conv
        code = index.exact.get((name, cats, to_unit)) if cats is not None else None
        if not code:
            abbr = _abbreviations().get(to_unit, "").lower()
            hit = maps.get((name, abbr, key)) if abbr else None
            if hit and hit[0] in index.codes:
                code, factor = hit[0], factor * hit[1]
        if code:
            _rescale(e, factor)
            e["unit"] = to_unit
            e["input"] = (index.database, code)
            return MAPPING
    if cats is not None:
        renamed = renames.get(name)
        if renamed:
            code = index.exact.get((_norm(renamed), cats, unit))
            if code:
                e["input"] = (index.database, code)
                return MAPPING
        syn = index.synonym.get((name, cats, unit))
        if syn and len(syn) == 1:
            e["input"] = (index.database, next(iter(syn)))
            return MAPPING
        if len(cats) > 1:
            code = index.exact.get((name, cats[:1], unit))
            if code:
                e["input"] = (index.database, code)
                return PROXY
    return None


def datapackage_versions() -> dict[str, str]:
    """label → version of each randonneur_data datapackage used (for the database metadata)."""
    return {label: str(_datapackage(label).get("version", "")) for label in DATAPACKAGES}
