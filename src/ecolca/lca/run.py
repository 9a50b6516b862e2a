"""The comparison: linear vs symbiotic (methodology §2–3), evaluated on the term table.

:func:`compare` checks the scenario, writes its foreground database (the record Activity Browser
opens), solves once for the unit scores and the foreground's L and S, checks that the term table
gives the same L and S, and evaluates everything else on the table. :func:`evaluate` is that
last step alone: the app calls it on every edit of a number (live results, no solve).
"""

from __future__ import annotations

import copy
import datetime as _dt
import math
import sqlite3
import time
from typing import Callable

import numpy as np

from ecolca import __version__
from ecolca.core.errors import EcolcaError, ScenarioError
from ecolca.lca import attribution, coverage, sensitivity, uncertainty
from ecolca.lca.economics import _economics
from ecolca.lca.evaluation import Evaluation  # noqa: F401  (ecolca.lca.Evaluation)
from ecolca.lca.foreground import (Foreground, build_foreground, foreground_lock,
                                   process_edited_databases)
from ecolca.lca.project_check import _Lookup, _to_unit_factor, check_against_project, terms_of
from ecolca.lca.solve import (INVENTORY_LABELS, INVENTORY_UNITS, PRECISION_RTOL, Solved,
                              method_units, reach_of, solve)
from ecolca.lca.terms import TermTable, parameter_values, structure
from ecolca.lca.uncertainty import Cancelled
from ecolca.core.model import Scenario, calibration_of, is_sourced
from ecolca.lca.results import (
    ElementaryFlow,
    ExchangeTable,
    InventoryTotal,
    MethodContributions,
    MethodResult,
    ProcessContribution,
    ProductRow,
    Results,
    SiteTable,
    UncertaintyResult,
)
from ecolca.core.validation import errors as _errors
from ecolca.core.validation import validate, warning_records

Progress = Callable[[str, float], None]

# float32's machine epsilon (2^-23): Brightway stores every amount of the foreground database
# as float32, so each amount the term table holds in float64 differs from the stored one by up to
# half of it, relative; L and S of the two then differ by up to that share of the sum of the
# absolute contributions they add up
FLOAT32_EPS = float(np.finfo(np.float32).eps)
# relative residual of the run-time identities (relative to the sum of the absolute
# contributions of both computations) above which a result is refused: 100 float32 epsilons
# (1.2e-5), a margin over the 0.5 eps the storage alone explains for the float64 round-off of a
# factorisation with loops (US LCI) and of sums over many terms. A relative rule only: a
# category that a supply chain barely touches is compared at its own scale, never against a
# floor in the method's unit
CONSISTENCY_TOLERANCE = 100 * FLOAT32_EPS


def pct_note(sc: Scenario) -> str | None:
    """The note that Δ % is not meaningful (n/m) when sites declare only part of their
    inventory; None otherwise."""
    partial = [s.name for s in sc.sites if s.inventory == "partial"]
    if not partial:
        return None
    return (f"n/m: {len(partial)} of {len(sc.sites)} sites declare only the replaceable part of "
            f"their inventory ({', '.join(partial[:4])}{', …' if len(partial) > 4 else ''}), so L "
            "is not the park's whole impact and Δ/L would overstate the change")


