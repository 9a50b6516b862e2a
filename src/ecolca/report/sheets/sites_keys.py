"""Sites, all keys: each site's Δ under every attribution key, side by side."""

from __future__ import annotations

from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report.layout import Sheet
from ecolca.lca.results import SiteTable, method_label

NAME = "Sites, all keys"
ORDER = 51
MAX_TEXT = 32


def keys_of(results) -> list[str]:
    t = results.sites
    found = set(t.keys) if isinstance(t, SiteTable) else {s.key for s in t}
    return list(cm.KEY_LABELS) + sorted(found - set(cm.KEY_LABELS))


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    keys = keys_of(res)
    sh.title("Δ per site under every attribution key, side by side",
             "Labelled views of the same system Δ: never add figures across keys. One block per "
             "method, headed by its name; each row in its Unit (" + scaled.NOTE + "). The keys: "
             + "; ".join(f"{k}: {cm.KEY_LABELS.get(k, k)}" for k in keys) + ".")
    rows = []
    heads = set()
    t = res.sites
    fast = isinstance(t, SiteTable) and set(t.keys) <= set(keys)
    if not fast:
        by = {(s.method, s.site_id, s.key): s for s in res.sites}
        sites = list(dict.fromkeys((s.site_id, s.site_name) for s in res.sites))
    for m in res.methods:
        if not ctx.covered(m):
            continue
        scale = ctx.method_scale(m)
        unit = res.impact(m).unit
        heads.add(len(rows))
        rows.append([f"{method_label(m)} [{unit}/year]"])
        if fast:  # straight from the result arrays: no object per site, key and method
            j = t.methods.index(m) if m in t.methods else None
            if j is None:
                continue
            lin = t.linear[:, j].tolist()
            deltas = [(t.symbiotic[k][:, j] - t.linear[:, j]).tolist() if k in t.symbiotic
                      else [None] * len(lin) for k in keys]
            for i, (sid, sname) in enumerate(zip(t.site_ids, t.names)):
                cells, sc = scaled.row([lin[i]] + [d[i] for d in deltas], t.units[j],
                                       noise_scale=scale)
                rows.append([sid, sname, sc.unit, *cells])
            rows += cm.suppressed_rows(res, [], [unit], 1 + len(keys))
            continue
        for sid, sname in sites:
            first = next((by[(m, sid, k)] for k in keys if (m, sid, k) in by), None)
            if first is None:
                continue
            vals = [by[(m, sid, k)].delta if (m, sid, k) in by else None for k in keys]
            cells, sc = scaled.row([first.linear] + vals, first.unit, noise_scale=scale)
            rows.append([sid, sname, sc.unit, *cells])
        rows += cm.suppressed_rows(res, [], [unit], 1 + len(keys))
    sh.table([("Site id", "text"), ("Site", "text"), ("Unit", "text"),
              ("Linear (L) [unit/year]", "auto")]
             + [(f"Δ, key {k} [unit/year]", "auto") for k in keys], rows, subheads=heads,
             caps={"Site": 40})
