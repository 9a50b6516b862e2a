"""Monte Carlo: paired statistics of L, S and Δ per method."""

from __future__ import annotations

from typing import Any

import numpy as np

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report import styles as st
from ecolca.report.layout import Sheet
from ecolca.lca.results import method_label

NAME = "Monte Carlo"
ORDER = 80
MAX_TEXT = 40

# (key, header, kind, description of what is missing)
STATS = [("mean", "Mean", "auto", None), ("sd", "SD", "auto", "standard deviation"),
         ("cv", "CV [%]", "pct", "coefficient of variation"),
         ("p2.5", "2.5 %", "auto", None), ("p5", "5 %", "auto", "5 % percentile"),
         ("median", "Median", "auto", None), ("p95", "95 %", "auto", "95 % percentile"),
         ("p97.5", "97.5 %", "auto", None)]
PARTS = [("linear", "L"), ("symbiotic", "S"), ("delta", "Δ = S − L")]
_ALIASES = {"sd": ("sd", "std", "stdev"), "p2.5": ("p2.5", "p2_5", "p_2.5"),
            "p97.5": ("p97.5", "p97_5", "p_97.5"), "p5": ("p5", "p05", "p_5"),
            "p95": ("p95", "p_95"), "cv": ("cv",), "mean": ("mean",), "median": ("median",)}


def applies(ctx: cm.Context) -> bool:
    return bool(ctx.results.uncertainty)


def samples(u, part: str) -> np.ndarray | None:
    """The draws of ``part`` (linear, symbiotic, delta) when the results carry them."""
    x = getattr(u, f"{part}_samples", None)
    if x is None:
        return None
    a = np.asarray(x, dtype=float).ravel()
    a = a[np.isfinite(a)]
    return a if a.size >= 2 else None


def stats(u, part: str) -> dict[str, float]:
    """The statistics of one part: those the results give, completed from the draws."""
    given: dict[str, Any] = getattr(u, part) or {}
    out: dict[str, float] = {}
    for key, names in _ALIASES.items():
        for k in names:
            if st.finite(given.get(k)) is not None:
                out[key] = float(given[k])
                break
    a = samples(u, part)
    if a is not None:
        comp = {"mean": float(a.mean()), "sd": float(a.std(ddof=1)),
                "median": float(np.median(a))}
        for q in (2.5, 5, 95, 97.5):
            comp[f"p{q:g}"] = float(np.percentile(a, q))
        for k, v in comp.items():
            out.setdefault(k, v)
    if "cv" not in out and "sd" in out and out.get("mean"):
        out["cv"] = 100.0 * out["sd"] / abs(out["mean"])
    return out


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    shown = [u for u in res.uncertainty if ctx.covered(u.method)]
    left_out = [method_label(u.method) for u in res.uncertainty if not ctx.covered(u.method)]
    table = {(id(u), p): stats(u, p) for u in shown for p, _ in PARTS}
    keys = [s for s in STATS if any(s[0] in v for v in table.values())]
    missing = [s[3] for s in STATS if s not in keys and s[3]]
    # statistics shown for some results only (e.g. from the draws of Δ alone), by what lacks them
    lacking: dict[str, list[str]] = {}
    for key, _, _, what in keys:
        parts = [lab for p, lab in PARTS if any(key not in table[(id(u), p)] for u in shown)]
        if what and parts:
            lacking.setdefault(" and ".join(parts), []).append(what)
    partial = [f"{', '.join(whats)} of {parts}" for parts, whats in lacking.items()]
    has_draws = any(samples(u, "delta") is not None for u in shown)
    if not has_draws:
        missing.append("histogram of Δ (the draws are not passed to the report)")
    not_run = missing + partial
    sh.title("Uncertainty: paired Monte Carlo",
             f"{cm.monte_carlo_text(res)}. Each iteration samples the background and the "
             "foreground once and evaluates L and S on that same sample; Δ is taken per draw. "
             "CV = SD / |mean|. One block per method, headed by its name and the unit its "
             "numbers are shown in (3 significant figures of each row; each cell holds the "
             "full value in the method's own unit). "
             + (f"Not computed in this run: {'; '.join(not_run)}. " if not_run else "")
             + ("Histograms of Δ: sheet Δ histograms. " if has_draws else "")
             + ("Left out, not covered by the background (no result, not 0): "
                + "; ".join(left_out) + "." if left_out else ""))
    cols = [("Result", "text")]
    cols += [(f"{h} [unit/year]" if kind == "auto" else h, kind) for _, h, kind, _ in keys]
    cols.append(("P(Δ < 0)", "prob"))
    rows = []
    heads = set()
    for u in shown:
        scale = max([abs(table[(id(u), p)].get("mean", 0.0)) for p in ("linear", "symbiotic")]
                    + [ctx.method_scale(u.method)])
        # the block in the unit of the method's Impacts row (its heading), each row the decimals
        # of its own 3 significant figures
        imp = ctx.memo.impact(u.method)
        _, block = scaled.row([imp.linear, imp.symbiotic, imp.delta], u.unit)
        heads.add(len(rows))
        rows.append([f"{method_label(u.method)} [{block.unit}/year]"])
        for part, label in PARTS:
            s = table[(id(u), part)]
            nums = [s.get(k) for k, *_ in keys]
            absolute = [i for i, (k, *_) in enumerate(keys) if k != "cv"]
            cells, _ = scaled.row([nums[i] for i in absolute], within=block, noise_scale=scale)
            for i, v in zip(absolute, cells):
                nums[i] = v
            rows.append([label, *nums,
                         u.probability_delta_negative if part == "delta" else None])
    sh.table(cols, rows, subheads=heads, caps={"Result": 12})
