#!/usr/bin/env python
"""Write the run figures of docs/validation.md from runs of the bundled examples (issue #18, 8).

Every figure of the document that comes from an ecolca run (L, S, Δ, Δ %, per-exchange parts, q,
inventory totals, shares) sits between marker comments::

    <!-- generated: NAME -->…<!-- end generated -->

(a table on its own lines, or one figure inside a sentence or a table cell). This script runs the
examples through ecolca's public functions (``ecolca.core.examples.load``, ``ecolca.lca.compare``) in a
Brightway project that ``ecolca setup`` made, and rewrites only what lies between the markers; the
prose and the published reference figures are left alone. ``tests/test_validation_doc.py`` runs
the same generation and fails when the committed document differs. Regenerate with::

    BRIGHTWAY_DIR=… PYTHONPATH=src .venv/bin/python tools/build_validation.py [--project ecolca]
    (add --check to only compare: exit status 1 and a diff when the document is stale)

``--uslci DATABASE`` also writes the US LCI side-by-side table (the two examples rebased through
the shipped mapping onto DATABASE, the real US LCI imported into the project); without it that
block is left as it is. The sensitivity tables are edited copies of the examples defined here
(``*_VARIANTS``), each run with GWP100 only.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "validation.md"
COMMAND = "PYTHONPATH=src .venv/bin/python tools/build_validation.py"
EXAMPLES = ("kalundborg", "kawasaki", "phoenix", "gypsum-ash")

GWP = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
ACID = ("EF v3.1", "acidification", "accumulated exceedance (AE)")
PM = ("EF v3.1", "particulate matter formation", "impact on human health")
WATER_EF = ("EF v3.1", "water use", "user deprivation potential (deprivation-weighted water consumption)")
WCP = ("ReCiPe 2016 v1.03, midpoint (H)", "water use", "water consumption potential (WCP)")
EUTRO = ("EF v3.1", "eutrophication: freshwater",
         "fraction of nutrients reaching freshwater end compartment (P)")
WITHDRAWAL = "Water withdrawal (natural resource, in water)"
CO2_FOSSIL = "Carbon dioxide, fossil (to air)"

MARKER = re.compile(r"<!-- generated: ([A-Za-z0-9_.-]+) -->(.*?)<!-- end generated -->", re.S)

MINUS = "\u2212"
SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


# ---- formatting ------------------------------------------------------------------------------

def _sign(s: str, x: float, plus: bool) -> str:
    s = s.replace("-", MINUS)
    return ("+" + s) if plus and x > 0 else s


def fixed(x: float, digits: int = 1, plus: bool = False) -> str:
    """x with ``digits`` decimals and thousands separators; −0.0 prints as 0.0."""
    s = f"{x:,.{digits}f}"
    if float(s.replace(",", "")) == 0:
        s = s.lstrip("-")
    return _sign(s, x, plus)


def sig(x: float, n: int = 4, plus: bool = False) -> str:
    """n significant digits: 12,345 below 10⁵, else 1.234 × 10⁵; 0 as 0."""
    if x == 0:
        return "0"
    a = abs(x)
    if 1e-3 <= a < 1e5:
        s = f"{x:,.{n}g}" if a >= 10 ** (n - 1) else f"{float(f'{x:.{n}g}'):,}"
        if "e" in s:
            s = f"{x:,.0f}"
        return _sign(s, x, plus)
    m, e = f"{x:.{n - 1}e}".split("e")
    return _sign(f"{m} × 10{str(int(e)).translate(SUP)}", x, plus)


def kt(x_kg: float, plus: bool = False) -> str:
    return fixed(x_kg / 1e6, 1, plus)


def pct(x: float | None) -> str:
    if x is None:
        return "—"
    return fixed(x, 2 if abs(x) < 1 else 1, plus=True) + " %"


# ---- runs ------------------------------------------------------------------------------------

def run_examples(project: str | None, names=EXAMPLES) -> dict:
    """name -> (Scenario, Results) of ``lca.compare`` with the example's own methods, and
    "kalundborg-variants" -> the sensitivity variants' Results."""
    from ecolca.core import examples
    from ecolca import lca

    out = {}
    for n in names:
        sc = examples.load(n)
        out[n] = (sc, lca.compare(sc, project=project))
    for n, variants in VARIANTS.items():
        out[f"{n}-variants"] = run_variants(project, out[n][0], variants)
    return out


