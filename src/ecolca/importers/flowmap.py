"""The reviewed elementary-flow mapping shipped in ``databases/mappings/fedefl--biosphere3.csv``:
US LCI flows (by their openLCA UUID) → Federal Elementary Flow List flowable and context →
ecoinvent 3.9 biosphere3 flow, with a unit factor and the basis of each row (exact name,
synonym, CAS, proxy; ``none`` when biosphere3 has no such flow). Built by
``databases/mappings/build_fedefl_biosphere3.py``; databases/mappings/README.md lists the proxies.

The JSON-LD reader uses it after its own linking (bw2io's migrations, name, synonym,
compartment): a flow linked there is not looked up here. No Qt here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILE = "fedefl--biosphere3.csv"
NO_COUNTERPART = "no biosphere3 flow"


@dataclass(frozen=True)
class Row:
    code: str  # biosphere3 code, "" when biosphere3 has no such flow
    name: str
    categories: tuple[str, ...]
    unit: str
    factor: float
    basis: str

    @property
    def kind(self) -> str:
        """``mapping`` (exact name, synonym, CAS, name match), ``proxy`` or ``none``."""
        if not self.code:
            return "none"
        return "proxy" if self.basis.startswith("proxy") else "mapping"


def path() -> Path | None:
    from ecolca.core.resources import databases_dir

    try:
        return databases_dir() / "mappings" / FILE
    except FileNotFoundError:
        return None


@lru_cache(maxsize=2)
def _load(p: str, mtime: float) -> dict[str, Row]:
    out: dict[str, Row] = {}
    with open(p, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            code = (r.get("biosphere3_code") or "").strip()
            out[r["uslci_flow_uuid"].strip()] = Row(
                code, r.get("biosphere3_name", ""),
                tuple(c for c in (r.get("biosphere3_categories") or "").split("::") if c),
                r.get("biosphere3_unit", ""), float(r["factor"]) if code else 0.0,
                r.get("basis", ""))
    return out


def rows() -> dict[str, Row]:
    """``{source flow UUID: Row}``; empty when the file is missing (a source checkout without
    ``databases/``), so that the reader still works and reports the flows as unlinked."""
    p = path()
    if p is None or not p.is_file():
        return {}
    return _load(str(p), p.stat().st_mtime)
