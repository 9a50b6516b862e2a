"""Monte Carlo iterations: the raw paired draws, one row per iteration with L, S and Δ of every
method (``ecolca run … --iterations N --report F --iterations-sheet``; issue #8).

Only on request (:attr:`ecolca.report.common.Context.iterations_sheet`) and only when the
results carry the draws (``UncertaintyResult.linear_samples`` etc.). Row *i* of every method is
the same iteration: the same background and foreground sample, so the columns are paired across
methods too. At most ``MAX_ROWS`` iterations are listed; the sheet says so when more were run.
The foreground parameter draws are not in the results (the engine uses them for the Sobol
shares only), so they are not listed.
"""

from __future__ import annotations

import numpy as np

from ecolca.report import common as cm
from ecolca.report import styles as st
from ecolca.report.layout import Sheet
from ecolca.lca.results import method_label

NAME = "Monte Carlo iterations"
ORDER = 82
MAX_TEXT = 60
# a worksheet holds 1,048,576 rows; 10,000 draws keep the report's size (about 3 MB for ten
# methods) and writing time (seconds) reasonable, and are plenty to re-plot any distribution
MAX_ROWS = 10_000
EXCEL_MAX_ROWS = 1_048_576
FIRST_PAGE_COLS = 8    # the iteration and about two methods' L, S, Δ fit a landscape page


def draws(ctx: cm.Context) -> list[tuple]:
    """(uncertainty result, L, S, Δ draws) per covered method whose draws the results carry."""
    out = []
    for u in ctx.results.uncertainty:
        if not ctx.covered(u.method):
            continue
        parts = [getattr(u, f"{p}_samples", None) for p in ("linear", "symbiotic", "delta")]
        if any(p is None for p in parts):
            continue
        parts = [np.asarray(p, dtype=float).ravel() for p in parts]
        if parts[0].size and parts[0].size == parts[1].size == parts[2].size:
            out.append((u, *parts))
    return out


def applies(ctx: cm.Context) -> bool:
    return bool(ctx.iterations_sheet) and bool(draws(ctx))


def shown_rows(n: int) -> int:
    return min(n, MAX_ROWS, EXCEL_MAX_ROWS - 100)


def write(sh: Sheet, ctx: cm.Context) -> None:
    found = draws(ctx)
    n = min(a.size for _, a, _, _ in found)
    k = shown_rows(n)
    capped = (f" {n:,} iterations were run; the first {k:,} are listed (this sheet is capped at "
              f"{MAX_ROWS:,} rows; a worksheet holds at most {EXCEL_MAX_ROWS:,}). The statistics "
              f"on the Monte Carlo sheet use all {n:,}." if k < n else "")
    cols = [("Iteration", "int")]
    columns: list[list] = [list(range(1, k + 1))]
    for i, (u, lin, sym, delta) in enumerate(found, 1):
        cols += [(f"M{i} L", "auto"), (f"M{i} S", "auto"), (f"M{i} Δ", "auto")]
        columns += st.denoise_columns([lin[:k].tolist(), sym[:k].tolist(), delta[:k].tolist()],
                                      ctx.method_scale(u.method))
    # the sheet prints across several pages: its text stays within the first page's width
    first_page = min(len(cols), FIRST_PAGE_COLS)
    sh.title("Monte Carlo iterations: the paired draws, one row per iteration")
    sh.row -= 1
    sh.paragraph(f"{cm.monte_carlo_text(ctx.results)}. Row i is iteration i for every method: L "
                 "and S are evaluated on the same background and foreground sample, and Δ = S − L "
                 "is taken per draw (a value below 10⁻⁹ of the method's scale is stored as 0). The "
                 "foreground parameter draws are not kept in the results, so they are not listed."
                 + capped, font=st.NOTE_FONT, span=first_page)
    sh.skip()
    for i, (u, *_) in enumerate(found, 1):
        sh.paragraph(f"M{i}: {method_label(u.method)} [{u.unit}/year]", span=first_page)
    sh.skip()
    sh.print_across = True  # many columns: pages side by side at full size, never shrunk
    sh.table(cols, list(zip(*columns)))