# ---- one-at-a-time variants (the sensitivity tables) ------------------------------------------
# Each variant is a list of edits of a copy of the example; each is run with GWP100 only.

def _act(site, flow, code):
    def edit(sc):
        from ecolca.core.model import ActivityRef

        sc.site(site).flow(flow).activity = ActivityRef("ecolca-open", code)
    return edit


def _scale(ex, k):
    """Exchange ``ex`` × k, with the residue it takes and the supply it replaces (so that both
    still cover it and the linear park grows by what the symbiotic one exchanges)."""
    def edit(sc):
        e = sc.exchange(ex)
        d = e.amount * (k - 1)
        e.amount += d
        sc.site(e.from_site).flow(e.from_flow).amount += d
        sc.site(e.to_site).flow(e.to_flow).amount += d * e.substitution_ratio
    return edit


def _amount(ex, q):
    return lambda sc: _scale(ex, q / sc.exchange(ex).amount)(sc)


def _ratio(ex, r):
    """Substitution ratio of ``ex`` set to r; the supply it replaces grows if it no longer covers
    the exchanges (an equal amount in both parks, so Δ does not see it)."""
    def edit(sc):
        e = sc.exchange(ex)
        e.substitution_ratio = r
        supply = sc.site(e.to_site).flow(e.to_flow)
        need = sum(x.amount * x.substitution_ratio for x in sc.exchanges
                   if (x.to_site, x.to_flow) == (e.to_site, e.to_flow))
        supply.amount = max(supply.amount, need)
    return edit


def _drop(ex):
    return lambda sc: setattr(sc, "exchanges", [e for e in sc.exchanges if e.id != ex])


def _distance(site, flow, km):
    def edit(sc):
        sc.site(site).flow(flow).transport[0].distance_km = km
    return edit


def _fate(site, flow, code):
    def edit(sc):
        from ecolca.core.model import ActivityRef

        sc.site(site).flow(flow).fate = ActivityRef("ecolca-open", code)
    return edit


def _processing(ex, code, amount=None, activity=None):
    """Processing input ``code`` of exchange ``ex``: left out (both None), its amount per unit
    set, or its activity replaced."""
    def edit(sc):
        from ecolca.core.model import ActivityRef

        e = sc.exchange(ex)
        item = next(x for x in e.processing if x.activity.code == code)
        if amount is None and activity is None:
            e.processing = [x for x in e.processing if x is not item]
        if amount is not None:
            item.amount_per_unit = amount
        if activity is not None:
            item.activity = ActivityRef("ecolca-open", activity)
    return edit


KAWASAKI_VARIANTS = [
    ("linear plastic fate = landfill (inert proxy: plastic has no DOC, so no methane)",
     [("landfill", [_fate("collection", "plastics", "waste-landfill-inert")])]),
    ("linear plastic fate = `waste-incineration-municipal` (mixed-MSW proxy)",
     [("msw", [_fate("collection", "plastics", "waste-incineration-municipal")])]),
    ("KPR plastic carbon not charged (wrong, shown for scale)",
     [("no-carbon", [_processing("plastics-to-ammonia", "kaw-plastic-carbon-release")])]),
    ("slag q = 100,000 / 300,000 t", [("slag-100k", [_amount("slag-to-cement", 100_000)]),
                                       ("slag-300k", [_amount("slag-to-cement", 300_000)])]),
    ("without the slag exchange", [("no-slag", [_drop("slag-to-cement")])]),
    ("both plastic amounts × 0.7", [("plastics-0.7", [_scale("plastics-to-blast-furnace", 0.7),
                                                      _scale("plastics-to-ammonia", 0.7)])]),
    ("slag r = 0.8", [("slag-r", [_ratio("slag-to-cement", 0.8)])]),
    ("KPR r = 0.8 t NH3/t", [("kpr-r", [_ratio("plastics-to-ammonia", 0.8)])]),
    ("blast-furnace r = 0.922 / 1.168 (IPCC carbon range)",
     [("bf-r-lo", [_ratio("plastics-to-blast-furnace", 0.922)]),
      ("bf-r-hi", [_ratio("plastics-to-blast-furnace", 1.168)])]),
]

