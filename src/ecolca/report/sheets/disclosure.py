"""Disclosure: per site, its own inventory change and, apart from it, the park benefit attributed
to it under the scenario's key; residues diverted from disposal and the share of secondary
materials in its inputs (:mod:`ecolca.park.disclosure`; ESRS E5-4, E5-5 paragraph 37(b); avoided
emissions reported separately, never netted: GHG Protocol Scope 3 Standard section 9.5, p. 108)."""

from __future__ import annotations

from ecolca.park.disclosure import CITATIONS, WITHHELD, disclose
from ecolca.report import common as cm
from ecolca.report import scaled
from ecolca.report.layout import Sheet
from ecolca.lca.results import method_label

NAME = "Disclosure"
ORDER = 52
MAX_TEXT = 40
MAX_SITES = 40   # beyond this the sheet would dwarf the report: `ecolca disclose` per site


def _sites(ctx: cm.Context) -> list:
    from ecolca.park.confidential import PLACEHOLDER_ID

    want = ctx.results.metadata.get("disclosure")
    # a site pooled with a confidential one has its flows withheld (NaN amounts): no block
    sites = [s for s in ctx.scenario.sites if s.id != PLACEHOLDER_ID
             and not any(f.amount != f.amount for f in s.flows)]
    if isinstance(want, dict) and want.get("site"):
        sites = [s for s in sites if s.id == want["site"]]
    return sites


def applies(ctx: cm.Context) -> bool:
    return bool(_sites(ctx)) and len(ctx.results.sites) > 0


def write(sh: Sheet, ctx: cm.Context) -> None:
    res = ctx.results
    want = res.metadata.get("disclosure")
    key = want.get("key") if isinstance(want, dict) and want.get("key") else res.attribution_key
    sites = _sites(ctx)
    more = len(sites) - MAX_SITES
    sites = sites[:MAX_SITES]
    # disclose() reads every method's site rows for each site: asked once, kept for all sites
    memo = ctx.memo
    first = disclose(ctx.scenario, memo, sites[0].id, key, ctx.name_of)
    sh.title(f"Disclosure per site: own inventory, and the benefit attributed under the key "
             f"'{key}', reported separately",
             "Part A is the site's own inventory (its flows, physical key) and is the same under "
             "every key. Part B is its share of the park's Δ under the key "
             f"'{key}' ({first.key_definition}); it is reported separately and never added to or "
             "netted against A (GHG Protocol Scope 3 Standard §9.5). 'B − A' is the part of B "
             "that is not a "
             "change of the site's own inventory (negative: a reduction at a partner credited to "
             "the site; positive: its own reduction credited to a partner); it is never "
             "subtracted from A. Part C: residues diverted from disposal (ESRS E5 "
             "§37(b)); part D: secondary materials in the inputs by weight (ESRS E5-4). "
             "Sources: " + " ".join(CITATIONS)
             + (f" {more} more site(s) not shown: `ecolca disclose SCENARIO --site ID`."
                if more > 0 else ""))
    rows: list[list] = []
    heads: set[int] = set()
    for site in sites:
        d = first if site.id == first.site_id else disclose(ctx.scenario, memo, site.id, key,
                                                            ctx.name_of)
        heads.add(len(rows))
        rows.append([d.site_name])
        rows.append(["A. own inventory", "per year, linear → symbiotic", None, None, None, None,
                     "the same under every attribution key"])
        for f in d.flows:
            cells, sc = scaled.row([f.linear, f.symbiotic, f.delta], f.unit)
            rows.append([f.group, f.name, sc.unit, *cells, f.note or None])
        hidden = cm.suppressed_ids(res).get(d.site_id)
        if hidden:
            rows.append(["A and B. impacts", hidden, None, None, None, None, None])
        for i in d.impacts:
            scale = ctx.method_scale(i.method)
            cells, sc = scaled.row([i.inventory_linear, i.inventory_symbiotic,
                                    i.inventory_delta], i.unit, noise_scale=scale)
            rows.append(["A. own impact (physical key)", method_label(i.method),
                         f"{sc.unit}/year", *cells, None])
        for i in d.impacts:
            scale = ctx.method_scale(i.method)
            (att, outside), sc = scaled.row([i.attributed_delta, i.credit_outside_inventory],
                                            i.unit, noise_scale=scale)
            rows.append(["B. attributed Δ (separate)", method_label(i.method),
                         f"{sc.unit}/year", None, None, att, "not added to A"])
            rows.append(["B − A (not own inventory)", method_label(i.method),
                         f"{sc.unit}/year", None, None, outside, "never subtracted from A"])
        if not d.diverted:
            rows.append(["C. diverted from disposal", "none (the site supplies no exchange)",
                         None, None, None, None, None])
        for v in d.diverted:
            t = v.tonnes
            rows.append(["C. diverted from disposal", f"{v.residue} → {v.destination}",
                         "t" if t is not None else v.unit, 0.0,
                         t if t is not None else v.amount, t if t is not None else v.amount,
                         f"avoided fate: {v.avoided_fate}; hazardous: {v.hazardous}; recovery "
                         f"operation: {v.recovery_operation}"
                         + ("" if t is not None else "; not a mass, not waste by weight")])
        s = d.secondary
        ls = None if s.linear_share is None else 100 * s.linear_share
        ss = None if s.symbiotic_share is None else 100 * s.symbiotic_share
        withheld = s.secondary_t != s.secondary_t or s.symbiotic_t != s.symbiotic_t
        if withheld:
            ss = None
        rows.append(["D. secondary materials", "received residues / material inputs, "
                     "by weight", "%", ls, ss, None if ss is None or ls is None else ss - ls,
                     (WITHHELD if withheld else
                      f"{scaled.text(s.secondary_t, 't')} of {scaled.text(s.symbiotic_t, 't')} in S"
                      if ss is not None else "no material inputs in a mass unit")
                     + (f"; not counted: {'; '.join(s.not_counted)}" if s.not_counted else "")])
    sh.table([("Part", "wrap"), ("Item", "wrap"), ("Unit", "text"), ("Linear (L)", "auto"),
              ("Symbiotic (S)", "auto"), ("Δ = S − L", "auto"), ("Note", "wrap")], rows,
             subheads=heads, caps={"Part": 36, "Item": 46, "Note": 50, "Unit": 16})
