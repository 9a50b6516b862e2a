"""Bring your own background: import a database into the ecolca Brightway project.

Formats: ``olca-jsonld`` (openLCA JSON-LD, e.g. US LCI), ``ecospold2`` (ecoinvent),
``excel`` (Brightway's Excel layout), ``simapro-csv`` (SimaPro CSV export). Each reader returns
``{(name, code): dataset}`` and an :class:`~ecolca.importers.common.ImportSummary`;
:func:`import_database` checks the links, refuses what would give wrong numbers silently, and
writes through a temporary database and a journaled swap (:mod:`ecolca.brightway.swap`,
``docs/backgrounds.md``). No Qt here.
"""

from __future__ import annotations

import time
from pathlib import Path

from ecolca.importers.common import (
    COMPANION_KEY, CancelCheck, ImportError_, ImportSummary, Progress, UnlinkedError,
    check_target, drop_unlinked, refuse_if_unlinked, refuse_unlinked_production,
    refuse_zero_production, write_companion, write_database,
)

FORMATS = {
    "olca-jsonld": "openLCA JSON-LD export (zip or folder), e.g. US LCI",
    "ecospold2": "ecospold2 folder of .spold files (ecoinvent)",
    "excel": "Brightway Excel workbook (.xlsx)",
    "simapro-csv": "SimaPro CSV export (.csv)",
}

__all__ = ["FORMATS", "ImportError_", "ImportSummary", "UnlinkedError", "import_database",
           "read_source"]


def default_name(fmt: str, path: str | Path) -> str:
    p = Path(path)
    stem = p.name
    for suffix in (".zip", ".xlsx", ".csv", ".json"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return stem or fmt


def read_source(fmt: str, path: str | Path, name: str, progress: Progress | None = None,
                cancelled: CancelCheck | None = None) -> tuple[dict, ImportSummary, dict, str]:
    """Read and link ``path``: ``(data, summary, metadata, cause)``, where ``cause`` explains
    unlinked exchanges when the reader knows why (e.g. a newer ecoinvent biosphere)."""
    if fmt == "olca-jsonld":
        from ecolca.importers import olca_jsonld as mod
    elif fmt == "ecospold2":
        from ecolca.importers import ecospold2 as mod
    elif fmt == "excel":
        from ecolca.importers import excel as mod
    elif fmt == "simapro-csv":
        from ecolca.importers import simapro_csv as mod
    else:
        raise ImportError_(f"unknown format '{fmt}'; one of: {', '.join(FORMATS)}")
    out = mod.read(path, name, progress=progress, cancelled=cancelled)
    if len(out) == 3:
        return (*out, "")
    return out


def import_database(fmt: str, path: str | Path, name: str | None = None,
                    project: str | None = None, allow_unlinked: bool = False,
                    replace: bool = False, unlinked_csv: str | Path | None = None,
                    progress: Progress | None = None, cancelled: CancelCheck | None = None,
                    extra_meta: dict | None = None) -> ImportSummary:
    """Import ``path`` as database ``name`` of ``project``; returns the summary.

    Raises :class:`ImportFailed` (a user error: the project is unchanged) or
    :class:`UnlinkedError` (refused; its ``.summary`` holds the unlinked exchanges)."""
    from ecolca.brightway.project import activate

    say = progress or (lambda m, f: None)
    activate(project)
    name = name or default_name(fmt, path)
    check_target(name, replace)
    t0 = time.perf_counter()
    data, summary, meta, cause = read_source(fmt, path, name, progress=say, cancelled=cancelled)
    refuse_zero_production(data, str(path))
    companion = meta.pop(COMPANION_KEY, None)
    if companion and companion["name"] in (name, "biosphere3"):
        raise ImportError_(f"--name '{name}': its companion biosphere database would be "
                           f"'{companion['name']}'; choose another name")
    data = drop_unlinked(data, summary, companion)
    if not data:
        raise ImportError_(f"'{path}': no activities found")
    summary.seconds = time.perf_counter() - t0
    if unlinked_csv:
        summary.write_csv(unlinked_csv)
    refuse_unlinked_production(summary)
    refuse_if_unlinked(summary, allow_unlinked, cause)
    meta = dict(meta)
    meta.update(extra_meta or {})
    meta.setdefault("ecolca_import_unlinked", {
        "biosphere": summary.unlinked_biosphere, "technosphere": summary.unlinked_technosphere,
        "cut_off": summary.count("cut-off") + summary.count("no producer")
        + summary.count("co-product input")
        + summary.count("producer in another unit"),
        "set_aside": summary.count("set aside (co-product)") + summary.count("set aside (waste)")})
    created = write_companion(companion, say) if companion else False
    try:
        summary.replaced = write_database(name, data, meta, replace=replace, progress=say,
                                          cancelled=cancelled)
    except BaseException:
        if created and companion["name"] in bd.databases:
            del bd.databases[companion["name"]]  # new with this import: nothing else uses it
        raise
    summary.seconds = time.perf_counter() - t0
    say(f"Imported '{name}'", 1.0)
    return summary