PHOENIX_VARIANTS = [
    ("reuse energy 0 (pure substitution, no pumping)",
     [("e0", [_processing("effluent-to-palo-verde", "elec-grid-us-aznm", amount=0.0)])]),
    ("reuse energy 2.5 kWh/m³ (high end, Hoff 2011)",
     [("e2.5", [_processing("effluent-to-palo-verde", "elec-grid-us-aznm", amount=2.5)])]),
    ("reuse electricity on the US-average grid (`elec-grid-us`)",
     [("us-grid", [_processing("effluent-to-palo-verde", "elec-grid-us-aznm", activity="elec-grid-us")])]),
    ("effluent 79.6 Mm³ (40,000 gpm all year)", [("e-79.6", [_amount("effluent-to-palo-verde", 79.6e6)])]),
    ("RNG quantity read as LHV (r = 0.805 instead of 0.7245)", [("rng-lhv", [_ratio("biogas-to-rng", 0.805)])]),
]


KALUNDBORG_VARIANTS = [
    # (label, [(key, edits), …]): one row, one or two variants ("a / b")
    ("steam replaces **coal**-boiler heat (refinery, Novo)",
     [("coal", [_act("refinery", "heat", "heat-hard-coal"), _act("novo", "heat", "heat-hard-coal")])]),
    ("district heat replaces **wood-chip** heat", [("wood", [_act("municipality", "heat", "heat-wood-chips")])]),
    ("steam replaces **oil**-boiler heat",
     [("oil", [_act("refinery", "heat", "heat-heavy-fuel-oil"),
               _act("novo", "heat", "heat-heavy-fuel-oil")])]),
    ("Novo steam × 0.5 / × 1.5", [("novo-0.5", [_scale("steam-to-novo", 0.5)]),
                                 ("novo-1.5", [_scale("steam-to-novo", 1.5)])]),
    ("fly ash ratio r = 0.7", [("ash-r", [_ratio("ash-to-cement", 0.7)])]),
    ("fly ash 100,000 t / 170,000 t", [("ash-100k", [_amount("ash-to-cement", 100_000)]),
                                       ("ash-170k", [_amount("ash-to-cement", 170_000)])]),
    ("district heat replaces gas-boiler heat", [("dh-gas", [_act("municipality", "heat", "heat-natural-gas")])]),
    ("refinery steam 50,000 t / 200,000 t", [("ref-50k", [_amount("steam-to-refinery", 50_000)]),
                                             ("ref-200k", [_amount("steam-to-refinery", 200_000)])]),
    ("district heat r = 0.9", [("dh-r", [_ratio("heat-to-town", 0.9)])]),
    ("gypsum 150,000 t (2010 figure)", [("gyp-150k", [_amount("gypsum-to-gyproc", 150_000)])]),
    ("natural gypsum shipped 3,500 km", [("gyp-3500", [_distance("gyproc", "gypsum", 3500)])]),
    ("fly-ash exchange left out", [("no-ash", [_drop("ash-to-cement")])]),
]


VARIANTS = {"kalundborg": KALUNDBORG_VARIANTS, "kawasaki": KAWASAKI_VARIANTS,
            "phoenix": PHOENIX_VARIANTS}


def run_variants(project: str | None, base, variants) -> dict:
    """key -> Results (GWP100 only) of each variant of ``base`` (a Scenario, left unchanged)."""
    import copy

    from ecolca import lca

    out = {}
    for _, keyed in variants:
        for key, edits in keyed:
            sc = copy.deepcopy(base)
            for edit in edits:
                edit(sc)
            out[key] = lca.compare(sc, project=project, methods=[GWP])
    return out


def sensitivity_table(base_r, runs, variants, exchanges=()) -> str:
    """Park Δ GWP100 of each variant and its change from the base, kt CO2-eq/yr; with
    ``exchanges``, those exchanges' Δₑ first ("—" where the variant leaves one out)."""
    def ex(r, i):
        p = next((p for p in r.exchange_parts(GWP) if p.exchange_id == i), None)
        return "—" if p is None else kt(p.total, True)

    b = base_r.impact(GWP).delta
    head = "".join(f" `{i}` |" for i in exchanges)
    rows = [f"| change |{head} park Δ | vs base |", "|---|" + "--:|" * (len(exchanges) + 2),
            f"| base |{''.join(f' {ex(base_r, i)} |' for i in exchanges)} {kt(b)} | — |"]
    for label, keyed in variants:
        rs = [runs[k] for k, _ in keyed]
        cells = "".join(f" {' / '.join(ex(r, i) for r in rs)} |" for i in exchanges)
        ds = [r.impact(GWP).delta for r in rs]
        rows.append(f"| {label} |{cells} {' / '.join(kt(d) for d in ds)} | "
                    f"{' / '.join(kt(d - b, True) for d in ds)} |")
    return "\n".join(rows)