def _rescored(ev: Evaluation, table: TermTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``ev``'s unit scores, key-flow inventories and reach in the key order of ``table`` (a
    table of the same scenario edited)."""
    pos = {k: i for i, k in enumerate(ev.keys)}
    ix = [pos[k] for k in table.keys]
    return ev.solved.scores[ix], ev.solved.inventory[ix], reach_of(ev.solved)[ix]


def evaluate(sc: Scenario, ev: Evaluation, table: TermTable | None = None) -> Results:
    """Every deterministic figure of ``sc`` from the term table and ``ev``'s unit scores."""
    if table is None:
        if ev.table.structure and structure(sc) == ev.table.structure:
            table = ev.table.with_values(parameter_values(sc))  # an edit of numbers only
        else:
            table = terms_of(sc, ev.lookup)
    if table.keys == ev.keys:
        U, inv_unit, R = ev.solved.scores, ev.solved.inventory, reach_of(ev.solved)
    else:
        U, inv_unit, R = _rescored(ev, table)
    methods, munits = ev.methods, ev.units
    a = table.amounts()
    lin, sym = table.totals(a, U)
    note = pct_note(sc)
    cov = ev.solved.coverage
    impacts = [MethodResult(m, munits[j], float(lin[j]), float(sym[j]), cov.get(m), note)
               for j, m in enumerate(methods)]
    for r in impacts:
        if not (math.isfinite(r.linear) and math.isfinite(r.symbiotic)):
            raise EcolcaError(f"method {' | '.join(r.method)}: the result is not a finite number "
                              f"(linear {r.linear}, symbiotic {r.symbiotic}); an amount or a "
                              "factor is too large")
    contrib = table.contributions(a, U)
    site_lin = table.by_site(contrib)
    parts = table.by_exchange(contrib)
    total = sum(parts.values()) if parts else np.zeros((0, len(methods)))
    cover = coverage.of_terms(table, a, R, contrib)
    scale = np.abs(contrib).sum(axis=0)
    coverage.mark_impacts(impacts, cover, scale, list(table.exchange_ids))
    # a part at most PRECISION_RTOL of its exchange's Σ|contributions| is rounding noise: 0
    parts = {k: np.where(np.abs(v) <= PRECISION_RTOL * cover.scale, 0.0, v)
             for k, v in parts.items()}

    # break-even distance of the first leg, other legs as declared (methodology §3)
    n_e = len(table.exchange_ids)
    be = np.full((n_e, len(methods)), np.nan)
    be_reason: list[str | None] = []
    tonnes = table.tonnes
    legs: list[tuple[int, int, int]] = []  # (exchange, its first leg's term, distance parameter)
    for i in range(len(sc.exchanges)):
        leg = table.first_leg[i]
        if leg is None:
            be_reason.append("no transport")
        elif tonnes[i] <= 0:
            be_reason.append("nothing is moved")
        else:
            legs.append((i, *leg))
            be_reason.append(None)
    leg_reason: dict[tuple[int, int], str] = {}
    if legs:
        ix, ts, ds = (np.array(c, dtype=int) for c in zip(*legs))
        per_km = table.without_many(ts, ds)[:, None] * U[table.key[ts]]
        rest = total[ix] - contrib[ts]
        with np.errstate(divide="ignore", invalid="ignore"):
            be[ix] = np.where(per_km != 0, -rest / per_km, np.nan)
        leg_reason = coverage.break_even_reasons(cover, ix, R[table.key[ts]], per_km, rest)
    reasons = [[be_reason[i] if be_reason[i] is not None else leg_reason.get((i, j)) or
                (None if math.isfinite(be[i, j]) else "transport has no impact in this method")
                for j in range(len(methods))] for i in range(n_e)]
    be = np.where(np.isfinite(be), be, np.nan)
    for (i, j) in leg_reason:
        be[i, j] = np.nan
    labels = table.__dict__.get("_labels")  # names are part of the structure: made once
    if labels is None:
        labels = table.__dict__["_labels"] = [sc.exchange_label(e) for e in sc.exchanges]
    ex_table = ExchangeTable(
        list(table.exchange_ids), list(labels), methods, munits,
        parts, [float(sum(t.distance_km for t in e.transport)) for e in sc.exchanges], be, reasons,
        coverage.ratio_where_meaningful(cover, sensitivity.break_even_ratio(table, contrib, U)))
    ex_table.coverage = cover

    econ, gains = _economics(sc)
    # a site figure at most PRECISION_RTOL of the park's Σ|contributions| (which bounds what it
    # is computed from) is rounding noise: 0
    tiny = PRECISION_RTOL * scale
    site_sym = {k: np.where(np.abs(v) <= tiny, 0.0, v)
                for k, v in attribution.site_symbiotic(sc, site_lin, parts, gains).items()}
    site_rows = SiteTable(list(table.site_ids), [s.name for s in sc.sites], methods, munits,
                          np.where(np.abs(site_lin) <= tiny, 0.0, site_lin), site_sym)
    site_rows.covered = cover.site_covered
    inv_l, inv_s = table.totals(a, inv_unit)  # key flows sum like scores
    inventory = [InventoryTotal(lab, unit, float(inv_l[i]), float(inv_s[i]))
                 for i, (lab, unit) in enumerate(zip(INVENTORY_LABELS, INVENTORY_UNITS))]
    products = [ProductRow(s.name, f.name, f.amount, f.unit) for s, f in sc.iter_flows()
                if f.kind == "product"]
    calibration = calibration_of(sc)  # computed from the amounts' bases, never a default
    return Results(
        scenario_name=sc.name, reference_year=sc.reference_year, currency=sc.currency,
        attribution_key=sc.attribution_key, functional_unit=products, impacts=impacts,
        exchanges=ex_table, sites=site_rows, economics=econ, inventory=inventory,
        prices_given=any(f.price is not None for _, f in sc.iter_flows()) or any(
            e.economics.price or e.economics.transport_cost or e.economics.processing_cost
            for e in sc.exchanges),
        calibration=calibration.level, calibration_note=calibration.note,
        # exchanges whose q is not sourced (assumed, estimated, unspecified, or no source named)
        assumed_exchanges=[e.id for e in sc.exchanges if not is_sourced(e.amount_basis, e.source)],
        sensitivity=_sensitivity(table, U, methods, munits, impacts),
    )


