"""Sites: per-site L, S and Δ under the scenario's attribution key."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report.layout import Sheet
from ecolca.lca.results import method_label

NAME = "Sites"
ORDER = 50
MAX_TEXT = 36


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    key = res.attribution_key
    left_out = [method_label(m) for m in res.methods if not ctx.covered(m)]
    sh.title(f"Per-site impacts under the attribution key: {cm.KEY_LABELS.get(key, key)}",
             "Per-site figures under different attribution keys must NEVER be summed together: "
             "each key splits the same system Δ differently. The system-level Δ (Impacts sheet) "
             "is the ISO-consistent result; any split between partners is a labelled view "
             "(every key side by side: Sites, all keys). Numbers: " + scaled.NOTE + "."
             + (" Left out, not covered by the background (no result, not 0): "
                + "; ".join(left_out) + "." if left_out else ""))
    rows = []
    for m in res.methods:
        if not ctx.covered(m):
            continue
        scale = ctx.method_scale(m)
        for s in res.site_results(m, key):
            cells, sc = scaled.row([s.linear, s.symbiotic, s.delta], s.unit, noise_scale=scale)
            rows.append([s.key, method_label(s.method), sc.unit, s.site_id, s.site_name,
                         *cells])
        rows += cm.suppressed_rows(res, [key, method_label(m), res.impact(m).unit], [], 3)
    sh.table([("Attribution key", "text"), ("Method", "wrap"), ("Unit", "text"),
              ("Site id", "text"), ("Site", "text"), ("Linear (L) [unit/year]", "auto"),
              ("Symbiotic (S) [unit/year]", "auto"), ("Δ = S − L [unit/year]", "auto")], rows,
             caps={"Method": 40, "Attribution key": 14})