def _residue(sc, e):
    site = next(s for s in sc.sites if s.id == e.from_site)
    return site.flow(e.from_flow)


def _inventory(r, label):
    return next(v for v in r.inventory if v.label == label)


def _delta_text(imp) -> str:
    if not imp.covered:
        return "not covered"
    if imp.below_precision:
        return "0 (below numerical precision)"
    return sig(imp.delta, plus=True)


def _pct_text(imp) -> str:
    if not imp.covered:
        return "—"
    if imp.pct_note:
        return "n/m"
    return pct(imp.delta_pct)


def methods_table(r) -> str:
    rows = ["| method | unit | L | S | Δ = S − L | Δ % | coverage |", "|---|---|--:|--:|--:|--:|---|"]
    for imp in r.impacts:
        cov = imp.coverage.status if imp.coverage else "—"
        lin, sym = ("0", "0") if not imp.covered else (sig(imp.linear), sig(imp.symbiotic))
        rows.append(f"| {' / '.join(imp.method[1:])} ({imp.method[0]}) | {imp.unit} | {lin} | "
                    f"{sym} | {_delta_text(imp)} | {_pct_text(imp)} | {cov} |")
    return "\n".join(rows)


def _basis(e) -> str:
    """The basis of an exchange's q that is not sourced (assumed, estimated, unspecified)."""
    return "sourced, no source" if e.amount_basis == "sourced" else e.amount_basis