def _sensitivity(table, U, methods, munits, impacts):
    """One-at-a-time sensitivity, each with its category's Δ (0 below numerical precision)."""
    out = sensitivity.one_at_a_time(table, U, methods, munits)
    for s, r in zip(out, impacts):
        s.delta = r.delta
    return out


def _consistency(table: TermTable, solved: Solved, results: Results) -> dict:
    """Check, at run time, that the term table and the foreground database give the same L and
    S (to float32 precision, at which Brightway stores amounts), and that Σ sites = L and
    Σ parts = S − L. The residuals are relative to the sum of the absolute contributions both
    computations add up (the term table's terms, the foreground's processes); one beyond
    :data:`CONSISTENCY_TOLERANCE` means the two disagree: the run is refused rather than report
    numbers that do not add up, with what can help."""
    a = table.amounts()
    scale = np.abs(table.contributions(a, solved.scores)).sum(axis=0)
    fg = solved.foreground
    mags = [np.asarray(fg.get(f"{c}_magnitude", np.zeros(len(scale)))) for c in ("linear", "symbiotic")]
    worst = {"linear": 0.0, "symbiotic": 0.0, "sites": 0.0, "parts": 0.0}
    ex = results.exchanges
    parts_sum = sum(ex.parts[p] for p in ex.PARTS).sum(axis=0) if len(ex.ids) else 0.0
    for j, r in enumerate(results.impacts):
        s = max(scale[j], float(mags[0][j]), float(mags[1][j]), abs(r.linear), abs(r.symbiotic))
        if s == 0:  # nothing is added up: both are exactly 0
            continue
        res = {"linear": (r.linear - fg["linear"][j]) / s,
               "symbiotic": (r.symbiotic - fg["symbiotic"][j]) / s,
               "sites": (results.sites.linear[:, j].sum() - r.linear) / s,
               "parts": (float(np.asarray(parts_sum)[j]) if len(ex.ids) else 0.0) / s
               - (r.symbiotic - r.linear) / s}
        for k, v in res.items():
            worst[k] = max(worst[k], abs(float(v)))
        bad = max(abs(float(v)) for v in res.values())
        if bad > CONSISTENCY_TOLERANCE:
            raise EcolcaError(
                f"method {' | '.join(r.method)}: the calculation does not add up: the term "
                f"table and Brightway's solve of the foreground database disagree (linear {r.linear:.6g} vs "
                f"{fg['linear'][j]:.6g}, symbiotic {r.symbiotic:.6g} vs "
                f"{fg['symbiotic'][j]:.6g}; {bad:.2g} of the sum of absolute contributions "
                f"{s:.3g}, tolerance {CONSISTENCY_TOLERANCE:.2g}). If another program (Activity "
                "Browser, a second ecolca) wrote the scenario's foreground database during this "
                "run, close it and run again; otherwise running again gives the same numbers: "
                "run without this method (--method) and report the scenario and the "
                "background's name and version as a defect (docs/engine.md, 'The Brightway "
                "foreground database and the cross-check')")
    return {"term_table_minus_foreground_linear": worst["linear"],
            "term_table_minus_foreground_symbiotic": worst["symbiotic"],
            "sum_of_sites_minus_linear": worst["sites"], "sum_of_parts_minus_delta": worst["parts"],
            "relative_to": "the sum of absolute contributions (term table and foreground "
                           "processes)", "tolerance": CONSISTENCY_TOLERANCE,
            "note": "checked at run time for every method: L and S from the term table against "
                    "Brightway's solve of the foreground database, which stores amounts as "
                    "float32; processes outside a configuration's supply chain (by the "
                    "matrices' pattern) are not counted, their supply being rounding noise"}


