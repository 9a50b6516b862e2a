"""Methods & data: the functional unit, the two configurations, the calculation settings in one
place, the software and data versions, and the run's notes; each fact once."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from ecolca import __version__
from ecolca.core.numbers import format_power
from ecolca.report import common as cm
from ecolca.report.layout import Sheet
from ecolca.lca.results import method_label

NAME = "Methods & data"
ORDER = 90
MAX_TEXT = 110

# metadata keys this sheet states in its own words; any other key is listed as it comes
_USED = {"ecolca_version", "calculated", "date", "brightway_project", "brightway_dir",
         "foreground_database", "background_database", "databases", "bw2data_version",
         "bw2calc_version", "lcia_methods", "methods", "lcia_methods_source", "attribution_key",
         "monte_carlo", "functional_unit", "linear_definition", "symbiotic_definition",
         "consistency", "notes", "background_names", "cutoff", "cut_offs", "audience"}


def write(sh: Sheet, ctx: cm.Context) -> None:
    res, sc = ctx.results, ctx.scenario
    meta = dict(res.metadata)
    sh.title("Methods and data",
             "Each fact once. The scenario's own description, assumptions and sources: the "
             "Scenario sheet; its sites, flows and exchanges: the Input sheets.")
    rows: list[list[Any]] = []
    heads: set[int] = set()

    def section(name: str) -> None:
        heads.add(len(rows))
        rows.append([name, None])

    def item(label: str, value: Any) -> None:
        if value is None or value == "":
            return
        rows.append([label, value])

    section("Functional unit")
    item("Definition", f"the annual output of all sites in {res.reference_year}, the same in L "
                       "and S (system expansion: no allocation is needed)")
    for p in res.functional_unit:
        amount, unit = cm.product_amount(p.amount, p.unit)
        text = (f"{p.product}: {amount}" if isinstance(amount, str)
                else f"{cm.fmt_amount(amount)} {unit} {p.product}")
        item(p.site_name, text)

    section("Configurations")
    item("Linear (L)", cm.LINEAR_DEFINITION.split(": ", 1)[1])
    item("Symbiotic (S)", cm.SYMBIOTIC_DEFINITION.split(": ", 1)[1])

    section("Calculation settings")
    item("Reference year", res.reference_year)
    dbs = meta.get("databases") if isinstance(meta.get("databases"), dict) else {}
    fg = meta.get("foreground_database")
    bg = meta.get("background_database") or sc.background_database
    # only the databases the scenario's references use (and its declared background): a
    # database that is merely installed in the project is not a source of the results
    used = {db for db, _ in cm._refs(sc)} | ({bg} if bg else set()) | {"biosphere3"}
    for name, version in dbs.items():
        if name == fg or name not in used:
            continue
        label = ("Elementary flows" if name == "biosphere3" else "Background database")
        item(f"{label}: {name}", (f"version {version}" if version else
                                  "version not recorded in the Brightway project")
             + (" (the scenario's background)" if name == bg else ""))
    if bg and bg not in dbs:
        item(f"Background database: {bg}", "version not recorded in the results")
    if fg:
        item("Foreground database", f"{fg}, built from the scenario for this run")
    cut = meta.get("cutoff") or meta.get("cut_offs")
    item("Cut-offs", cut if isinstance(cut, str) and cut else
         "none applied by ecolca: the whole supply chain of every background activity is "
         "solved (matrix inversion); the background database's own system boundaries apply")
    key = res.attribution_key
    item("Attribution key (per-site figures)", f"{key}: {cm.KEY_LABELS.get(key, key)}")
    methods = [method_label(m) for m in res.methods]
    for i, m in enumerate(methods):
        rows.append(["LCIA methods" if i == 0 else "", m])
    item("LCIA data", meta.get("lcia_methods_source"))
    item("Monte Carlo", cm.monte_carlo_text(res))
    item("Numbers", "results to 3 significant figures of their row, a row in one unit scaled "
         "to be read (t, kt, Mt, GJ, thousand …, named in its Unit column or heading), never "
         "E-notation; each cell holds the full value in the method's own unit; raw data "
         "(inputs, inventories) in full, to the 7 significant figures Brightway's float32 "
         "amounts carry (docs/report.md, \"Numbers\")")
    item("Rounding noise", "a value below 10⁻⁹ (a billionth) of its row's largest value is "
         "shown as 0")
    cons = meta.get("consistency")
    if isinstance(cons, dict):
        parts = [f"{cm.humanize(k)} {format_power(v)}" for k, v in cons.items()
                 if isinstance(v, float) and k != "tolerance"]
        item("Consistency check", "; ".join(
            parts + [f"tolerance {format_power(cons['tolerance'])}" if "tolerance" in cons else "",
                     f"relative to {cons['relative_to']}" if cons.get("relative_to") else "",
                     str(cons.get("note", ""))]).strip("; ").replace("; ; ", "; "))

    section("Software and data")
    item("ecolca", meta.get("ecolca_version"))
    item("bw2data", meta.get("bw2data_version"))
    item("bw2calc", meta.get("bw2calc_version"))
    item("Brightway project", meta.get("brightway_project"))
    item("Brightway folder", cm.brightway_folder_text())
    item("Calculated", meta.get("calculated") or meta.get("date"))
    item("Report written", f"{_dt.date.today().isoformat()} by ecolca {__version__}")

    notes = meta.get("notes")
    if notes:
        section("Notes of the run")
        for n in notes if isinstance(notes, list) else [notes]:
            rows.append(["Note", str(n)])

    other = [(k, v) for k, v in meta.items() if k not in _USED]
    flat = [kv for k, v in other for kv in cm.flatten(cm.humanize(str(k)), v)]
    if flat:
        section("Other metadata")
        rows += [list(kv) for kv in flat]
    sh.table([("Item", "text"), ("Value", "wrap")], rows, subheads=heads,
             caps={"Item": 36})
