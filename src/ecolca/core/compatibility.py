"""The compatibility table (``databases/compatibility.csv``): which residue kind can replace which
supply, with the substitution ratio (central, low, high), the processing it needs and its source.

Read and matched here, once, for both the synergy finder (:mod:`ecolca.park.suggest`, which proposes
exchanges from it) and validation (:func:`ecolca.core.validation.validate`, which warns when an
exchange's residue → supply pair has no row: :func:`pair_rows`). No Brightway: a supply in another
database than ecolca-open is matched on the activity's name when the caller knows it (the finder
reads it from the project), else on the supply flow's name (validation).
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass

from ecolca.core import units
from ecolca.core.errors import EcolcaError
from ecolca.core.model import Flow, Site, Uncertainty, choice_message, range_end

OPEN_DB = "ecolca-open"

TABLE_COLUMNS = (
    "id", "residue_kind", "residue_name_pattern", "residue_fates", "residue_fate_pattern",
    "residue_unit", "supply_kind", "supply_codes", "supply_name_pattern", "supply_unit", "ratio",
    "ratio_low", "ratio_high", "exchange_category", "processing_code", "processing_amount",
    "processing_low", "processing_high", "processing_unit", "processing_name", "assumes",
    "source", "source_locator", "source_year")
# optional columns (a table without them loads as before; an empty cell = no condition)
OPTIONAL_COLUMNS = ("receiver_sector_pattern",)


@dataclass
class Row:
    """One row of the compatibility table."""

    id: str
    residue_kind: str
    residue_pattern: re.Pattern
    residue_fates: frozenset[str]      # ecolca-open codes; "none" = released untreated
    residue_fate_pattern: re.Pattern | None
    residue_unit: str
    supply_kind: str
    supply_codes: frozenset[str]
    supply_pattern: re.Pattern | None
    supply_unit: str
    ratio: float
    ratio_low: float
    ratio_high: float
    exchange_category: str
    processing_code: str               # "" none; "@grid": the park's grid electricity
    processing_amount: float
    processing_low: float
    processing_high: float
    processing_unit: str
    processing_name: str
    assumes: str
    source: str
    source_locator: str
    source_year: str
    # condition on the receiving site (None: any site): a pattern on its sector, or on its name
    # and description when the sector is empty
    receiver_pattern: re.Pattern | None = None

    @property
    def proposed(self) -> float:
        """The ratio the finder proposes, in the row's units: the table's ratio when it lies
        inside its range (the mode of a triangular low–ratio–high), the middle of the range when
        it sits at an end of it (then the table gives no most likely value inside the range, and
        its end would put the deterministic Δ at the edge of the Monte Carlo draws:
        model.range_end; docs/suggest.md, "The proposed ratio")."""
        return (self.ratio_low + self.ratio_high) / 2 if self.ratio_at_end else self.ratio

    @property
    def ratio_at_end(self) -> bool:
        return range_end(self.ratio, Uncertainty("triangular", minimum=self.ratio_low,
                                                 maximum=self.ratio_high)) is not None

    def proposed_words(self) -> str:
        """Which ratio is proposed and why, in words."""
        lo, hi = self.ratio_low, self.ratio_high
        if self.ratio_at_end:
            return (f"r = {self.proposed:g}, the middle of the row's range {lo:g}–{hi:g} (the mode "
                    f"of a triangular over it): the table's {self.ratio:g} sits at the "
                    f"{'top' if self.ratio >= (lo + hi) / 2 else 'bottom'} of the range")
        return (f"r = {self.proposed:g}, the row's central value, the mode of its range "
                f"{lo:g}–{hi:g}")

    def receiver_matches(self, site: Site) -> bool:
        if self.receiver_pattern is None:
            return True
        return bool(self.receiver_pattern.search(receiver_text(site)))

    def residue_matches(self, f: Flow, fate_name: str | None) -> bool:
        if f.kind != "residue" or not self.residue_pattern.search(f.name):
            return False
        if f.fate is None:
            return "none" in self.residue_fates
        if f.fate.database == OPEN_DB:
            return f.fate.code in self.residue_fates
        return bool(self.residue_fate_pattern and fate_name
                    and self.residue_fate_pattern.search(fate_name))

    def supply_matches(self, f: Flow, activity_name: str | None) -> bool:
        if f.kind != "supply" or f.activity is None:
            return False
        if f.activity.database == OPEN_DB:
            return f.activity.code in self.supply_codes
        return bool(self.supply_pattern and activity_name and self.supply_pattern.search(activity_name))


def receiver_text(site: Site) -> str:
    """What a row's ``receiver_sector_pattern`` is matched against: the site's sector, or its
    name and description when the sector is empty."""
    return site.sector.strip() or f"{site.name} {site.description}".strip()


def table_path():
    from ecolca.core.resources import databases_dir

    return databases_dir() / "compatibility.csv"


def _num(text: str, row: str, col: str, required: bool = True) -> float:
    if not text.strip():
        if required:
            raise EcolcaError(f"compatibility table, row '{row}', field '{col}': is empty")
        return 0.0
    try:
        v = float(text)
    except ValueError:
        raise EcolcaError(f"compatibility table, row '{row}', field '{col}': not a number "
                          f"({text!r})") from None
    if not math.isfinite(v) or v < 0:
        raise EcolcaError(f"compatibility table, row '{row}', field '{col}': must be finite and "
                          f"≥ 0, got {text!r}")
    return v


@functools.lru_cache(maxsize=4)
def load_table(path: str | None = None) -> tuple[Row, ...]:
    """The compatibility table's rows, checked: every row has a ratio inside its range, known
    units, and a source."""
    p = path or str(table_path())
    with open(p, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        if "exchange_kind" in fields and "exchange_category" not in fields:
            # the column's name before December 2026 (docs/suggest.md): read as the new one
            fields[fields.index("exchange_kind")] = "exchange_category"
            reader.fieldnames = fields
        missing = [c for c in TABLE_COLUMNS if c not in fields]
        if missing:
            raise EcolcaError(f"compatibility table {p}: missing column(s) {', '.join(missing)}")
        rows = []
        for d in reader:
            rid = d["id"].strip()
            for col in ("id", "residue_kind", "residue_name_pattern", "supply_kind", "source",
                        "source_locator", "source_year", "residue_unit", "supply_unit"):
                if not d[col].strip():
                    raise EcolcaError(f"compatibility table, row '{rid}', field '{col}': is empty")
            for col in ("residue_unit", "supply_unit"):
                if not units.is_known(d[col]):
                    raise EcolcaError(f"compatibility table, row '{rid}', field '{col}': unknown "
                                      f"unit {d[col]!r}")
            ratio = _num(d["ratio"], rid, "ratio")
            lo, hi = _num(d["ratio_low"], rid, "ratio_low"), _num(d["ratio_high"], rid, "ratio_high")
            if not lo <= ratio <= hi or ratio <= 0:
                raise EcolcaError(f"compatibility table, row '{rid}', field 'ratio': {ratio:g} must "
                                  f"be > 0 and within ratio_low..ratio_high ({lo:g}..{hi:g})")
            if d["exchange_category"] and (msg := choice_message("exchange.category",
                                                                 d["exchange_category"])):
                raise EcolcaError(f"compatibility table, row '{rid}', field 'exchange_category': "
                                  f"{msg}")
            pc = d["processing_code"].strip()
            if pc and not units.is_known(d["processing_unit"]):
                raise EcolcaError(f"compatibility table, row '{rid}', field 'processing_unit': "
                                  f"unknown unit {d['processing_unit']!r}")

            def rx(text, col):
                if not text.strip():
                    return None
                try:
                    return re.compile(text, re.IGNORECASE)
                except re.error as exc:
                    raise EcolcaError(f"compatibility table, row '{rid}', field '{col}': not a "
                                      f"regular expression ({exc})") from None

            rows.append(Row(
                rid, d["residue_kind"], rx(d["residue_name_pattern"], "residue_name_pattern"),
                frozenset(x.strip() for x in d["residue_fates"].split(";") if x.strip()),
                rx(d["residue_fate_pattern"], "residue_fate_pattern"), d["residue_unit"], d["supply_kind"],
                frozenset(x.strip() for x in d["supply_codes"].split(";") if x.strip()),
                rx(d["supply_name_pattern"], "supply_name_pattern"), d["supply_unit"], ratio, lo, hi,
                d["exchange_category"] or "by-product", pc,
                _num(d["processing_amount"], rid, "processing_amount", required=bool(pc)),
                _num(d["processing_low"], rid, "processing_low", required=False),
                _num(d["processing_high"], rid, "processing_high", required=False),
                d["processing_unit"], d["processing_name"], d["assumes"], d["source"],
                d["source_locator"], d["source_year"],
                rx(d.get("receiver_sector_pattern") or "", "receiver_sector_pattern")))
    ids = [r.id for r in rows]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise EcolcaError(f"compatibility table: duplicate row id(s) {', '.join(dup)}")
    return tuple(rows)


def residue_rows(rows: tuple[Row, ...], residue: Flow) -> list[Row]:
    """The rows whose residue pattern matches ``residue``'s name (its kind, whatever its fate)."""
    return [r for r in rows if residue.kind == "residue" and r.residue_pattern.search(residue.name)]


def pair_rows(rows: tuple[Row, ...], residue: Flow, supply: Flow,
              activity_name: str | None = None) -> tuple[list[Row], list[Row]]:
    """For an exchange from ``residue`` to ``supply``: the rows that match the pair (residue by
    name, supply by its ecolca-open code, or by ``activity_name`` / else the supply's own name
    against the row's supply pattern) and the rows of the same residue kind (the closest rows,
    named when no row matches). The residue's fate is not a condition here: it says what the
    finder may propose, not whether a substitution is plausible."""
    same = residue_rows(rows, residue)
    if supply.kind != "supply" or supply.activity is None:
        return [], same
    matched = [r for r in same if r.supply_matches(
        supply, activity_name if activity_name is not None else supply.name)]
    return matched, same