def compare(sc: Scenario, project: str | None = None, methods: list[tuple[str, ...]] | None = None,
            iterations: int | str | None = None, seed: int | None = None,
            progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
            timings: dict | None = None, workers: int = 1, dask: str | None = None,
            background_uncertainty: bool = True, keep: list | None = None,
            source: str | None = None, prepared: "Prepared | None" = None) -> Results:
    """Compute L and S for every method, the per-exchange parts, per-site views, key inventory
    totals, economics, one-at-a-time sensitivity and (if ``iterations``) paired Monte Carlo
    statistics with variance shares.

    Raises :class:`ScenarioError` listing every problem when the scenario is not valid for the
    project; nothing is computed then. When ``keep`` is a list, the run's :class:`Evaluation`
    is appended to it (the app keeps it for live results).

    ``source`` (:func:`ecolca.lca.prepared.source_key` of the scenario file) keeps what the
    checks derive from the scenario for the next run of the same file; ``prepared`` is such a
    record, loaded and found current by the caller (:func:`ecolca.lca.prepared.load`): the
    scenario in it is the one used, and its checks are not repeated.
    """
    import bw2data as bd

    from ecolca.brightway.project import activate

    say = progress or (lambda m, f: None)
    stop = cancelled or (lambda: False)
    timings = timings if timings is not None else {}
    project = activate(project)
    methods = [tuple(m) for m in (methods or sc.methods)]
    if methods != [tuple(m) for m in sc.methods]:
        sc = copy.deepcopy(sc)
        sc.methods = methods
    say("Checking the scenario", 0.02)
    processed = process_edited_databases()  # before anything reads their matrices
    if processed:
        timings["processed_databases"] = processed
    if prepared is not None:  # the same file, databases and methods as a checked run
        sc, lookup, table, digest = (prepared.scenario, prepared.lookup, prepared.table,
                                     prepared.digest)
        warnings = list(prepared.warnings)
        timings["prepared_reused"] = True
    else:
        sc, lookup, table, digest, warnings = _check(sc, methods, source)

    say("Building the foreground database", 0.1)
    with foreground_lock(sc):
        fg = build_foreground(sc, lookup, table, digest)
        timings["foreground"] = fg.seconds
        timings["foreground_written"] = fg.written  # None: whole; n: activities in place
        if fg.rewritten:
            say("The foreground database was changed outside ecolca: written again", 0.2)
            warnings = warnings + [{"item": "the scenario's foreground database", "field": "",
                                    "message": fg.rewritten, "path": [], "confidential": False}]
        if stop():
            raise Cancelled()
        say(f"Calculating {2 + table.n_background} demands × {len(methods)} methods "
            "(one factorisation)", 0.25)
        t0 = time.perf_counter()
        solved, reused = _solve_or_reuse(table, lookup, methods, fg)
        timings["lca"] = time.perf_counter() - t0
        timings["solve_reused"] = reused
    if stop():
        raise Cancelled()
    say("Collecting results", 0.7)
    munits = method_units(methods)
    ev = Evaluation(lookup, methods, [munits[m] for m in methods], solved, table, list(table.keys))
    results = evaluate(sc, ev, table)
    results.metadata = _metadata(sc, fg, methods, 0, 0)
    results.warnings = warnings
    results.metadata["solve"] = {
        "computed": solved.computed, "reused": reused,
        "note": ("the scenario, its foreground database, every database it depends on and the "
                 "methods are unchanged since that solve, so its numbers were reused "
                 "(docs/engine.md, 'Reused solves')") if reused else "solved in this run"}
    results.metadata["scenario_checks"] = {
        "reused": prepared is not None,
        "note": ("this file (same bytes), the databases it links to and the methods are "
                 "unchanged since a run that read and checked it, so that run's checks and term "
                 "table were reused (docs/engine.md, 'Prepared scenarios')")
        if prepared is not None else "read and checked in this run"}
    results.metadata["consistency"] = _consistency(table, solved, results)
    if solved.notes:
        results.metadata["notes"] = solved.notes
    _breakdown(results, solved)

    iterations = sc.monte_carlo_iterations if iterations is None else iterations
    seed = sc.monte_carlo_seed if seed is None else seed
    if iterations:
        t0 = time.perf_counter()
        draws = uncertainty.run(
            sc, table, solved.scores, [lookup.ids[k] for k in table.keys[:table.n_background]],
            project, str(bd.projects._base_data_dir), methods, iterations, seed,
            background=background_uncertainty, workers=workers, dask=dask, say=say, stop=stop)
        mc = _monte_carlo_metadata(draws, iterations, seed)
        if draws.sampled:
            results.uncertainty = _uncertainty_results(draws, methods, ev.units, seed)
            _headline(results, sc, table, solved.scores, draws)
            d = draws.symbiotic - draws.linear
            sensitivity.global_shares(results.sensitivity, table, draws.parameters, d,
                                      uncertainty.uncertain(table), seed)
        else:
            for x in results.sensitivity:
                x.global_note = "not estimated: nothing was sampled (" + mc["note"] + ")"
        timings["monte_carlo"] = time.perf_counter() - t0
        results.metadata["monte_carlo"] = mc
    if keep is not None:
        keep.append(ev)
    say("Done", 1.0)
    return results


