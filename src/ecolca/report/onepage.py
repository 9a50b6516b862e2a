"""The one-page summary ("At a glance", issue #20.2): what a manager reads first, as plain data.

:func:`build` turns a :class:`~ecolca.lca.results.Results` (and, when at hand, its
:class:`~ecolca.core.model.Scenario`) into a :class:`Glance`: a title, the park, the date, what
is compared in one sentence, the calibration level, and per impact category

* the **result in one sentence**, 3 significant figures in a unit a manager reads
  ("The symbiotic park emits 287 kt CO2-Eq a year less than the linear one.") — or "no change"
  (only when Δ is truly zero or below numerical precision) or "not covered by the background";
* the **uncertainty** in words: the Monte Carlo median, 95 % interval and P(Δ < 0), and where
  the deterministic Δ lies outside the interval, the parameters that put it there (the words of
  :meth:`~ecolca.lca.results.UncertaintyResult.headline`); "not sampled" when nothing was;
* the **data gaps that can flip a sign**, in words: background processes without data for the
  category, exchanges with one side without data, a parameter whose range turns Δ's sign (one
  at a time), a sign the Monte Carlo draws do not agree on, the share of Δ on amounts not sourced;

and the park-wide gaps (costs not computed, validation warnings, Δ % not meaningful) and a
line on how to read it. The report's first sheet (:mod:`ecolca.report.sheets.at_a_glance`), the
app's "At a glance" tab and the first lines of ``ecolca run`` all show this content. Numbers go
through :mod:`ecolca.core.numbers`: never E-notation. Nothing here imports Qt or Brightway.

The results given are shown as they are: for a park or public audience, pass the masked
results and scenario (:func:`ecolca.park.confidential.mask`), as the report does; the page
uses park totals and the texts the other sheets already show, nothing per site.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass, field

from ecolca.core.labels import long_labels, parameter_name
from ecolca.core.numbers import format_pct, format_result, scale_for
from ecolca.lca.results import SENSITIVITY_ROWS, MethodResult, Results, method_label

__all__ = ["Glance", "MethodGlance", "build", "result_sentence", "NOT_SAMPLED"]

NOT_SAMPLED = "not sampled: no distribution in the park or the background"
# P(Δ < 0) at or beyond these ends: the draws agree on the sign
SURE_LOW, SURE_HIGH = 0.025, 0.975
MAX_NAMED = 3
GAP_LEAD = "Can flip the sign: "  # parameters, warnings … named on the page; the rest are counted

HOW_TO_READ = {
    "report": ("How to read this: Δ = S − L, per year for the whole park; \"less\" (a negative "
               "Δ) means the symbiosis lowers the impact. Figures are rounded to 3 significant "
               "figures; the other sheets give them in full (Impacts, Monte Carlo, "
               "Sensitivity) and list every warning (Summary)."),
    "app": ("How to read this: Δ = S − L, per year for the whole park; \"less\" (a negative Δ) "
            "means the symbiosis lowers the impact. Figures are rounded to 3 significant "
            "figures; the other tabs give them in full."),
    "cli": ("Δ = S − L per year for the whole park; \"less\" means the symbiosis lowers the "
            "impact; 3 significant figures (the tables below give them in full)."),
}


@dataclass
class MethodGlance:
    """One impact category on the page."""

    method: tuple[str, ...]
    label: str              # "IPCC 2021 | climate change | global warming potential (GWP100)"
    covered: bool
    sentence: str           # the result in one sentence
    uncertainty: str = ""   # in words; "" for a category not covered
    gaps: list[str] = field(default_factory=list)  # what can flip the sign: clauses

    @property
    def gaps_text(self) -> str:
        """"Can flip the sign: …; ….", or "" without gaps."""
        return GAP_LEAD + "; ".join(self.gaps) + "." if self.gaps else ""


@dataclass
class Glance:
    """The content of the one-page summary, as plain text pieces."""

    title: str
    park: str
    date: str
    compared: str
    calibration: str
    methods: list[MethodGlance]
    gaps: list[str]         # park-wide: costs, validation warnings, Δ %
    how_to_read: str

    def result_lines(self) -> list[str]:
        """"<method>: <sentence>", one line per category (what ``ecolca run`` prints first)."""
        return [f"{m.label}: {m.sentence}" for m in self.methods]

    def text_lines(self) -> list[str]:
        """The whole page as plain lines."""
        out = [self.title, f"{self.park} · {self.date}" if self.date else self.park,
               self.compared, self.calibration]
        for m in self.methods:
            out.append(m.label)
            out.append("  " + m.sentence)
            if m.uncertainty:
                out.append("  Uncertainty: " + m.uncertainty)
            if m.gaps:
                out.append("  " + m.gaps_text)
        out += [f"Data gap: {g}" for g in self.gaps]
        out.append(self.how_to_read)
        return out


# ---- the result in one sentence -----------------------------------------------------------
def _verb(method: tuple[str, ...]) -> str:
    words = " ".join(method).lower()
    if "climate change" in words or "global warming" in words:
        return "emits"
    if "resource" in words or "energy" in words or "water use" in words or \
            "water consumption" in words or "land use" in words:
        return "uses"
    return "causes"


def _unit(unit: str) -> str:
    """A unit with a qualifier after a comma reads as one unit: "MJ, net calorific value" ->
    "MJ (net calorific value)", which also lets the energy ladder scale it (GJ, TJ, PJ)."""
    head, sep, rest = (unit or "").partition(", ")
    return f"{head} ({rest})" if sep and rest else unit


def result_sentence(r: MethodResult) -> str:
    """The category's result in one sentence: how much more or less the symbiotic park scores
    than the linear one, in a unit a manager reads; "no change" only for a true zero; "not
    covered" when the background has no data (the result is unknown, not zero)."""
    if not r.covered:
        dbs = ", ".join(r.coverage.databases) if r.coverage and r.coverage.databases else \
            "the background"
        return (f"Not covered by {dbs}: the background has no data for this category, so the "
                "result is unknown (not zero).")
    d = r.delta
    if r.below_precision:
        return ("No change: the symbiotic and the linear park score the same (Δ is below "
                "numerical precision).")
    if d == 0:
        return "No change: the symbiotic and the linear park score the same (Δ = 0)."
    amount = format_result(abs(d), _unit(r.unit))
    pct = ""
    if r.delta_pct is not None:
        pct = format_pct(r.delta_pct, signed=True)
        if not any(c in "123456789" for c in pct):  # a change too small for 4 decimals
            pct = "less than 0.0001 %"
        pct = f" ({pct})"
    return (f"The symbiotic park {_verb(r.method)} {amount} {'less' if d < 0 else 'more'} than "
            f"the linear one{pct}.")