def exchanges_table(sc, r, method=GWP) -> str:
    """Per exchange, ``method`` (kg CO2-eq shown in kt): q, r, the four parts, Δₑ, Δₑ per unit q."""
    rows = ["| exchange | q / yr | r | avoided fate | avoided supply | transport | processing | "
            "Δₑ | per unit q (kg CO2-eq) | q |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
    by_id = {e.id: e for e in sc.exchanges}
    parts = r.exchange_parts(method)
    assumed = set(r.assumed_exchanges)
    for p in parts:
        e = by_id[p.exchange_id]
        unit = _residue(sc, e).unit
        rows.append(
            f"| `{p.exchange_id}` | {fixed(e.amount, 0)} {unit} | {sig(e.substitution_ratio, 5)} | "
            f"{kt(p.avoided_fate, True)} | {kt(p.avoided_supply, True)} | {kt(p.transport, True)} | "
            f"{kt(p.processing, True)} | **{kt(p.total, True)}** | {sig(p.total / e.amount, 3)} | "
            f"{_basis(e) if p.exchange_id in assumed else 'sourced'} |")
    imp = r.impact(method)
    rows.append(f"| **park** (Σₑ Δₑ = S − L = {kt(imp.symbiotic)} − {kt(imp.linear)}) | | | "
                f"{kt(sum(p.avoided_fate for p in parts), True)} | "
                f"{kt(sum(p.avoided_supply for p in parts), True)} | "
                f"{kt(sum(p.transport for p in parts), True)} | "
                f"{kt(sum(p.processing for p in parts), True)} | **{kt(imp.delta, True)}** | | |")
    return "\n".join(rows)


def inventory_table(r) -> str:
    rows = ["| elementary flow (whole system) | unit | L | S | Δ |", "|---|---|--:|--:|--:|"]
    for v in r.inventory:
        if v.linear == 0 and v.symbiotic == 0:
            continue
        lin, sym = _denoised(r, v)
        if lin == 0 and sym == 0:
            continue
        rows.append(f"| {v.label} | {v.unit} | {sig(lin)} | {sig(sym)} | "
                    f"{sig(sym - lin, plus=True)} |")
    return "\n".join(rows)


def _denoised(r, v) -> tuple[float, float]:
    """(L, S) of inventory flow ``v`` with cancellation noise of the solve printed as 0: a side
    within 1e-9 of the larger side (its sign and digits change with the order of the matrix, e.g.
    −1.2e-10 m³ beside 7e5), or below 1e-9 of the largest flow of the inventory (Kawasaki's water
    withdrawal: 8.7e-11 m³ on one side, 0 on the other, beside 1e9 kg of CO2, and the document
    differed with the test order; the solve's rounding scales with the largest figures it carries,
    whatever their unit); the rule the results use for figures below numerical precision."""
    from ecolca.lca.results import PRECISION_RTOL

    scale = max((abs(x) for u in r.inventory for x in (u.linear, u.symbiotic)), default=0.0)
    big = max(abs(v.linear), abs(v.symbiotic))
    return tuple(0.0 if abs(x) <= PRECISION_RTOL * big or abs(x) <= PRECISION_RTOL * scale else x
                 for x in (v.linear, v.symbiotic))


def _withdrawal(r) -> str:
    w = _inventory(r, WITHDRAWAL)
    if _denoised(r, w) == (0.0, 0.0):
        return "none in either park"
    return sig(w.delta, plus=True)


def headline_table(res) -> str:
    rows = ["| example | L GWP100 (kt CO2-eq/yr) | S | **Δ GWP100** | Δ % | Δ water withdrawal (m³/yr) | "
            "share of Σ\\|Δₑ\\| (GWP100) on amounts q not sourced |",
            "|---|--:|--:|--:|--:|--:|--:|"]
    for n in ("kalundborg", "kawasaki", "phoenix"):
        sc, r = res[n]
        imp = r.impact(GWP)
        share = r.assumed_share(GWP)
        rows.append(f"| {sc.name} | {kt(imp.linear)} | {kt(imp.symbiotic)} | **{kt(imp.delta, True)}** | "
                    f"{_pct_text(imp)} | {_withdrawal(r)} | "
                    f"{'—' if share is None else fixed(100 * share, 0) + ' %'} |")
    return "\n".join(rows)


def water_table(res) -> str:
    rows = ["| example | category | L | S | Δ | Δ % |", "|---|---|--:|--:|--:|--:|"]
    for n in ("kalundborg", "kawasaki", "gypsum-ash", "phoenix"):
        sc, r = res[n]
        for m, label in ((WATER_EF, "EF water use (m³ world-eq)"), (WCP, "ReCiPe WCP (m³)"),
                         (EUTRO, "EF freshwater eutrophication (kg P-eq)")):
            if m not in r.methods:
                continue
            imp = r.impact(m)
            if not imp.covered:
                rows.append(f"| {n} | {label} | not covered | | | |")
                continue
            rows.append(f"| {n} | {label} | {sig(imp.linear)} | {sig(imp.symbiotic)} | "
                        f"**{_delta_text(imp)}** | {_pct_text(imp)} |")
    return "\n".join(rows)


def blocks(res, uslci: dict | None = None) -> dict[str, str]:
    """NAME -> the text between its markers. Tables are on their own lines (a newline each side).
    ``uslci`` (:func:`run_uslci`): also the US LCI block; without it that block is not made."""
    res = dict(res)
    runs = {n: res.pop(f"{n}-variants") for n in VARIANTS}
    variants = runs["kalundborg"]
    out: dict[str, str] = {"headline": headline_table(res), "water-after": water_table(res)}
    for n, vs in VARIANTS.items():
        out[f"{n}-sensitivity"] = sensitivity_table(res[n][1], runs[n], vs,
                                                    [e.id for e in res[n][0].exchanges] if n != "kalundborg" else ())
    for n, (sc, r) in res.items():
        out[f"{n}-methods"] = methods_table(r)
        out[f"{n}-exchanges"] = exchanges_table(sc, r)
        out[f"{n}-inventory"] = inventory_table(r)
    if uslci is not None:
        out["uslci-side-by-side"] = uslci_table(res, uslci)
    out = {k: f"\n{v}\n" for k, v in out.items()}

    def part(n, ex):
        return next(p for p in res[n][1].exchange_parts(GWP) if p.exchange_id == ex)

    # figures quoted inside sentences and table cells
    k, kr = res["kalundborg"]
    g = kr.impact(GWP)
    steam = [part("kalundborg", "steam-to-refinery"), part("kalundborg", "steam-to-novo")]
    ash = part("kalundborg", "ash-to-cement")
    out["kal-gwp"] = f"{kt(g.delta)} kt CO2-eq"
    out["kal-co2"] = f"{kt(_inventory(kr, CO2_FOSSIL).delta)} kt"
    out["kal-steam"] = (f"{kt(steam[0].total + steam[1].total)} kt (`steam-to-refinery` "
                        f"{kt(steam[0].total)} + `steam-to-novo` {kt(steam[1].total)})")
    out["kal-ash-share"] = f"{fixed(100 * ash.total / g.delta, 0)} %"
    out["kal-no-ash"] = f"{kt(g.delta - ash.total)} kt"
    out["kal-assumed"] = f"{fixed(100 * kr.assumed_share(GWP), 0)} %"

    # Kalundborg's water use (EF v3.1) by exchange part, × 10⁶ m³ world-eq
    wp = {x.exchange_id: x for x in kr.exchange_parts(WATER_EF)}
    power = [wp[i].processing for i in ("steam-to-refinery", "steam-to-novo", "heat-to-town")]
    m6 = lambda x, plus=True: fixed(x / 1e6, 2, plus)  # noqa: E731
    out["kal-water-cooling"] = f"{sig(wp['cooling-water-to-asnaes'].total, plus=True)} m³ world-eq"
    out["kal-water-parts"] = (
        f"{m6(sum(power))} × 10⁶ m³ world-eq: refinery steam {m6(power[0])}, Novo steam "
        f"{m6(power[1])}, district heat {m6(power[2])}), less the avoided clinker's and gypsum's "
        f"electricity ({m6(wp['ash-to-cement'].avoided_supply, False)} and "
        f"{m6(wp['gypsum-to-gyproc'].avoided_supply, False)} × 10⁶)")

    def steam_of(key):
        return sum(p.total for p in variants[key].exchange_parts(GWP) if p.exchange_id.startswith("steam-"))

    out["kal-steam-oil-coal"] = f"{kt(steam_of('oil'))} / {kt(steam_of('coal'))} kt"
    base = kr.impact(GWP).delta
    out["kal-gyp-150k"] = f"{kt(variants['gyp-150k'].impact(GWP).delta - base, True)} kt"
    lo = sum(min(0.0, variants[k].impact(GWP).delta - base) for k in ("novo-1.5", "ref-200k"))
    hi = sum(max(0.0, variants[k].impact(GWP).delta - base) for k in ("novo-0.5", "ref-50k"))
    out["kal-steam-range"] = f"{kt(lo)} / {kt(hi, True)} kt"

    w, wr = res["kawasaki"]
    g = wr.impact(GWP)
    slag = part("kawasaki", "slag-to-cement")
    bf = part("kawasaki", "plastics-to-blast-furnace")
    bf_q = next(e.amount for e in w.exchanges if e.id == bf.exchange_id)
    out["kaw-gwp"] = f"{kt(g.delta)} kt CO2-eq/yr"
    out["kaw-no-slag"] = f"{kt(g.delta - slag.total)} kt"
    out["kaw-bf-per-t"] = f"{fixed(bf.total / bf_q / 1000, 2)} t CO2-eq per t plastic"
    out["kaw-diverted"] = f"{fixed(sum(e.amount for e in w.exchanges), 0)} t/yr"
    out["kaw-assumed"] = f"{fixed(100 * wr.assumed_share(GWP), 0)} %"

    p, pr = res["phoenix"]
    out["pho-acid"] = pct(pr.impact(ACID).delta_pct)
    out["pho-pm"] = pct(pr.impact(PM).delta_pct)
    out["pho-rng"] = f"{kt(part('phoenix', 'biogas-to-rng').total)} kt CO2-eq/yr"
    eff = part("phoenix", "effluent-to-palo-verde")
    out["pho-effluent"] = (f"{kt(eff.total, True)} kt CO2-eq/yr (avoided groundwater "
                           f"{kt(eff.avoided_supply)} kt, pumping/treatment {kt(eff.processing, True)} kt)")
    # reuse energy at which the effluent exchange breaks even (its processing is linear in it)
    kwh = next(x.amount_per_unit for x in next(e for e in p.exchanges if e.id == eff.exchange_id
                                                ).processing if x.activity.code == "elec-grid-us-aznm")
    gain = eff.avoided_fate + eff.avoided_supply + eff.transport
    out["pho-break-even"] = f"{fixed(-gain / eff.processing * kwh, 2)} kWh/m³"
    g = pr.impact(GWP)
    out["pho-gwp"] = (f"L {fixed(g.linear / 1e6, 2)} kt, S {fixed(g.symbiotic / 1e6, 2)} kt, "
                      f"Δ = {fixed(g.delta / 1e6, 2)} kt CO2-eq/yr ({pct(g.delta_pct)})")
    # every exchange's amount q, as the model tables quote it
    for n, (sc, r) in res.items():
        for e in sc.exchanges:
            out[f"q.{n}.{e.id}"] = f"{fixed(e.amount, 0)} {_residue(sc, e).unit}"
    out["kaw-kpr"] = f"{kt(part('kawasaki', 'plastics-to-ammonia').total)} kt"
    return out


# ---- US LCI (needs the real US LCI imported into a project) ----------------------------------

MAPPING = ROOT / "databases" / "mappings" / "ecolca-open--uslci.csv"
USLCI_EXAMPLES = ("gypsum-ash", "kalundborg")


def run_uslci(project: str, database: str, names=USLCI_EXAMPLES) -> dict:
    """name -> Results of the example rebased onto US LCI (database ``database`` of ``project``)
    through the shipped mapping, with the example's own methods."""
    from ecolca.core import examples
    from ecolca.lca import compare
    from ecolca.park.rebase import parse_mapping, rebase

    mapping = parse_mapping(MAPPING.read_text(encoding="utf-8").replace(",uslci,", f",{database},"),
                            MAPPING.name)
    return {n: compare(rebase(examples.load(n), mapping).scenario, project=project) for n in names}


def uslci_table(res, uslci) -> str:
    """Δ per method on ecolca-open and on the US LCI rebase, and their ratio."""
    def cell(imp):
        return "not covered" if not imp.covered else _delta_text(imp)

    names = [n for n in USLCI_EXAMPLES if n in uslci]
    head = "".join(f" {n} Δ open | Δ US LCI | ratio |" for n in names)
    rows = [f"| method (unit) |{head}", "|---|" + "--:|--:|--:|" * len(names)]
    methods = list(dict.fromkeys(m for n in names for m in res[n][1].methods))
    for m in methods:
        cells = ""
        unit = ""
        for n in names:
            if m not in res[n][1].methods:
                cells += " — | — | |"
                continue
            a, b = res[n][1].impact(m), uslci[n].impact(m)
            unit = a.unit
            ratio = (fixed(b.delta / a.delta, 2) if a.covered and b.covered and a.delta
                     and not (a.below_precision or b.below_precision) else "")
            cells += f" {cell(a)} | {cell(b)} | {ratio} |"
        rows.append(f"| {' / '.join(m[1:])} ({m[0]}; {unit}) |{cells}")
    return "\n".join(rows)


# ---- the document ----------------------------------------------------------------------------

def generated(text: str) -> dict[str, str]:
    """NAME -> the text between its markers in ``text``."""
    return {m.group(1): m.group(2) for m in MARKER.finditer(text)}


def fill(text: str, new: dict[str, str], keep: tuple[str, ...] = ()) -> str:
    """``text`` with every marked block replaced by ``new``; a marker without a figure is an error,
    except those in ``keep``, which are left as they are (the US LCI block without US LCI)."""
    unknown = sorted(set(generated(text)) - set(new) - set(keep))
    if unknown:
        raise ValueError(f"docs/validation.md: no generator for the marker(s) {', '.join(unknown)}")
    return MARKER.sub(lambda m: m.group(0) if m.group(1) not in new else
                      f"<!-- generated: {m.group(1)} -->{new[m.group(1)]}<!-- end generated -->", text)


def diff(old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        "docs/validation.md (committed)",
                                        "docs/validation.md (from the run)"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--project", default=None, help="Brightway project (default: ecolca's)")
    ap.add_argument("--doc", type=Path, default=DOC)
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 with a diff when the document is stale")
    ap.add_argument("--uslci", metavar="DATABASE", default=None,
                    help="also the US LCI side-by-side table, from this database of the project "
                         "(the real US LCI imported, e.g. uslci); without it that table is kept")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    import ecolca  # noqa: F401  (before bw2data: BRIGHTWAY_DIR)

    text = a.doc.read_text(encoding="utf-8")
    res = run_examples(a.project)
    uslci = run_uslci(a.project, a.uslci) if a.uslci else None
    new = fill(text, blocks(res, uslci), keep=("uslci-side-by-side",))
    if a.check:
        if new != text:
            print(diff(text, new))
            print(f"{a.doc} is stale; regenerate with: {COMMAND}", file=sys.stderr)
            return 1
        return 0
    if new != text:
        tmp = a.doc.with_suffix(".md.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(a.doc)
    print(f"{a.doc}: {len(generated(new))} generated blocks"
          f"{' (unchanged)' if new == text else ' rewritten'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