def _check(sc: Scenario, methods, source: str | None):
    """Validate ``sc`` and check it against the project (ScenarioError naming every problem);
    its lookup, term table, foreground digest and warnings (validation.warning_records). With
    ``source``, they are kept for the next run of the same file (lca/prepared.py)."""
    from ecolca.lca import prepared as _prepared
    from ecolca.lca.foreground import foreground_digest

    problems = validate(sc)
    lookup = None
    tables: list[TermTable] = []
    if not _errors(problems):
        lookup = _Lookup.for_scenario(sc)
        problems += check_against_project(sc, lookup, tables, validated=True)
    if _errors(problems):
        raise ScenarioError(_errors(problems), sc.name)
    digest = foreground_digest(sc, lookup)
    warnings = warning_records(sc, problems)
    if source is not None:
        states = _prepared.current_states({k[0] for k in lookup.ids}, methods)
        _prepared.store(source, _prepared.Prepared(sc, lookup, tables[0].for_record(),
                                                   digest, states, warnings))
    return sc, lookup, tables[0], digest, warnings


def _solve_or_reuse(table: TermTable, lookup, methods, fg: Foreground) -> tuple[Solved, bool]:
    """The solve of this foreground for these methods: the stored one when nothing it depends on
    has changed (lca/cache.py, "whole solves"), else a new one, stored for the next run."""
    from ecolca.lca import cache

    try:
        key = cache.solved_key(fg.database, table.keys, methods)
        stored = cache.load_solved(fg.database, key)
    except (OSError, sqlite3.Error):
        key, stored = None, None
    if stored is not None and stored.scores.shape == (len(table.keys), len(methods)):
        return stored, True
    solved = solve(table, lookup, methods, fg.ids)
    try:  # a failure to keep it costs the next run its speed, nothing else
        cache.store_solved(fg.database, key, solved)
    except OSError:
        pass
    return solved, False


def _breakdown(results: Results, solved: Solved) -> None:
    """The full inventory and the contributions by process (solve.park_breakdown) as results."""
    park = solved.park
    if not park:
        return
    results.elementary_flows = [ElementaryFlow(**f) for f in park["flows"]]
    units = {r.method: r.unit for r in results.impacts}
    results.contributions = [
        MethodContributions(c["method"], units.get(c["method"], ""),
                            [ProcessContribution(**p) for p in c["processes"]], c["rest_count"],
                            c["rest_linear"], c["rest_symbiotic"], c["linear"], c["symbiotic"])
        for c in park["contributions"]]


