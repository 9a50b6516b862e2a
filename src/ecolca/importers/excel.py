"""Brightway's Excel layout (what ``bw2io.export.write_lci_excel`` writes and
``bw2io.ExcelImporter`` reads).

bw2io links technosphere exchanges by name, reference product, unit and location; an export has
no "reference product" on its exchanges, so a round trip leaves them unlinked. After bw2io's own
strategies this links the rest inside the workbook by name, unit and location (unique matches
only), then to the project's other databases the same way, and elementary flows to biosphere3 by
name, categories and unit. Elementary flows that a workbook defines itself (activities of type
'emission', 'natural resource', …, e.g. the "Biosphere" sheet of bw2io's
``sample_parameterized_database.xlsx``) are not written: no LCIA method of the project has factors
for them, so exchanges to them are unlinked and the refusal says why. Parameters and formulas are evaluated at import
(:mod:`ecolca.importers.parameters`): the exchanges get the values as amounts.
"""

from __future__ import annotations

import io
import time
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

from ecolca.importers.common import (
    CancelCheck, ImportError_, ImportSummary, Progress, check_path,
)

FORMAT = "excel"


# bw2data's node types of elementary flows (bw2data.configuration.TypoSettings.node_types less the
# process and product types)
ELEMENTARY_TYPES = frozenset({"emission", "natural resource", "inventory indicator", "economic"})


def _key(d: dict) -> tuple:
    return (str(d.get("name", "")).strip().lower(), str(d.get("unit", "")).strip().lower(),
            str(d.get("location", "") or "GLO").strip().lower())


def read(path: str | Path, name: str, progress: Progress | None = None,
         cancelled: CancelCheck | None = None):
    import bw2data as bd
    from bw2data.backends import ActivityDataset as AD

    from bw2io import ExcelImporter
    from ecolca.core.errors import Cancelled

    say = progress or (lambda m, f: None)
    p = check_path(path, "file", "a Brightway Excel workbook (.xlsx)")
    if not zipfile.is_zipfile(p):
        raise ImportError_(f"'{p}' is not an .xlsx workbook (not a zip container: corrupt, an old "
                           ".xls or another format)")
    from ecolca.importers.common import open_zip

    open_zip(p).close()  # size and ratio limits before openpyxl unpacks it
    t0 = time.perf_counter()
    say(f"Reading {p.name} with bw2io", 0.05)
    buf = io.StringIO()
    try:
        with redirect_stdout(buf):
            imp = ExcelImporter(str(p))
            if cancelled and cancelled():
                raise Cancelled("import cancelled")
            say("Applying bw2io's Excel strategies", 0.3)
            imp.apply_strategies()
    except Cancelled:
        raise
    except Exception as exc:  # openpyxl and bw2io raise many kinds on a malformed sheet
        raise ImportError_(f"'{p}': not a Brightway Excel workbook ({type(exc).__name__}: "
                           f"{exc})") from None
    old_names = {ds.get("database") for ds in imp.data} - {None}
    summary = ImportSummary(FORMAT, str(p), name)
    # parameters and formulas: bw2io leaves the sheet's amounts (often 0) until `recalculate`;
    # evaluate them here, or refuse the file naming what cannot be evaluated
    from ecolca.importers.parameters import evaluate

    params = evaluate(imp.data, getattr(imp, "project_parameters", None),
                      getattr(imp, "database_parameters", None), str(p))
    n_act = sum(len(v) for v in params["activity"].values())
    if params["formulas"] or params["project"] or params["database"] or n_act:
        summary.notes.append(
            f"Parameters: {len(params['project'])} project, {len(params['database'])} database, "
            f"{n_act} activity parameter(s) evaluated; {params['formulas']} exchange formula(s) "
            "evaluated into amounts (fixed at import; the values are kept in the database's "
            "metadata, 'ecolca_import_parameters')")
    data, own_flows = {}, {}
    for ds in imp.data:
        ds = dict(ds)
        if ds.get("type") in ELEMENTARY_TYPES:  # the workbook's own elementary flow
            own_flows[str(ds.get("name", "")).strip().lower()] = ds
            continue
        ds["database"] = name
        data[(name, ds["code"])] = ds
    # internal links by name, unit, location (unique); the workbook's own database name(s) and
    # exchanges that bw2io linked to them now point at `name`
    index: dict[tuple, list[str]] = {}
    for (_, code), ds in data.items():
        index.setdefault(_key(ds), []).append(code)
    others: dict[tuple, list[tuple]] = {}
    say("Linking exchanges by name, unit and location", 0.5)
    for (_, code), ds in data.items():
        for e in ds.get("exchanges", []):
            kind = e.get("type")
            inp = e.get("input")
            if inp and inp[0] in old_names:
                e["input"] = (name, inp[1])
                continue
            if inp or kind not in ("technosphere", "production", "substitution"):
                continue
            if kind == "production" and _key(e)[0] in ("", _key(ds)[0]):
                e["input"] = (name, code)
                continue
            hits = index.get(_key(e), [])
            if len(hits) == 1:
                e["input"] = (name, hits[0])
                continue
            if not others:
                for db_, c, n, loc, d in AD.select(AD.database, AD.code, AD.name, AD.location,
                                                   AD.data).where(
                        AD.database.not_in(["biosphere3", *old_names, name]),
                        ~AD.database.startswith("ecolca: ")).tuples():
                    others.setdefault(_key({"name": n, "unit": d.get("unit"), "location": loc}),
                                      []).append((db_, c))
            hits2 = others.get(_key(e), [])
            if len(hits2) == 1:
                e["input"] = hits2[0]
    # elementary flows: bw2io links them by name, categories and unit (exact match only)
    n_bio = sum(1 for ds in data.values() for e in ds.get("exchanges", [])
                if e.get("type") == "biosphere" and e.get("input"))
    if n_bio:
        summary.linked_by["exact match"] = n_bio
    cause = _own_flows_cause(data, own_flows, summary)
    summary.seconds = time.perf_counter() - t0
    meta = {"format": "Brightway Excel", "ecolca_import_format": FORMAT,
            "ecolca_import_source": p.name}
    if params["project"] or params["database"] or n_act:
        meta["ecolca_import_parameters"] = {k: params[k] for k in ("project", "database",
                                                                     "activity")}
    del bd
    return data, summary, meta, cause


def _own_flows_cause(data: dict, own_flows: dict, summary: ImportSummary) -> str:
    """Note the workbook's own elementary flows (left out) and, when unlinked biosphere exchanges
    name them, the reason for the refusal."""
    if not own_flows:
        return ""
    names = sorted(str(f.get("name", "")) for f in own_flows.values())
    summary.notes.append(
        f"{len(names)} elementary flow(s) defined in the workbook itself not written ("
        + ", ".join(f"'{n}'" for n in names[:5]) + (", …" if len(names) > 5 else "")
        + "): ecolca links elementary flows to biosphere3, whose flows the LCIA methods "
          "characterize")
    used = sorted({str(e.get("name", "")).strip().lower() for ds in data.values()
                   for e in ds.get("exchanges", [])
                   if e.get("type") == "biosphere" and not e.get("input")} & set(own_flows))
    if not used:
        return ""
    flows = [own_flows[n] for n in used]
    it = "it" if len(flows) == 1 else "them"
    return ("; ".join(f"'{f.get('name')}' is an elementary flow that the workbook defines "
                      f"itself (type '{f.get('type')}' in its database "
                      f"'{f.get('database', '?')}'), not a flow of biosphere3"
                      for f in flows[:3])
            + f": no LCIA method of the project has a factor for {it}, so the exchanges to "
              f"{it} would score 0")