# ---- the uncertainty ---------------------------------------------------------------------------
def _not_sampled(res: Results) -> str:
    mc = res.metadata.get("monte_carlo") or {}
    fg, bg = mc.get("foreground_distributions"), mc.get("background_distributions")
    if fg == 0 and bg in (0, None):
        return NOT_SAMPLED + "."
    return f"not sampled: {res.monte_carlo_note()}."


def _uncertainty(res: Results, r: MethodResult) -> str:
    if not r.covered:
        return ""
    if res.monte_carlo_note():  # Monte Carlo asked for, nothing to sample: no interval at all
        return _not_sampled(res)
    u = res.uncertainty_of(r.method)
    if u is None:
        if res.uncertainty:
            return "not computed for this category in the Monte Carlo run."
        return "not assessed: Monte Carlo was not run."
    d = u.delta
    s = scale_for([u.deterministic, d["median"], d["p2.5"], d["p97.5"]], _unit(u.unit))
    # the words of the Summary (UncertaintyResult.headline), the unit said once before them
    text = f"In {s.unit}: " + u.headline(s.text)
    p = u.probability_delta_negative
    if p == 1:
        text += " Δ < 0 in every draw."
    elif p == 0:
        text += " Δ > 0 in every draw."
    elif p >= SURE_HIGH:
        text += f" Δ < 0 in {format_pct(100 * p)} of the draws."
    elif p <= SURE_LOW:
        text += f" Δ > 0 in {format_pct(100 * (1 - p))} of the draws."
    else:
        text += (f" The sign is uncertain: Δ < 0 in {format_pct(100 * p)} of the draws, Δ > 0 "
                 f"in {format_pct(100 * (1 - p))}.")
    return text


# ---- the gaps ----------------------------------------------------------------------------------
def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _sign_flips(res: Results, r: MethodResult, labels: dict[str, str]) -> str | None:
    """One at a time, the parameters whose range turns Δ's sign, named as a person reads them
    (an exchange by its label when ``labels`` has it; None: none does)."""
    sens = next((s for s in res.sensitivity if s.method == r.method), None)
    if sens is None or r.delta == 0:
        return None
    want = _sign(r.delta)
    flips = []
    for row in sens.moving_rows(SENSITIVITY_ROWS):
        ends = [(end, dv) for end, dv in (("low", row.delta_low), ("high", row.delta_high))
                if _sign(dv) != want]
        if ends:
            end, _ = ends[0]
            value = row.low if end == "low" else row.high
            name = parameter_name(row.item, row.field, labels)
            flips.append(f"{name} at the {end} end of its range "
                         f"({format_result(value)})")
    if not flips:
        return None
    more = len(flips) - MAX_NAMED
    return ("one at a time, " + "; ".join(flips[:MAX_NAMED])
            + (f"; and {more} more" if more > 0 else "")
            + f" turns Δ {'positive' if want < 0 else 'negative'}")