def _monte_carlo_metadata(draws, requested, seed) -> dict:
    """metadata["monte_carlo"]: what was run and what was sampled, counted from the term
    table's parameters and the background's matrices, never echoed from an option."""
    bg = draws.background_distributions
    n_bg = sum(bg.values()) if bg else 0
    out = {"iterations": int(draws.linear.shape[1]), "seed": seed, "requested": requested,
           "chunk": uncertainty.CHUNK, "ran_on": draws.workers,
           "sampled": draws.sampled,
           "foreground_distributions": draws.foreground_distributions,
           "background_distributions": n_bg,
           "background_distributions_by_matrix": bg,
           "clamped_draws": draws.clamped, "clamped_to_residue": draws.clamped_residue,
           "clamped_to_supply": draws.clamped_supply,
           "stopped": draws.stopped, "stopped_note": uncertainty.STOPPED[draws.stopped],
           "seeds": "chunk i draws from child i of numpy.random.SeedSequence(seed)"}
    if not draws.sampled:
        out["note"] = ("nothing was sampled: no parameter of the scenario has a distribution, "
                       + ("and the background was not sampled" if bg is None else
                          "and no entry of the background's matrices has one")
                       + ("; --iterations auto stopped before its first draw because nothing "
                          "varies" if requested == "auto" else "")
                       + "; no interval is shown")
    else:
        out["note"] = (f"sampled {draws.foreground_distributions:,} distribution(s) of the "
                       f"scenario's parameters and {n_bg:,} of the background's matrices"
                       + ("" if bg is not None else " (the background was not sampled)"))
    return out


def _headline(results: Results, sc: Scenario, table: TermTable, scores, draws) -> None:
    """Each method's deterministic Δ beside its draws: inside or outside the 95 % interval,
    and the parameters at an end of their own range that put it there (issue #20.1)."""
    shifts = uncertainty.at_end_shifts(sc, table, scores)
    for j, u in enumerate(results.uncertainty):
        r = results.impacts[j]
        u.deterministic = r.delta
        u.clamped = draws.clamped
        u.outside = uncertainty.outside(r.delta, u.delta) if r.covered else None
        u.causes = uncertainty.causes_for(shifts, j, u.outside)


def _uncertainty_results(draws, methods, units, seed) -> list[UncertaintyResult]:
    out = []
    d = draws.symbiotic - draws.linear
    se_p, se_m = uncertainty.standard_errors(d)
    for j, m in enumerate(methods):
        out.append(UncertaintyResult(
            m, units[j], int(d.shape[1]), seed, uncertainty.stats(draws.linear[j]),
            uncertainty.stats(draws.symbiotic[j]), uncertainty.stats(d[j]),
            float(np.mean(d[j] < 0)), draws.linear[j], draws.symbiotic[j], d[j],
            {"mean_delta": float(se_m[j]), "probability_delta_negative": float(se_p[j])}))
    return out


def _metadata(sc: Scenario, fg: Foreground, methods, iterations: int, seed: int) -> dict:
    import importlib.metadata

    import bw2data as bd

    dbs = {}
    for name in sorted(bd.databases):
        if name == fg.database or not name.startswith("ecolca:"):
            md = bd.databases[name]
            dbs[name] = str(md.get("ecolca_version") or md.get("version") or "")
    return {
        "ecolca_version": __version__,
        "calculated": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "brightway_project": bd.projects.current,
        "brightway_dir": str(bd.projects._base_data_dir),
        "foreground_database": fg.database,
        "background_database": sc.background_database,
        "databases": dbs,
        "bw2data_version": ".".join(map(str, bd.__version__)) if isinstance(bd.__version__, tuple) else str(bd.__version__),
        "bw2calc_version": importlib.metadata.version("bw2calc"),
        "lcia_methods": [" | ".join(m) for m in methods],
        "lcia_methods_source": "bw2io bundled LCIA data (ecoinvent 3.9 LCIA implementation)",
        "attribution_key": sc.attribution_key,
        "monte_carlo": {"iterations": iterations, "seed": seed} if iterations else "not run",
        "functional_unit": "annual output of all sites in the reference year (system expansion)",
        "linear_definition": "every site buys all its supplies from the market and sends every "
                             "residue to its linear fate",
        "symbiotic_definition": "as linear, but each exchange lowers the supplier's residue to "
                                "fate by q and the receiver's purchased supply by r·q, and adds "
                                "transport q·d and processing q·a",
        "engine": "term table (docs/engine.md): every figure is Σ amount × unit score; L and S "
                  "checked against Brightway's solve of the foreground database",
    }


__all__ = ["compare", "evaluate", "Evaluation", "Cancelled", "CONSISTENCY_TOLERANCE",
           "_to_unit_factor"]
