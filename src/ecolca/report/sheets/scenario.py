"""Scenario: what the scenario says about itself, and the settings it was run with."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report.layout import Sheet

NAME = "Scenario"
ORDER = 20


def write(sh: Sheet, ctx: cm.Context) -> None:
    sc, res = ctx.scenario, ctx.results
    sh.fixed[1] = 26
    sh.col_cap[2] = 130
    sh.title(f"Scenario: {sc.name}",
             "The scenario as described by its author. Its sites, flows and exchanges are on the "
             "input sheets after the results (Input sites, Input flows, Flow notes, Input "
             "exchanges, Exchange terms); the settings of the calculation on Methods & data.")
    n, seed = cm.monte_carlo_run(res)
    mc = cm.monte_carlo_text(res)
    want_n, want_seed = sc.monte_carlo_iterations, sc.monte_carlo_seed
    if n != want_n or (n and seed != want_seed):
        mc += (f" (the scenario file's own setting, {want_n:,} iterations with seed "
               f"{want_seed}, was overridden for this run)")
    key = res.attribution_key
    sh.pairs([(label, value) for label, value in [
        ("Name", sc.name),
        ("Id", sc.id),
        ("Description", sc.description or "none given"),
        ("Reference year", sc.reference_year),
        ("Currency", sc.currency),
        ("Background database", sc.background_database),
        ("Attribution key", f"{key}: {cm.KEY_LABELS.get(key, key)}"),
        ("Monte Carlo (as run)", mc),
        ("Calibration", res.calibration_note or res.calibration),
        ("Calibration claimed by the file", sc.calibration),
        ("Sites, flows, exchanges", f"{len(sc.sites)} sites, "
                                    f"{sum(1 for _ in sc.iter_flows())} flows, "
                                    f"{len(sc.exchanges)} exchanges"),
    ] if value not in (None, "")])
    for label, items in (("Assumptions", sc.assumptions), ("Sources", sc.sources)):
        if not items:
            sh.pairs([(label, "none stated")])
        for i, text in enumerate(items):
            sh.pairs([(label if i == 0 else "", text)])
