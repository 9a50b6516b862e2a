"""Live results: a scenario whose numbers were edited, evaluated again on the unit scores a run
kept (:class:`~ecolca.lca.evaluation.Evaluation`), with no Brightway solve (docs/engine.md,
"Live results in the app"). The app's session (:mod:`ecolca.session`) calls these after every
edit; they hold no state of their own.

- :func:`table_after_item_edit`: the term table after an edit of one site's or exchange's
  numbers (only that item's parameters are read again);
- :func:`table_after_edit`: the term table after any edit that needs no new unit scores;
- :func:`impacts`: L and S of every method, as :func:`ecolca.lca.evaluate` computes them (the
  app draws the Summary from them first, then the full evaluation follows);
- :func:`quick_results` and :func:`live_metadata`: the results the app shows meanwhile, and what
  their metadata say about where the figures come from.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt

import numpy as np

from ecolca.core.errors import EcolcaError
from ecolca.lca.evaluation import Evaluation
from ecolca.lca.run import pct_note
from ecolca.lca.terms import TermTable, parameter_values, structure
from ecolca.core.model import Scenario
from ecolca.lca.results import MethodResult, Results

__all__ = ["impacts", "live_metadata", "quick_results", "table_after_edit",
           "table_after_item_edit"]


def table_after_item_edit(table: TermTable, sc: Scenario, kind: str,
                          item_id: str) -> TermTable | None:
    """The term table of ``sc`` after an edit that changed only the numbers of one item (``kind``
    "site" or "exchange", its id) of the scenario ``table`` was compiled from. None when this
    shortcut does not apply: the table keeps no structure, the item is gone, or more than numbers
    changed (a reference, a unit, a name…); the caller then checks the whole scenario."""
    shape = table.structure
    if not shape or kind not in ("site", "exchange"):
        return None
    items, j = (sc.sites, 0) if kind == "site" else (sc.exchanges, 1)
    if len(sc.sites) != len(shape[0]) or len(sc.exchanges) != len(shape[1]):
        return None
    i = next((i for i, x in enumerate(items) if x.id == item_id), None)
    if i is None:
        return None
    one = Scenario(name="", sites=[items[i]]) if kind == "site" else \
        Scenario(name="", exchanges=[items[i]])
    if structure(one)[j][0] != shape[j][i]:
        return None
    idx, vals = table.params_of(kind, item_id), parameter_values(one)
    if len(idx) != len(vals):
        return table.with_values(parameter_values(sc))
    values = np.array(table.values)
    values[idx] = vals
    return table.with_values(values)


def table_after_edit(sc: Scenario, ev: Evaluation,
                     base: TermTable | None = None) -> TermTable | None:
    """The term table of ``sc`` (a valid scenario whose nodes ``ev`` has scores for:
    ``ev.can_evaluate(sc)``): ``base`` or the run's table with new values when the structure is
    theirs, else compiled again. None when it needs a node ``ev`` has no score for."""
    from ecolca.lca.project_check import terms_of

    shape = structure(sc)
    for t in (base, ev.table):
        if t is not None and t.structure and t.structure == shape:
            return t.with_values(parameter_values(sc))
    try:
        table = terms_of(sc, ev.lookup)
    except (EcolcaError, KeyError, ValueError):
        return None
    if not set(table.keys) <= set(ev.keys):
        return None
    return table


def impacts(sc: Scenario, ev: Evaluation, table: TermTable) -> list[MethodResult] | None:
    """L and S of every method of ``sc`` from ``table`` (its term table) as
    :func:`ecolca.lca.evaluate` computes them; None when a figure is not finite or the table's
    nodes are not the run's (:func:`ecolca.lca.evaluate` then says why, or rescores)."""
    if table.keys != ev.keys:
        return None
    lin, sym = table.totals(table.amounts(), ev.solved.scores)
    if not (np.isfinite(lin).all() and np.isfinite(sym).all()):
        return None
    note, cov = pct_note(sc), ev.solved.coverage
    return [MethodResult(m, ev.units[j], float(lin[j]), float(sym[j]), cov.get(m), note)
            for j, m in enumerate(ev.methods)]


def quick_results(shown: Results, sc: Scenario, ev: Evaluation,
                  table: TermTable) -> Results | None:
    """``shown`` with the L and S of ``sc`` (:func:`impacts`) and no metadata yet: what the app
    draws the Summary from before the full evaluation; None where :func:`impacts` is."""
    new = impacts(sc, ev, table)
    if new is None:
        return None
    return dataclasses.replace(shown, impacts=new, metadata={}, scenario_name=sc.name,
                               reference_year=sc.reference_year)


def live_metadata(run_metadata: dict, now: _dt.datetime | None = None) -> dict:
    """The metadata of live results: the run's, saying that these figures were re-evaluated
    on its unit scores (no Brightway calculation) and that Monte Carlo was not run on them."""
    now = now or _dt.datetime.now().astimezone()
    meta = dict(run_metadata or {})
    meta["live"] = (
        "re-evaluated in the app after an edit, on the unit scores of the run of "
        f"{meta.get('calculated', '?')} (no new Brightway calculation), at "
        f"{now.isoformat(timespec='seconds')}")
    meta["monte_carlo"] = "not run"
    return meta
