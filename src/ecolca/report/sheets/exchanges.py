"""Exchanges: the four parts of Δ_e per exchange and method, and Σ Δ_e against the system Δ."""

from __future__ import annotations

import types
from typing import Any

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.layout import Sheet
from ecolca.lca.results import ExchangeTable, method_label

NAME = "Exchanges"
ORDER = 40
MAX_TEXT = 30

COLUMNS = [("Exchange id", "text"), ("Exchange", "wrap"), ("Unit", "text"),
           ("Avoided fate [unit/year]", "auto"), ("Avoided supply [unit/year]", "auto"),
           ("Transport [unit/year]", "auto"), ("Processing [unit/year]", "auto"),
           ("Δ_e [unit/year]", "auto"), ("Distance [km]", "auto"),
           ("Break-even distance [km]", "auto"), ("Verdict", "text"),
           ("System Δ, Impacts sheet [unit/year]", "auto")]


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    left_out = [method_label(m) for m in res.methods if not ctx.covered(m)]
    sh.title("Exchanges: contributions to Δ per exchange and method",
             "Δ_e = avoided fate + avoided supply + transport + processing; Σ Δ_e equals the "
             "system Δ (Impacts sheet). Break-even distance: the distance at which Δ_e = 0 "
             "(< 0: never pays off; below the declared distance: does not pay off as declared). "
             "One block per method, headed by its name and its own unit. Numbers: each row in "
             "its Unit, Δ_e and the largest part to 3 significant figures (a smaller part to "
             "one); the Σ row in the unit of the method's Impacts row; each cell holds the full "
             "value in the method's own unit."
             + (" Left out, not covered by the background (no result, not 0): "
                + "; ".join(left_out) + "." if left_out else ""))
    rows: list[list[Any]] = []
    totals: set[int] = set()
    heads: set[int] = set()
    for m in res.methods:
        if not ctx.covered(m):
            continue
        scale = ctx.method_scale(m)
        imp = res.impact(m)
        cols = _columns(res, m)
        parts = st.denoise_columns([cols[k] for k in PARTS], scale)
        # the hidden exchanges of a report for another audience (ecolca.park.confidential) are
        # in Σ only, and with exchanges with a confidential partner Σ gives Δ_e, not parts
        hidden = getattr(res.exchanges, "hidden", None)
        h = [0.0] * len(PARTS)
        if hidden:
            j = res.exchanges._m[tuple(m)]
            h = [float(hidden[k][j]) for k in ExchangeTable.PARTS]
            h.append(sum(h))
        sums = st.denoise([sum(cols[k]) + x for k, x in zip(PARTS, h)] + [imp.delta], scale)
        if getattr(res.exchanges, "partners", 0):
            sums[:4] = [None] * 4
        # each exchange in its own unit (its Unit column), Δ_e and the largest part to 3
        # significant figures, a smaller part to one; the Σ row in the unit of the method's
        # Impacts row, and the system Δ exactly as Impacts shows it
        impacts_row, block = scaled.row([imp.linear, imp.symbiotic, imp.delta], imp.unit)
        heads.add(len(rows))
        rows.append([f"{method_label(m)} [{imp.unit}/year]"])
        verdicts = {}
        for i, (a, b, c, d, tot) in enumerate(zip(*parts)):
            be = cols["be"][i]
            be = be if be is not None and be == be else cols["reason"][i]
            neg = isinstance(be, float) and be < 0
            v = verdicts.get((tot < 0, tot == 0, neg))
            if v is None:
                v = verdicts[(tot < 0, tot == 0, neg)] = _verdict(tot, cols["be"][i])
            note = cols["note"][i]
            if note:  # no data, one side without data, or below precision: said in words
                v = note
                if note.startswith("not covered"):
                    a = b = c = d = tot = None
            cells, sc = scaled.row([a, b, c, d, tot], imp.unit, noise_scale=scale, lead=[4])
            rows.append([cols["id"][i], cols["label"][i], sc.unit, *cells, cols["km"][i], be, v,
                         None])
        if hidden:
            rows += cm.suppressed_rows(res, [], [None], 9, "suppressed_exchanges")
        totals.add(len(rows))
        cells, _ = scaled.row(sums[:5], within=block, noise_scale=scale, lead=[4])
        rows.append(["Σ", "Σ all exchanges", block.unit, *cells, None, None, None,
                     impacts_row[2] if sums[5] is not None else None])
    sh.table(COLUMNS, rows, total_rows=totals, subheads=heads,
             caps={"Exchange": 50, "Exchange id": 20, "Verdict": 16,
                   "Break-even distance [km]": 14})


PARTS = ("avoided_fate", "avoided_supply", "transport", "processing", "total")


def _columns(res, m) -> dict[str, list]:
    """The exchanges' parts for method ``m`` as columns: from the result arrays when the
    results hold them (no object per exchange and method), else from the rows."""
    t = res.exchanges
    if isinstance(t, ExchangeTable) and tuple(m) in t._m:
        j = t._m[tuple(m)]
        out = {k: t.parts[k][:, j].tolist() for k in ExchangeTable.PARTS}
        out["total"] = t.totals()[:, j].tolist() if len(t.ids) else []
        out.update(id=t.ids, label=t.labels, km=t.distance_km, be=t.break_even_km[:, j].tolist(),
                   reason=[r[j] for r in t.break_even_reason],
                   note=[t.note(i, j) for i in range(len(t.ids))])
        return out
    parts = res.exchange_parts(m)
    out = {k: [getattr(p, k) for p in parts] for k in PARTS}
    out.update(id=[p.exchange_id for p in parts], label=[p.label for p in parts],
               km=[p.distance_km for p in parts], be=[p.break_even_km for p in parts],
               reason=[p.break_even_reason for p in parts],
               note=[getattr(p, "note", None) for p in parts])
    return out


def _verdict(total: float, break_even: float | None) -> str:
    return cm.verdict(types.SimpleNamespace(total=total, break_even_km=break_even))