def _gaps(res: Results, r: MethodResult, labels: dict[str, str]) -> list[str]:
    if not r.covered:
        return []
    out = []
    cov = r.coverage
    if cov is not None and cov.status == "partial":
        n = cov.processes - cov.covered
        out.append(f"no data for it in {n} of the {cov.processes} background processes "
                   "(counted as zero)")
    if r.one_sided and not r.below_precision:  # named on the Summary (delta_note)
        sides = Counter(side for _, side in r.one_sided)
        if sides.get("avoided"):
            n = sides["avoided"]
            out.append(f"the avoided side of {n} exchange{'s' if n > 1 else ''} has no data "
                       "for this category (the saving is not counted)")
        if sides.get("added"):
            n = sides["added"]
            out.append(f"the added side (transport, processing) of {n} exchange"
                       f"{'s' if n > 1 else ''} has no data for this category (the burden is "
                       "not counted)")
    flip = _sign_flips(res, r, labels)
    if flip:
        out.append(flip)
    share = res.assumed_share(r.method)
    if share is not None and res.assumed_exchanges and share > 0:
        out.append(f"{format_pct(100 * share)} of Δ rests on amounts not sourced")
    return out


def _park_gaps(res: Results, where: str) -> list[str]:
    out = []
    reason = res.cost_reason()
    if reason:
        out.append(f"Costs: not computed ({reason}).")
    if res.impacts and res.impacts[0].pct_note:
        note = res.impacts[0].pct_note
        out.append("Δ % is not shown (n/m): the sites declare only the replaceable part of their "
                   "inventory, so L is not the park's whole impact (the Summary names them)."
                   if "replaceable part" in note else f"Δ % is not shown: {note}.")
    warnings = getattr(res, "warnings", None) or []
    if warnings:
        fields = Counter(w.get("field") or "the item" for w in warnings)
        listed = {"report": " (listed on the Summary sheet)",
                  "app": " (listed in the Problems panel)",
                  "cli": " (listed above)"}.get(where, "")
        out.append(f"{len(warnings):,} validation warning{'s' if len(warnings) > 1 else ''}"
                   f"{listed}, each can move Δ: "
                   + ", ".join(f"{f} ({n})" for f, n in fields.most_common()) + ".")
    return out


BECAUSE = ", because "


def _after_reasons(why: str) -> int:
    """Where the sentences after headline()'s list of reasons begin in ``why`` (the text after
    ", because "): at the P(Δ < 0) sentence this module adds."""
    for lead in (". Δ < 0", ". Δ > 0", ". The sign"):
        i = why.find(lead)
        if i >= 0:
            return i
    return len(why) - 1 if why.endswith(".") else len(why)


# ---- the page ----------------------------------------------------------------------------------
def _date(res: Results) -> str:
    calc = str(res.metadata.get("calculated") or "")
    if len(calc) >= 10:
        return f"calculated {calc[:10]}"
    return f"written {_dt.date.today().isoformat()}"


def _compared(res: Results, scenario) -> str:
    if scenario is not None:
        n_sites, n_ex = len(scenario.sites), len(scenario.exchanges)
        park = (f"the park's {n_sites} site{'s' if n_sites != 1 else ''} linked by "
                f"{n_ex} exchange{'s' if n_ex != 1 else ''}")
    else:
        park = "the park's sites linked by their exchanges"
    return (f"What is compared: {park} (symbiotic, S) against the same sites buying every "
            "supply from the market and sending every residue to its linear fate (linear, L), "
            f"for the annual output of all sites in {res.reference_year}.")


def _calibration(res: Results) -> str:
    level = res.calibration_note or res.calibration
    if not level:
        return "Calibration: not computed."
    return f"Calibration: {level}."


def build(results: Results, scenario=None, where: str = "report") -> Glance:
    """The one-page summary of ``results``. ``where``: "report", "app" or "cli" (what the
    page refers the reader to)."""
    methods: list[MethodGlance] = []
    labels = long_labels(scenario) if scenario is not None else {}
    for r in results.impacts:
        m = MethodGlance(r.method, method_label(r.method), r.covered, result_sentence(r),
                         _uncertainty(results, r), _gaps(results, r, labels))
        # a category whose figures and words are those of one above (EF's and IPCC's GWP100)
        # says so instead of repeating them: the page stays one page
        same = next((x for x in methods if x.covered and x.sentence == m.sentence
                     and x.uncertainty == m.uncertainty and x.gaps == m.gaps), None)
        if same is not None and results.uncertainty_of(r.method) is not None:
            m.uncertainty = f"as for {same.label}, whose figures are the same."
            m.gaps = []
        else:  # the same parameters put Δ outside the interval: named once, above
            head, sep, why = m.uncertainty.partition(BECAUSE)
            twin = next((x for x in methods if sep and BECAUSE + why in x.uncertainty), None)
            if twin is not None:
                m.uncertainty = head + f", for the same reasons as {twin.label}" + \
                    why[_after_reasons(why):]
        methods.append(m)
    return Glance(title=f"At a glance: {results.scenario_name}", park=results.scenario_name,
                  date=_date(results), compared=_compared(results, scenario),
                  calibration=_calibration(results), methods=methods,
                  gaps=_park_gaps(results, where),
                  how_to_read=HOW_TO_READ.get(where, HOW_TO_READ["report"]))
