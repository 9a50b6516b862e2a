"""What a Brightway project offers a scenario: activities and LCIA methods, as plain rows for
pickers and look-ups (no Qt). Reads the SQLite tables directly, so 20,000 activities load in a
fraction of a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ActivityRow:
    database: str
    code: str
    name: str
    product: str
    location: str
    unit: str
    type: str

    @property
    def text(self) -> str:
        """Lower-case text searched by :func:`search`."""
        return f"{self.name} {self.product} {self.location} {self.unit} {self.database} {self.code}".lower()


def load_activities(databases: list[str] | None = None, biosphere: bool = False) -> list[ActivityRow]:
    """Activities (``biosphere=False``) or elementary flows (``True``) of the current project,
    from ``databases`` (default: all but scenario foregrounds), sorted by name."""
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    from ecolca.brightway import bwcompat  # noqa: F401

    # scenario foregrounds ("ecolca: ...") are results of ecolca, not background to pick from
    names = databases if databases is not None else [
        d for d in bd.databases if not d.startswith("ecolca: ")]
    rows: list[ActivityRow] = []
    q = AD.select(AD.database, AD.code, AD.name, AD.product, AD.location, AD.type, AD.data).where(
        AD.database.in_(names))
    for r in q:
        is_bio = r.type in ("emission", "natural resource", "economic", "inventory indicator",
                            "social")
        if is_bio != biosphere:
            continue
        loc = r.location or ("::".join(r.data.get("categories", ())) if is_bio else "")
        rows.append(ActivityRow(r.database, r.code, r.name or "", r.product or "", loc or "",
                                r.data.get("unit", ""), r.type or ""))
    rows.sort(key=lambda a: (a.name.lower(), a.location, a.database))
    return rows


def search(rows: list[ActivityRow], text: str, texts: list[str] | None = None) -> list[int]:
    """Indices of the rows whose text contains every word of ``text`` (case-insensitive).
    Pass ``texts`` (``[r.text for r in rows]``, computed once) for speed on large lists."""
    words = text.lower().split()
    texts = texts if texts is not None else [r.text for r in rows]
    if not words:
        return list(range(len(rows)))
    return [i for i, t in enumerate(texts) if all(w in t for w in words)]


# What a residue's fate is: a waste treatment, by the activity's name or reference product (the
# naming of ecoinvent, "treatment of …", "market for waste …", of USLCI, "Disposal, … to sanitary
# landfill", and of ecolca-open, whose treatments have codes "waste-…"). No database we ship
# classifies treatments in a field every importer keeps, so the name decides.
TREATMENT_PATTERN = re.compile(
    r"\btreatment\b|\btreated\b|landfill|incinerat|\bdisposal\b|\bdisposed\b|\bcompost|"
    r"\bsewage\b|waste ?water|anaerobic digestion|open burning|\bdischarge\b|"
    r"^market for (?:waste|scrap|used|spent|sludge)", re.IGNORECASE)


def is_treatment(row: ActivityRow) -> bool:
    """True when ``row`` is a waste treatment or a fate (landfill, incineration, wastewater
    treatment, …), what a residue's fate should be; a supply process (hard coal, clinker) is not."""
    if row.database == "ecolca-open" and row.code.startswith("waste-"):
        return True
    return bool(TREATMENT_PATTERN.search(row.name) or TREATMENT_PATTERN.search(row.product))


def methods() -> list[tuple[str, ...]]:
    """Every LCIA method of the current project, sorted."""
    import bw2data as bd

    return sorted(tuple(m) for m in bd.methods)


def method_unit(method: tuple[str, ...]) -> str:
    import bw2data as bd

    return bd.methods.get(tuple(method), {}).get("unit", "")
