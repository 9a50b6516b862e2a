"""Confidential sites in what leaves the team: a report for another audience, and a scenario
file others can run (docs/confidentiality.md).

A site flagged ``confidential`` is named, described and itemised only in an *internal* report.
For the *park* (the other members) and the *public*:

* its name, id, sector, location, description, flows and per-site figures never appear;
* its per-site results are summed with the other confidential sites into one "other sites"
  row; with fewer than :data:`MIN_AGGREGATE` confidential sites that row is suppressed (its
  figures are not written anywhere) with one more named site (complementary suppression), and
  that site's inputs are withheld too (flows, its exchanges' q and r), or a reader would rebuild
  it from the input sheets and subtract it (issue #19); the report says why;
* the park totals (L, S, Δ, inventory, exchanges) are those of the whole park, unchanged;
* an exchange that touches it keeps its figures (both partners know them) but not its id, its
  description or its transport labels; the confidential end reads "confidential site";
* free text is withheld, not searched (a word list cannot find a product, a trade or a
  nickname): scenario name, description, sources and assumptions, site descriptions, flow
  names (generated: "supply 1"), ids, comments and sources, exchange ids, descriptions, sources,
  transport labels and processing names, the run's notes. The named sites' names, sectors and
  locations are kept with a confidential name masked; those fields are listed by site id.

``public`` also withholds the money terms (price, transport and processing costs) of the
exchanges that touch a confidential site. Everything here is plain data: no Qt, no Brightway.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re
from dataclasses import dataclass, field

import numpy as np

from ecolca.core.errors import EcolcaError
from ecolca.core.model import CLEARABLE, Exchange, Flow, Scenario, Site, Uncertainty
from ecolca.lca.results import (PARTNERS_ID, ExchangeParts, ExchangeTable, ProductRow, Results, Sensitivity,
                            SiteEconomics, SiteTable)

AUDIENCES = ("internal", "park", "public")
AUDIENCE_LABELS = {
    "internal": "internal (every site named, nothing masked)",
    "park": "park members (confidential sites masked)",
    "public": "public (confidential sites masked, and the money terms of their exchanges)",
}
CONFIDENTIAL_LABEL = "confidential site"
CONFIDENTIAL_FLOW = "confidential flow"
PLACEHOLDER_ID = "confidential"
OTHER_SITES_ID = "other-sites"
OTHER_SITES_NAME = "other sites (confidential, aggregated)"
MASK = "[confidential site]"
WITHHELD = "withheld: the exchange involves a confidential site"
# fewer confidential sites than this: their aggregate is one site's figure, so it is suppressed
MIN_AGGREGATE = 2
# exchanges with a confidential partner: one row (or one suppressed group) in a shared report
# complementary suppression: the sites (exchanges) pooled with a lone confidential one must
# together be at least this share of its |figure| in every cell where they can be, so that
# "park total − the figures shown" does not give its figure, not even to within 1 % (the p % rule
# of statistical disclosure control, with p = 1 %; 10 % pooled every named site of two of the
# four examples and still left cells open where one site dominates the park)
PROTECTION = 0.01
COMPLEMENT_REASON = ("suppressed with one more {what} so that no figure can be derived by "
                     "subtraction (the park total minus the {what}s shown would otherwise be the "
                     "confidential {of}'s figure)")

# the row of exchanges with confidential partners, in words, without naming any of them: some
# count one side only, or have no data (ecolca.lca.coverage, docs/confidentiality.md)
POOLED = "for some of the exchanges pooled here, "
# (the words of ecolca.lca.coverage.SIDE_MISSING, which this module does not import: it is plain
# data, no Brightway)
POOLED_SIDE_MISSING = {
    "avoided": POOLED + "the avoided side has no data for this category: their saving is not "
               "counted",
    "added": POOLED + "the added side (transport, processing) has no data for this category: "
             "their burden is not counted",
    "both": POOLED + "the avoided side has no data for this category (their saving is not "
            "counted), for others the added side (their burden is not counted)",
}
POOLED_NOT_COVERED = ("not covered: no process of the supply chains of the exchanges pooled "
                      "here has a flow this category characterises")
POOLED_MEMBER_NOT_COVERED = (POOLED + "no process of their supply chains has a flow this "
                             "category characterises: they count 0")

# words of a company name that say what, not who: never masked on their own
_GENERIC = {
    "and", "the", "of", "for", "plant", "plants", "power", "station", "works", "company",
    "group", "energy", "cement", "steel", "refinery", "municipality", "city", "town", "inc",
    "ltd", "llc", "co", "corp", "gmbh", "a/s", "ag", "sa", "plc", "mill", "factory", "site",
    "park", "industrial", "industries", "industry", "east", "west", "north", "south", "new",
    "national", "international", "services", "service", "holding", "holdings", "unit",
    "treatment", "wastewater", "water", "waste", "gas", "natural", "heat", "users", "user",
    "proxy", "for", "from", "with", "avenue", "street", "road", "japan", "denmark", "america",
}


def suppression_reason(n: int) -> str:
    return (f"suppressed: {n} confidential site{'s' if n != 1 else ''} to aggregate, fewer than "
            f"{MIN_AGGREGATE}, so the aggregate would be one site's own figure")


def partners_name(n: int) -> str:
    return f"exchanges with confidential partners ({n})"


def partners_reason(n: int) -> str:
    return (f"suppressed: {n} exchange{'s' if n != 1 else ''} with a confidential partner, fewer "
            f"than {MIN_AGGREGATE}, so the aggregate would be one exchange's own figures")


def complement_reason(what: str = "site") -> str:
    return COMPLEMENT_REASON.format(what=what, of="site" if what == "site" else "exchange")


def order_small(vecs: dict[str, np.ndarray], total: np.ndarray) -> list[str]:
    """Candidates, smallest |figures| first (each cell as a share of the cell's total)."""
    total = np.where(total > 0, total, 1.0)
    size = {k: float((np.abs(v) / total).sum()) for k, v in vecs.items()}
    return sorted(vecs, key=lambda k: (size[k], k))


def sole_contributor(secret: np.ndarray, others: list[np.ndarray]) -> int:
    """How many cells of ``secret`` are not 0 while every other row is: there the park total is
    the secret row's own figure."""
    secret = np.nan_to_num(np.asarray(secret, dtype=float).ravel())
    rest = sum((np.abs(np.nan_to_num(np.asarray(o, dtype=float).ravel())) for o in others),
               np.zeros_like(secret))
    return int(((np.abs(secret) > 0) & (rest == 0)).sum())


def complement(secret: np.ndarray, candidates: dict[str, np.ndarray],
               protection: float = PROTECTION) -> tuple[list[str], int]:
    """Complementary (secondary) suppression: which of ``candidates`` (id -> figures, one value
    per cell) to pool with a lone ``secret`` row (figures in the same cells) so that in every
    cell where the secret is not 0 the pooled candidates sum to at least ``protection`` × |secret|
    (the difference "total − shown" then misses the secret by that much). The one with the
    smallest |figures| that protects every cell alone; else, greedily, the one that protects the
    most cells still open, until all are or none helps. Returns the ids chosen and the number of
    cells left unprotected (0 when all are)."""
    secret = np.nan_to_num(np.asarray(secret, dtype=float).ravel())
    need = np.abs(secret) > 0
    if not candidates or not need.any():
        return [], 0
    vecs = {k: np.nan_to_num(np.asarray(v, dtype=float).ravel()) for k, v in candidates.items()}
    total = sum(np.abs(v) for v in vecs.values())
    # a cell where every candidate is 0 (the secret row is the only contributor, e.g. the only
    # supplier under the 'supplier' key): there the park total is its figure, and no pooling
    # changes that (see sole_contributor)
    need = need & (total > 0)
    if not need.any():
        return [order_small(vecs, total)[0]] if vecs else [], 0
    total = np.where(total > 0, total, 1.0)
    order = order_small(vecs, total)
    floor = protection * np.abs(secret)

    def ok(acc: np.ndarray) -> np.ndarray:
        return ~need | (np.abs(acc) >= floor)

    for k in order:
        if ok(vecs[k]).all():
            return [k], 0
    chosen: list[str] = []
    acc = np.zeros_like(secret)
    while True:
        open_now = int((~ok(acc)).sum())
        if not open_now:
            break
        best, gain = None, 0
        for k in order:
            if k in chosen:
                continue
            g = open_now - int((~ok(acc + vecs[k])).sum())
            if g > gain:
                best, gain = k, g
        if best is None:
            if not chosen:   # nothing protects any cell: still pool the smallest, never none
                chosen.append(order[0])
                acc = acc + vecs[order[0]]
            break
        chosen.append(best)
        acc = acc + vecs[best]
    return chosen, int((~ok(acc)).sum())


def confidential_sites(sc: Scenario) -> list[Site]:
    return [s for s in sc.sites if s.confidential]


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise EcolcaError(f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
    return audience


# ---- names in free text ------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text or "") if w]


def name_tokens(sc: Scenario) -> list[str]:
    """What identifies a confidential site in free text, longest first: its full name, its id,
    and the distinctive words of its name (capitalised, three letters or more, not a generic word
    such as "plant", and not a word of another site's name, sector or location)."""
    conf = confidential_sites(sc)
    public_words = {w.lower() for s in sc.sites if not s.confidential
                    for w in _words(f"{s.name} {s.sector} {s.location}")}
    tokens: set[str] = set()
    for s in conf:
        if s.name.strip():
            tokens.add(s.name.strip())
        if len(s.id) >= 3 and s.id.lower() not in _GENERIC and s.id.lower() not in public_words:
            tokens.add(s.id)
        for w in _words(s.name):
            if len(w) >= 3 and not w.isdigit() and (w[0].isupper() or w.isupper()
                                                    or any(c.isdigit() for c in w)) \
                    and w.lower() not in _GENERIC and w.lower() not in public_words:
                tokens.add(w)
    return sorted(tokens, key=lambda t: (-len(t), t))


def _pattern(tokens: list[str]) -> re.Pattern | None:
    if not tokens:
        return None
    # a token and the capitalised words or acronyms that follow it ("91st Avenue WWTP")
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in tokens) + r")(?!\w)"
                      r"(?:\s+(?-i:[A-Z][\w-]*))*", re.IGNORECASE)


MASK_AMOUNT = "[confidential amount]"
_NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])"
                     r"|(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")


def secret_amounts(sc: Scenario) -> list[float]:
    """The amounts a shared report must not state, as magnitudes: every flow amount of the
    confidential sites (as declared, and in tonnes for a mass), and the q and r·q of their
    exchanges. Whole numbers up to 100 are left out (a "2" or "50" in free text is no amount)."""
    from ecolca.core import units

    conf = {s.id for s in confidential_sites(sc)}
    vals: list[float] = []

    def add(x: float, unit: str | None = None) -> None:
        vals.append(x)
        if unit:
            try:
                vals.append(units.convert(x, unit, "t"))
            except Exception:  # not a mass
                pass

    for s in confidential_sites(sc):
        for f in s.flows:
            add(f.amount, f.unit)
    for e in sc.exchanges:
        if e.from_site in conf or e.to_site in conf:
            a = sc.site(e.from_site)
            fa = a.flow(e.from_flow) if a else None
            add(e.amount, fa.unit if fa else None)
            add(e.amount * e.substitution_ratio)
    return sorted({abs(x) for x in vals if x == x and abs(x) > 0
                   and not (float(x).is_integer() and abs(x) <= 100)})


class _Masker:
    """Replaces confidential names, and numbers equal to a confidential amount, in free text,
    and remembers where it did."""

    def __init__(self, tokens: list[str], amounts: list[float] = ()):
        self.pattern = _pattern(tokens)
        self.amounts = np.array(sorted(amounts), dtype=float)
        self.where: list[str] = []
        self.numbers: list[str] = []

    def _secret(self, m: re.Match) -> str:
        try:
            x = abs(float(m.group().replace(",", "")))
        except ValueError:
            return m.group()
        a = self.amounts
        i = int(np.searchsorted(a, x))
        for j in (i - 1, i):
            if 0 <= j < len(a) and abs(a[j] - x) <= 1e-6 * max(a[j], x):
                return MASK_AMOUNT
        return m.group()

    def __call__(self, text: str, where: str) -> str:
        if not text or not isinstance(text, str):
            return text
        new = self.pattern.sub(MASK, text) if self.pattern is not None else text
        if len(self.amounts):
            masked = _NUMBER.sub(self._secret, new)
            if masked != new:
                self.numbers.append(where)
            new = masked
        if new != text:
            self.where.append(where)
        return new


def mentions(sc: Scenario) -> list[str]:
    """The fields of a park or public output that are kept but had a confidential name or amount
    replaced (named sites' names, sectors and locations), by site id: never the original text."""
    m = _Masker(name_tokens(sc), secret_amounts(sc))
    conf = {s.id for s in confidential_sites(sc)}
    _share_text(copy.deepcopy(sc), m, conf, set(), "park")
    return m.where


TEXT_WITHHELD = "withheld: free text is not shared outside the team"
WITHHELD_FLOW = "withheld flow"


def cleared(sc: Scenario, audience: str) -> set[str]:
    """The free-text fields the author cleared for ``audience`` (public: those cleared for it;
    park: those cleared for the park or for the public)."""
    by = getattr(sc, "cleared_text", None) or {}   # a scenario pickled before the field
    got = set(by.get(audience, ()))
    if audience == "park":
        got |= set(by.get("public", ()))
    return got & set(CLEARABLE)


def _share_text(sc: Scenario, mt: _Masker, conf: set[str], pool: set[str], audience: str
                ) -> tuple[list[str], dict[tuple[str, str], str], dict[str, str]]:
    """Free text of a scenario leaving the team (docs/confidentiality.md): it cannot be checked
    for what identifies a confidential site (its products, its trade, a nickname), so it is not
    shared unless the author cleared it for the audience (:func:`cleared`; even then a
    confidential name or amount in it is masked). Withheld: the scenario's name, id,
    description, sources and assumptions; every site's description; every flow's name
    (generated instead: "<kind> <n>"), id, comment, source and transport labels; every
    exchange's description, source, transport labels and processing names (generated:
    "processing input <n>"). Kept, with a confidential name or amount replaced: the named sites'
    names, sectors and locations (a report is about them), listed by site id in ``mt.where``.
    The flows of a site in ``pool`` (pooled with a confidential one by complementary
    suppression) are withheld whole: no amount, price, background or conversion factor, never a
    cleared name. Returns (what was withheld, (site id, old flow id) -> new flow id, old flow
    label in sensitivity items -> new)."""
    ok = cleared(sc, audience)
    withheld: list[str] = []
    sc.name = (mt(sc.name, "scenario name") if "name" in ok
               else f"scenario shared with the {audience} (name withheld)")
    sc.id = f"shared-{audience}"
    if sc.description:
        if "description" in ok:
            sc.description = mt(sc.description, "scenario description")
        else:
            sc.description = TEXT_WITHHELD
            withheld.append("the scenario's description")
    for what in ("sources", "assumptions"):
        items = getattr(sc, what)
        if items and what in ok:
            setattr(sc, what, [mt(x, f"scenario {what[:-1]} {i + 1}")
                               for i, x in enumerate(items)])
        elif items:
            withheld.append(f"{len(items)} scenario {what}")
            setattr(sc, what, [TEXT_WITHHELD])
    flow_ids: dict[tuple[str, str], str] = {}
    labels: dict[str, str] = {}
    n_desc = n_flow = n_note = 0
    for s in sc.sites:
        if s.id in conf:
            continue
        old_name = s.name
        s.name = mt(s.name, f"site '{s.id}' name")
        s.sector = mt(s.sector, f"site '{s.id}' sector")
        s.location = mt(s.location, f"site '{s.id}' location")
        if s.description and "site descriptions" in ok:
            s.description = mt(s.description, f"site '{s.id}' description")
        elif s.description:
            s.description = TEXT_WITHHELD
            n_desc += 1
        count: dict[str, int] = {}
        for f in s.flows:
            count[f.kind] = count.get(f.kind, 0) + 1
            new_id = f"{f.kind}-{count[f.kind]}"
            where = f"site '{s.id}', flow {sum(count.values())}"
            if s.id in pool:
                new_name = f"{WITHHELD_FLOW} {sum(count.values())}"
            elif "flow names" in ok:
                new_name = mt(f.name, f"{where} name")
            else:
                new_name = f"{f.kind} {count[f.kind]}"
                n_flow += 1
            flow_ids[(s.id, f.id)] = new_id
            labels[f"site '{old_name}', flow '{f.name}'"] = f"site '{s.name}', flow '{new_name}'"
            f.id, f.name = new_id, new_name
            if "flow notes" in ok and s.id not in pool:
                f.comment = mt(f.comment, f"{where} comment")
                f.source = mt(f.source, f"{where} source")
                for t in f.transport:
                    t.label = mt(t.label, f"{where} transport label")
            else:
                n_note += bool(f.comment or f.source) + sum(bool(t.label) for t in f.transport)
                f.comment = f.source = ""
                for t in f.transport:
                    t.label = ""
            if s.id in pool:
                f.amount, f.price, f.conversion_factor = math.nan, None, None
                f.activity = f.fate = None
                f.uncertainty, f.transport = Uncertainty(), []
        s._flow_index.clear()
    n_ex = 0
    for k, e in enumerate(sc.exchanges):
        e.from_flow = flow_ids.get((e.from_site, e.from_flow), e.from_flow)
        e.to_flow = flow_ids.get((e.to_site, e.to_flow), e.to_flow)
        ends = {e.from_site, e.to_site}
        if "exchange text" in ok and not ends & (conf | pool):
            where = f"exchange {k + 1}"
            e.description = mt(e.description, f"{where} description")
            e.source = mt(e.source, f"{where} source")
            for t in e.transport:
                t.label = mt(t.label, f"{where} transport label")
            for p in e.processing:
                p.name = mt(p.name, f"{where} processing name")
            continue
        n_ex += bool(e.description or e.source) + sum(bool(t.label) for t in e.transport) \
            + sum(bool(p.name) for p in e.processing)
        e.description = e.source = ""
        for t in e.transport:
            t.label = ""
        for j, p in enumerate(e.processing):
            p.name = f"processing input {j + 1}"
    if n_desc:
        withheld.append(f"{n_desc} site description(s)")
    if n_flow:
        withheld.append(f"the names of {n_flow} flow(s) (generated instead: 'supply 1', "
                        "'residue 2', ...)")
    if n_note:
        withheld.append(f"{n_note} flow comment(s), source(s) and transport label(s)")
    if n_ex:
        withheld.append(f"{n_ex} exchange description(s), source(s), transport label(s) and "
                        "processing name(s)")
    if pool:
        withheld.append(f"every flow of {len(pool)} site(s) pooled with the confidential one "
                        "(amount, price, background): with them a reader could compute that "
                        "site's figures and subtract them")
    if withheld:
        withheld.append("flow and exchange ids (renumbered)")
    return withheld, flow_ids, labels


# ---- the masked report -------------------------------------------------------------------------
@dataclass
class Masked:
    """What a report for ``audience`` is written from."""

    results: Results
    scenario: Scenario
    audience: str
    confidential: int = 0               # how many confidential sites were masked
    suppressed: str | None = None       # why the "other sites" figures are not shown
    masked_text: list[str] = field(default_factory=list)   # free-text fields that were masked
    notes: list[str] = field(default_factory=list)


def _exchange_ids(sc: Scenario, conf: set[str], mt: _Masker, every: bool = False
                  ) -> dict[str, str]:
    """Old id -> id shown: exchanges touching a site of ``conf`` are renumbered
    ("confidential-exchange-N"); with ``every`` the others too ("exchange-N": an id is free
    text, "steam-to-refinery" says what a confidential supplier sells), else only those whose
    id names a confidential site."""
    out: dict[str, str] = {}
    n = 0
    for e in sc.exchanges:
        touches = e.from_site in conf or e.to_site in conf
        if touches or every or (mt.pattern is not None and mt.pattern.search(e.id)):
            n += 1
            out[e.id] = f"confidential-exchange-{n}" if touches else f"exchange-{n}"
    return out


def _withhold_exchange(e: Exchange, audience: str) -> None:
    """q and r·q are a confidential site's amounts (all of its residue, when all of it is
    exchanged), or those of a site pooled with it: withheld (NaN), so that nothing computed from
    them can be shown either."""
    e.amount = math.nan
    e.substitution_ratio = math.nan
    e.amount_uncertainty = Uncertainty()
    e.ratio_uncertainty = Uncertainty()
    e.description = WITHHELD
    e.source = ""
    for t in e.transport:
        t.label = ""
    if audience == "public":
        e.economics = dataclasses.replace(e.economics, price=math.nan,
                                          transport_cost=math.nan, processing_cost=math.nan)


def mask(results: Results, scenario: Scenario, audience: str = "park") -> Masked:
    """The results and the scenario as a report for ``audience`` may show them (module
    docstring). ``internal``, or a scenario without confidential sites, returns them as they
    are. Park totals are untouched: only per-site rows, names and free text change."""
    check_audience(audience)
    conf_sites = confidential_sites(scenario)
    if audience == "internal" or not conf_sites:
        return Masked(results, scenario, audience)
    conf = {s.id for s in conf_sites}
    n_conf = len(conf)
    suppressed = suppression_reason(n_conf) if n_conf < MIN_AGGREGATE else None
    # complementary suppression first: the named sites pooled with a lone confidential one are
    # withheld as inputs too (their flows, their exchanges' q and r and parts), or a reader
    # rebuilds them from the input sheets and subtracts them (issue #19)
    sites0 = _site_table(results)
    site_table, hidden_sites, open_sites, blanked = _mask_sites(sites0, conf, suppressed)
    economics, hidden_cost, open_cost = _mask_economics(results.economics, conf, suppressed)
    pool = {h["id"] for h in hidden_sites + hidden_cost} - {OTHER_SITES_ID} - conf
    mt = _Masker(name_tokens(scenario), secret_amounts(scenario))
    sc = copy.deepcopy(scenario)
    withheld, flow_ids, flow_labels = _share_text(sc, mt, conf, pool, audience)
    ids = _exchange_ids(scenario, conf | pool, mt, every=True)

    # the confidential sites become one placeholder with only the flows exchanges point at
    placeholder = Site(id=PLACEHOLDER_ID, name=CONFIDENTIAL_LABEL, confidential=True,
                       description="")
    placeholder_ids: dict[tuple[str, str], str] = {}

    def placeholder_flow(site_id: str, flow_id: str) -> str:
        key = (site_id, flow_id)
        if key not in placeholder_ids:
            orig = scenario.site(site_id).flow(flow_id)
            fid = f"flow-{len(placeholder_ids) + 1}"
            placeholder_ids[key] = fid
            placeholder.flows.append(Flow(id=fid, kind=orig.kind if orig else "residue",
                                          name=CONFIDENTIAL_FLOW, amount=math.nan,
                                          unit=orig.unit if orig else "",
                                          category=orig.category if orig else "material"))
        return placeholder_ids[key]

    touching: set[str] = set()      # ids shown of the exchanges with a confidential partner
    for e in sc.exchanges:
        touches = e.from_site in conf or e.to_site in conf
        pooled = e.from_site in pool or e.to_site in pool
        e.id = ids.get(e.id, e.id)
        if not (touches or pooled):
            continue
        touching.add(e.id)
        if e.from_site in conf:
            e.from_flow = placeholder_flow(e.from_site, e.from_flow)
            e.from_site = PLACEHOLDER_ID
        if e.to_site in conf:
            e.to_flow = placeholder_flow(e.to_site, e.to_flow)
            e.to_site = PLACEHOLDER_ID
        _withhold_exchange(e, audience)
    sc.sites = [s for s in sc.sites if s.id not in conf] + [placeholder]
    sc._site_index.clear()
    sc._exchange_index.clear()

    res = copy.copy(results)
    res.scenario_name = sc.name
    res.metadata = _mask_meta(_shared_meta(results.metadata, "run notes" in cleared(
        scenario, audience)), mt)
    run_notes = results.metadata.get("notes")
    if run_notes and "run notes" not in cleared(scenario, audience):
        n = len(run_notes) if isinstance(run_notes, list) else 1
        withheld.append(f"{n} note(s) of the run (they quote site and flow names)")
    # validation warnings (issue #19): their item and message are free text quoting names and
    # amounts, so in a park or public output they keep only their field unless the author
    # cleared the run's notes; one about a confidential or pooled site keeps only its field
    from ecolca.core.validation import disclosed_warnings, flag_confidential

    res.warnings = disclosed_warnings(
        flag_confidential(getattr(results, "warnings", []), scenario, also=pool), audience,
        text_cleared="run notes" in cleared(scenario, audience))
    res.assumed_exchanges = [ids.get(i, i) for i in results.assumed_exchanges]
    res.impacts = [dataclasses.replace(
        r, pct_note=mt(r.pct_note, "Δ % note") if r.pct_note else r.pct_note,
        coverage=_shared_coverage(r.coverage) if r.coverage else None)
        for r in results.impacts]
    # the functional unit from the masked scenario: generated product names, and neither the
    # confidential sites' products nor those of the sites pooled with them
    res.functional_unit = [ProductRow(s.name, f.name, f.amount, f.unit) for s in sc.sites
                           if s.id != PLACEHOLDER_ID and s.id not in pool
                           for f in s.flows if f.kind == "product"]
    names = {s.id: s.name for s in sc.sites}
    site_table.names = [names.get(i, n) for i, n in zip(site_table.site_ids, site_table.names)]
    res.sites = site_table
    hidden_sites = [dict(h, name=names.get(h["id"], h["name"])) for h in hidden_sites]
    hidden_cost = [dict(h, name=names.get(h["id"], h["name"])) for h in hidden_cost]
    economics = [copy.copy(e) for e in economics]   # the run's rows stay as they are
    for e in economics:
        e.site_name = names.get(e.site_id, e.site_name)
    ci = [i for i, x in enumerate(sites0.site_ids) if x in conf]
    sole = sole_contributor(_site_cells(sites0, ci), [
        _site_cells(sites0, [i]) for i in range(len(sites0.site_ids)) if i not in ci]) \
        if suppressed and ci else 0
    res.exchanges, hidden_ex, open_ex = _mask_exchanges(
        _exchange_table(results), scenario, sc, ids, touching, set(res.assumed_exchanges))
    # the exchanges pooled with a lone one by complementary suppression: their q and r would
    # give their parts, and the Σ row minus the rows shown the confidential exchange's
    for h in hidden_ex:
        e = sc.exchange(h["id"])
        if e is not None and h["id"] not in touching:
            _withhold_exchange(e, audience)
    # the exchanges whose covered side alone sets the sign of their Δ_e (issue #18), by the ids
    # shown: those with a confidential partner and those pooled with them as the group's row
    # (PARTNERS_ID), said once per side and never by member
    grouped = touching | {h["id"] for h in hidden_ex}
    for r in res.impacts:
        if r.one_sided:
            shown = [(PARTNERS_ID if ids.get(lab, lab) in grouped else ids.get(lab, lab), side)
                     for lab, side in r.one_sided]
            r.one_sided = list(dict.fromkeys(shown))
    if isinstance(res.exchanges, MaskedExchangeTable) and res.exchanges.pooled_assumed:
        res.assumed_exchanges = [i for i in res.assumed_exchanges if i not in touching] + \
            [PARTNERS_ID]
    else:
        res.assumed_exchanges = [i for i in res.assumed_exchanges if i not in touching]
    res.economics = economics
    res.sensitivity = _mask_sensitivity(results.sensitivity, conf_sites, ids, touching,
                                        flow_labels, [s for s in scenario.sites if s.id in pool])
    # contributions by process are not park totals: a process that only a confidential site
    # uses (its grid, its fuel, its own direct emissions) would show that site's figure
    had_contributions = bool(getattr(results, "contributions", None))
    res.contributions = []
    # the full inventory likewise: a flow that only a confidential site's chain carries (its
    # effluent returned to a river, say) is that site's amount
    had_flows = bool(getattr(results, "elementary_flows", None))
    res.elementary_flows = []
    res.metadata["audience"] = {
        "audience": audience, "confidential_sites": n_conf,
        "other_sites": "suppressed" if suppressed else "aggregated",
        "suppressed_reason": suppressed,
        # rows whose figures are not shown (no figure here): id, name and why
        "suppressed_sites": hidden_sites, "suppressed_exchanges": hidden_ex,
        "suppressed_costs": hidden_cost}
    n_touch = len(touching)
    comp_sites = [h["name"] for h in hidden_sites if h["id"] != OTHER_SITES_ID]
    comp_ex = [h["id"] for h in hidden_ex if h["id"] != PARTNERS_ID]
    comp_cost = [h["name"] for h in hidden_cost if h["id"] != OTHER_SITES_ID]
    notes = [
        f"{n_conf} site{'s are' if n_conf != 1 else ' is'} confidential: name, description, "
        "flows and per-site figures are not in this report.",
        "Park totals (Impacts, the Σ rows of Exchanges and Economics, Inventory, Monte Carlo) "
        "are those of the whole park, confidential sites included.",
        (f"Per-site figures of the confidential sites: {suppressed}." if suppressed else
         f"Per-site figures of the {n_conf} confidential sites are summed into one row, "
         f"'{OTHER_SITES_NAME}'."),
    ]
    if had_contributions or had_flows:
        notes.append("Contributions by process and the full elementary-flow inventory are left "
                     "out of this report: a process or a flow that only a confidential site "
                     "uses or emits would show that site's figure.")
    if comp_sites:
        notes.append(f"Sites, Sites all keys, Disclosure: the figures of {', '.join(comp_sites)} "
                     f"are {complement_reason('site')}.")
    if comp_cost:
        notes.append(f"Economics: the costs of {', '.join(comp_cost)} are "
                     f"{complement_reason('site')}.")
    if n_touch:
        notes.append(
            f"{n_touch} exchange{'s' if n_touch != 1 else ''} with a confidential partner: the "
            f"confidential end reads '{CONFIDENTIAL_LABEL}'; id renumbered; description, "
            "transport labels, amount q and substitution ratio r withheld (Input exchanges, "
            "Disclosure, Sensitivity); their parts of Δ_e are "
            + (f"summed into one row, '{partners_name(n_touch)}'." if n_touch >= MIN_AGGREGATE
               else f"{partners_reason(n_touch)}."))
    if comp_ex:
        notes.append(f"Exchanges: the parts of Δ_e of {', '.join(comp_ex)} are "
                     f"{complement_reason('exchange')}.")
    for what, n_open in (("per-site figures", open_sites), ("exchange figures", open_ex),
                         ("costs", open_cost)):
        if n_open:
            notes.append(f"Warning: for {n_open} figure(s) among the {what}, no other row "
                         f"could be pooled that reaches {PROTECTION:.0%} of the confidential "
                         "figure: there, the park total minus the figures shown comes within "
                         f"{PROTECTION:.0%} of it (docs/confidentiality.md).")
    if blanked:
        notes.append(f"{blanked} figure(s) of named sites (Sites, Sites all keys, Disclosure) "
                     "are left empty: each equals a figure of the confidential site (under the "
                     "receiver and supplier keys one exchange's Δ_e can be both partners' "
                     "figure).")
    if sole:
        notes.append(f"In {sole} figure(s) (a method and a key) the confidential site is the "
                     "only site with a figure other than 0, so the park total (Impacts) is its "
                     "figure there; a park total is always shown.")
    if pool:
        notes.append(f"The inputs of {', '.join(names[i] for i in sorted(pool))} (every flow "
                     "on Input flows, the q and r of its exchanges, their parts of Δ_e) are "
                     "withheld as well: with them a reader could compute that site's figures "
                     "again and subtract them from the park total (docs/confidentiality.md).")
    if len(res.functional_unit) != len(results.functional_unit):
        notes.append("The functional unit lists the products of the named sites; the products "
                     "of the confidential sites (and of the sites pooled with them) are part of "
                     "it but not listed.")
    dropped = sum(len(a.rows) - len(b.rows) for a, b in zip(results.sensitivity, res.sensitivity))
    if dropped:
        notes.append(f"Sensitivity: {dropped} row(s) on the flow amounts of confidential sites "
                     "(and of the sites pooled with them) and on the q, r and distance of their "
                     "exchanges are left out (their values are the site's amounts).")
    if audience == "public":
        notes.append("Public audience: the price and the transport and processing costs of the "
                     "exchanges with a confidential site are withheld (empty).")
    if withheld:
        notes.append("Free text is not shared outside the team (a word list cannot find every "
                     "word that identifies a confidential site): withheld here are "
                     + "; ".join(withheld) + ".")
    if mt.where:
        notes.append(f"A confidential name or amount was replaced by '{MASK}' or "
                     f"'{MASK_AMOUNT}' in {len(set(mt.where))} field(s) kept (named sites' names, "
                     "sectors and locations, notes of ecolca): "
                     + "; ".join(dict.fromkeys(mt.where)) + ". Check that the wording still "
                     "reads well and names no one.")
    res.metadata["audience"]["notes"] = notes
    return Masked(res, sc, audience, n_conf, suppressed, list(dict.fromkeys(mt.where)), notes)


FOREGROUND_NAME = "ecolca: the scenario's foreground (name withheld)"


def _shared_coverage(c):
    """A coverage note without the names of the processes it misses: a background process that
    only a confidential site buys from (its coal, its limestone) says what the site is."""
    n = len(c.missing) + c.missing_more
    if not n:
        return c
    return dataclasses.replace(c, missing=[f"{n} process{'es' if n != 1 else ''} (not named "
                                           "outside the team)"], missing_more=0)


def _shared_meta(meta: dict, notes: bool = False) -> dict:
    """The run's metadata for another audience: without the Brightway folder (a machine path,
    with the user's name), the project's name and, unless ``notes`` (cleared), the run's notes
    (free text, the notes quote flow names), and with the foreground database's name (the
    scenario's name and id) replaced."""
    fg = meta.get("foreground_database")
    out = {k: v for k, v in meta.items()
           if k not in ("brightway_dir", "brightway_project") and (notes or k != "notes")}
    if fg:
        out["foreground_database"] = FOREGROUND_NAME
        if isinstance(out.get("databases"), dict):
            out["databases"] = {(FOREGROUND_NAME if k == fg else k): v
                                for k, v in out["databases"].items()}
    return out


def _mask_meta(value, mt: _Masker):
    if isinstance(value, str):
        return mt(value, "run notes")
    if isinstance(value, dict):
        return {_mask_meta(k, mt): _mask_meta(v, mt) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_meta(v, mt) for v in value]
    if isinstance(value, tuple):
        return tuple(_mask_meta(v, mt) for v in value)
    return value


def _site_table(results: Results) -> SiteTable:
    t = results.sites
    if isinstance(t, SiteTable):
        return t
    rows = list(t)
    methods = list(dict.fromkeys(r.method for r in rows))
    units = [next(r.unit for r in rows if r.method == m) for m in methods]
    sites = list(dict.fromkeys((r.site_id, r.site_name) for r in rows))
    keys = list(dict.fromkeys(r.key for r in rows))
    si = {s[0]: i for i, s in enumerate(sites)}
    mj = {m: j for j, m in enumerate(methods)}
    lin = np.zeros((len(sites), len(methods)))
    sym = {k: np.zeros((len(sites), len(methods))) for k in keys}
    for r in rows:
        lin[si[r.site_id], mj[r.method]] = r.linear
        sym[r.key][si[r.site_id], mj[r.method]] = r.symbiotic
    return SiteTable([s[0] for s in sites], [s[1] for s in sites], methods, units, lin, sym)


def _exchange_table(results: Results) -> ExchangeTable:
    t = results.exchanges
    if isinstance(t, ExchangeTable):
        return t
    rows = list(t)
    methods = list(dict.fromkeys(p.method for p in rows)) or list(results.methods)
    units = [next((p.unit for p in rows if p.method == m), "") for m in methods]
    exs = list(dict.fromkeys((p.exchange_id, p.label) for p in rows))
    ei = {e[0]: i for i, e in enumerate(exs)}
    mj = {m: j for j, m in enumerate(methods)}
    parts = {k: np.zeros((len(exs), len(methods))) for k in ExchangeTable.PARTS}
    be = np.full((len(exs), len(methods)), np.nan)
    reason: list[list[str | None]] = [[None] * len(methods) for _ in exs]
    km = [0.0] * len(exs)
    for p in rows:
        i, j = ei[p.exchange_id], mj[p.method]
        for k in ExchangeTable.PARTS:
            parts[k][i, j] = getattr(p, k)
        be[i, j] = np.nan if p.break_even_km is None else p.break_even_km
        reason[i][j] = p.break_even_reason
        km[i] = p.distance_km
    return ExchangeTable([e[0] for e in exs], [e[1] for e in exs], methods, units, parts, km,
                         be, reason)


class MaskedExchangeTable(ExchangeTable):
    """The exchanges a shared report shows, and the parts of those it does not (``hidden``:
    part -> one sum per method), so that the Σ row stays the park's. The row of the exchanges
    with confidential partners has NaN parts and its Δ_e in ``total_override``."""

    hidden: dict[str, np.ndarray]
    total_override: dict[int, np.ndarray]
    partners: int = 0                # exchanges with a confidential partner
    pooled_assumed: bool = False     # the shown group row rests on an assumed q
    hidden_assumed: bool = False     # the hidden group does


def _mask_exchanges(table: ExchangeTable, original: Scenario, masked: Scenario,
                    ids: dict[str, str], touching: set[str], assumed: set[str]):
    """Exchanges with a confidential partner summed into one row (or, fewer than two, hidden
    with a complementary exchange); the others renamed as in the masked scenario."""
    def label(old_id: str, old_label: str) -> str:
        new = masked.exchange(ids.get(old_id, old_id))
        return masked.exchange_label(new) if new is not None else old_label

    new_ids = [ids.get(i, i) for i in table.ids]
    labels = [label(i, lab) for i, lab in zip(table.ids, table.labels)]
    n_m = len(table.methods)
    t_rows = [i for i, x in enumerate(new_ids) if x in touching]
    keep = [i for i, x in enumerate(new_ids) if x not in touching]
    hidden_rows: list[dict] = []
    n_open = 0
    extra: list[int] = []          # rows pooled by complementary suppression

    def cells(rows: list[int]) -> np.ndarray:
        return np.concatenate([table.parts[k][rows].sum(axis=0) for k in table.PARTS]
                              + [sum(table.parts[k][rows] for k in table.PARTS).sum(axis=0)])

    if t_rows and len(t_rows) < MIN_AGGREGATE:
        cand = {new_ids[i]: cells([i]) for i in keep}
        chosen, n_open = complement(cells(t_rows), cand)
        extra = [i for i in keep if new_ids[i] in chosen]
        keep = [i for i in keep if i not in extra]
        hidden_rows.append({"id": PARTNERS_ID, "name": partners_name(len(t_rows)),
                            "reason": partners_reason(len(t_rows))})
        hidden_rows += [{"id": new_ids[i], "name": labels[i],
                         "reason": complement_reason("exchange")} for i in extra]
    parts = {k: table.parts[k][keep] for k in table.PARTS}
    out_ids = [new_ids[i] for i in keep]
    out_labels = [labels[i] for i in keep]
    km = [table.distance_km[i] for i in keep]
    be = table.break_even_km[keep]
    ratio = table.break_even_ratio[keep]
    reason = [table.break_even_reason[i] for i in keep]
    pooled_assumed = any(new_ids[i] in assumed for i in t_rows)
    override: dict[int, np.ndarray] = {}
    if len(t_rows) >= MIN_AGGREGATE:
        # the group by its Δ_e only: when the confidential site is party to every exchange, the
        # sum of a part over the group is one of its own per-site figures
        override[len(out_ids)] = sum(table.parts[k][t_rows] for k in table.PARTS).sum(axis=0)
        out_ids.append(PARTNERS_ID)
        out_labels.append(partners_name(len(t_rows)))
        parts = {k: np.vstack([parts[k], np.full((1, n_m), np.nan)]) for k in table.PARTS}
        km.append(math.nan)
        be = np.vstack([be, np.full((1, n_m), np.nan)])
        ratio = np.vstack([ratio, np.full((1, n_m), np.nan)])
        reason.append(["not computed for a group of exchanges"] * n_m)
        gone: list[int] = []
    else:
        gone = t_rows + extra
    cover = _masked_exchange_coverage(getattr(table, "coverage", None), keep, t_rows,
                                      len(table.ids), n_m)
    if cover is not None and override:
        # the group's Δ_e at most PRECISION_RTOL of its members' Σ|contributions|: noise, 0
        from ecolca.lca.solve import PRECISION_RTOL

        i = len(out_ids) - 1
        v = override[i]
        cover.below_precision[i] = (v != 0) & (np.abs(v) <= PRECISION_RTOL * cover.scale[i])
        override[i] = np.where(cover.below_precision[i], 0.0, v)
    t = MaskedExchangeTable(out_ids, out_labels, table.methods, table.units, parts, km, be,
                            reason, ratio)
    t.coverage = cover
    t.hidden = {k: table.parts[k][gone].sum(axis=0) if gone else np.zeros(n_m)
                for k in table.PARTS}
    t.total_override = override
    t.partners = len(t_rows)
    t.pooled_assumed = pooled_assumed and len(t_rows) >= MIN_AGGREGATE
    t.hidden_assumed = bool(gone) and (pooled_assumed or any(new_ids[i] in assumed
                                                             for i in extra))
    return t, hidden_rows, n_open


class PooledCoverage:
    """The coverage of a masked exchange table (issue #18 in a park or public output), with the
    interface of :class:`ecolca.lca.coverage.ExchangeCoverage` that the tables and --json use: a
    named exchange's rows are its own; the row of the exchanges with confidential partners
    (``pooled``, its index) is covered where one of them is, and says in words, without naming
    any, that some of them count one side only or have no data (:data:`POOLED_SIDE_MISSING`)."""

    def __init__(self, part_has, part_covered, one_sided, not_covered, below_precision, scale,
                 own_notes, pooled: int | None, member_missing: np.ndarray):
        self.part_has, self.part_covered = part_has, part_covered
        self.one_sided, self.not_covered = one_sided, not_covered
        self.below_precision, self.scale = below_precision, scale
        self._own = own_notes          # (named rows, methods): their notes from the run
        self.pooled, self.member_missing = pooled, member_missing

    def part_missing(self, part: str) -> np.ndarray:
        return self.part_has[part][:, None] & ~self.part_covered[part]

    def note(self, i: int, j: int) -> str | None:
        if i != self.pooled:
            return self._own[i][j]
        if self.not_covered[i, j]:
            return POOLED_NOT_COVERED
        side = self.one_sided[i, j]
        if side is not None:
            return POOLED_SIDE_MISSING[side]
        if self.below_precision[i, j]:
            return "below numerical precision"
        if self.member_missing[j]:
            return POOLED_MEMBER_NOT_COVERED
        return None


def _masked_exchange_coverage(cov, keep: list[int], group: list[int], n_e: int, n_m: int):
    """The coverage of the rows a masked exchange table shows: ``keep`` (named exchanges, their
    own), then, with :data:`MIN_AGGREGATE` or more exchanges in ``group``, their pooled row.
    None when the run's table carries none."""
    if cov is None or len(cov.scale) != n_e:
        return None
    pooled = len(group) >= MIN_AGGREGATE
    g = np.array(group, dtype=int)

    def rows(a: np.ndarray, pool) -> np.ndarray:
        out = a[keep]
        return np.concatenate([out, pool(a[g])[None]]) if pooled else out

    def any_(a):
        return a.any(axis=0)

    part_has = {p: rows(v, any_) for p, v in cov.part_has.items()}
    part_cov = {p: rows(v, any_) for p, v in cov.part_covered.items()}
    has = np.zeros(len(keep) + pooled, dtype=bool)
    covd = np.zeros((len(keep) + pooled, n_m), dtype=bool)
    for p in part_has:
        has |= part_has[p]
        covd |= part_cov[p]
    scale = rows(cov.scale, lambda a: a.sum(axis=0))
    one = cov.one_sided[keep]
    member_missing = np.zeros(n_m, dtype=bool)
    below = cov.below_precision[keep]
    not_cov = cov.not_covered[keep]
    if pooled:
        grp = cov.one_sided[g]
        av, ad = (grp == "avoided").any(axis=0), (grp == "added").any(axis=0)
        side = np.full((1, n_m), None, dtype=object)
        side[0, av] = "avoided"
        side[0, ad] = "added"
        side[0, av & ad] = "both"
        one = np.concatenate([one, side])
        member_missing = cov.not_covered[g].any(axis=0)
        not_cov = np.concatenate([not_cov, (has[-1] & ~covd[-1])[None]])
        below = np.concatenate([below, np.zeros((1, n_m), dtype=bool)])  # set by the caller
    own = [[cov.note(i, j) for j in range(n_m)] for i in keep]
    return PooledCoverage(part_has, part_cov, one, not_cov, below, scale, own,
                          len(keep) if pooled else None, member_missing)


def _site_cells(table: SiteTable, rows: list[int]) -> np.ndarray:
    """Every figure a report shows of the sum of ``rows``: L, S under each key and Δ under each
    key, per method."""
    lin = table.linear[rows].sum(axis=0)
    out = [lin]
    for k in table.keys:
        s = table.symbiotic[k][rows].sum(axis=0)
        out += [s, s - lin]
    return np.concatenate(out)


def _mask_sites(table: SiteTable, conf: set[str], suppressed: str | None):
    keep = [i for i, s in enumerate(table.site_ids) if s not in conf]
    gone = [i for i, s in enumerate(table.site_ids) if s in conf]
    hidden: list[dict] = []
    n_open = blanked = 0
    if gone and suppressed:
        hidden.append({"id": OTHER_SITES_ID, "name": OTHER_SITES_NAME, "reason": suppressed})
        cand = {table.site_ids[i]: _site_cells(table, [i]) for i in keep}
        chosen, n_open = complement(_site_cells(table, gone), cand)
        extra = [i for i in keep if table.site_ids[i] in chosen]
        keep = [i for i in keep if i not in extra]
        hidden += [{"id": table.site_ids[i], "name": table.names[i],
                    "reason": complement_reason("site")} for i in extra]
    ids = [table.site_ids[i] for i in keep]
    names = [table.names[i] for i in keep]
    lin = table.linear[keep].copy()
    sym = {k: v[keep].copy() for k, v in table.symbiotic.items()}
    if suppressed and gone:
        # a named site's figure equal to one of the confidential site's (under the receiver key
        # the latter's Δ is the Δ_e of what it receives, which is also its supplier's Δ under
        # the supplier key): left empty, so that no figure shown is the confidential site's
        secret = np.abs(_site_cells(table, gone))
        secret = np.sort(secret[secret > 0])

        def equal(x: np.ndarray) -> np.ndarray:
            a = np.abs(np.nan_to_num(x))
            i = np.clip(np.searchsorted(secret, a), 0, max(len(secret) - 1, 0))
            near = np.zeros(a.shape, dtype=bool)
            for d in (i, np.clip(i - 1, 0, None)):
                if len(secret):
                    near |= np.abs(secret[d] - a) <= 1e-9 * np.maximum(secret[d], a)
            return near & (a > 0)

        blank = equal(lin)
        lin[blank] = np.nan
        for k in sym:
            hit = equal(sym[k]) | equal(sym[k] - lin)
            sym[k][hit] = np.nan
            blank = blank | hit
        blanked = int(blank.sum())
    if not suppressed and gone:
        ids.append(OTHER_SITES_ID)
        names.append(OTHER_SITES_NAME)
        lin = np.vstack([lin, table.linear[gone].sum(axis=0, keepdims=True)])
        sym = {k: np.vstack([sym[k], v[gone].sum(axis=0, keepdims=True)])
               for k, v in table.symbiotic.items()}
    out = SiteTable(ids, names, table.methods, table.units, lin, sym)
    cov = getattr(table, "covered", None)
    if cov is not None and len(cov) == len(table.site_ids):
        # a named site's coverage is its own; the "other sites" row is covered where one of the
        # confidential sites is (docs/confidentiality.md)
        out.covered = cov[keep]
        if not suppressed and gone:
            out.covered = np.vstack([out.covered, cov[gone].any(axis=0, keepdims=True)])
    return out, hidden, n_open, blanked


class SuppressedEconomics(SiteEconomics):
    """Costs counted in the park total but never shown (a confidential site's, or a site pooled
    with it by complementary suppression)."""

    suppressed: str = ""


def _mask_economics(rows: list[SiteEconomics], conf: set[str], suppressed: str | None):
    kept = [e for e in rows if e.site_id not in conf]
    gone = [e for e in rows if e.site_id in conf]
    if not gone:
        return kept, [], 0
    missing = sum(len(e.missing_prices) for e in gone)
    agg = SuppressedEconomics(OTHER_SITES_ID, OTHER_SITES_NAME,
                              sum(e.linear_cost for e in gone),
                              sum(e.symbiotic_cost for e in gone),
                              [f"{missing} price(s) missing at confidential sites"]
                              if missing else [])
    agg.suppressed = suppressed or ""
    hidden: list[dict] = []
    n_open = 0
    if suppressed:
        hidden.append({"id": OTHER_SITES_ID, "name": OTHER_SITES_NAME, "reason": suppressed})
        if not missing:   # a site without all prices is in no total shown: nothing to subtract
            def cost(es):
                lin = sum(e.linear_cost for e in es)
                sym = sum(e.symbiotic_cost for e in es)
                return np.array([lin, sym, sym - lin])
            cand = {e.site_id: cost([e]) for e in kept if not e.missing_prices}
            chosen, n_open = complement(cost(gone), cand)
            out = []
            for e in kept:
                if e.site_id in chosen:
                    c = SuppressedEconomics(e.site_id, e.site_name, e.linear_cost,
                                            e.symbiotic_cost, list(e.missing_prices))
                    c.suppressed = complement_reason("site")
                    hidden.append({"id": e.site_id, "name": e.site_name,
                                   "reason": c.suppressed})
                    e = c
                out.append(e)
            kept = out
    return kept + [agg], hidden, n_open


def is_suppressed(row) -> str:
    """Why a per-site row's figures must not be shown ('' when they may)."""
    return getattr(row, "suppressed", "") or ""


def _mask_sensitivity(items: list[Sensitivity], conf_sites: list[Site],
                      ids: dict[str, str], touching: set[str] = frozenset(),
                      flow_labels: dict[str, str] | None = None,
                      pool_sites: list[Site] = ()) -> list[Sensitivity]:
    """Rows on the flows of the confidential sites (and of the sites pooled with them) and on
    the exchanges with them (their q, r and distance: the value column is the amount) are left
    out; the other rows name exchanges and flows as the masked scenario does."""
    prefixes = tuple(f"site '{s.name}', flow '" for s in [*conf_sites, *pool_sites]) + tuple(
        f"exchange '{old}'" for old, new in ids.items() if new in touching)
    flow_labels = flow_labels or {}

    def rename(text: str) -> str:
        for old, new in ids.items():
            text = text.replace(f"exchange '{old}'", f"exchange '{new}'")
        for old, new in flow_labels.items():
            text = text.replace(old, new)
        return text

    out = []
    for x in items:
        rows = [dataclasses.replace(r, parameter=rename(r.parameter), item=rename(r.item))
                for r in x.rows if not r.item.startswith(prefixes)]
        shares = [dataclasses.replace(g, parameter=rename(g.parameter)) for g in x.global_shares
                  if not g.parameter.startswith(prefixes)]
        out.append(Sensitivity(x.method, x.unit, x.delta, rows=rows, global_shares=shares,
                               global_note=x.global_note))
    return out


# ---- the shared scenario -----------------------------------------------------------------------
POOLED_ID = "confidential-sites"


def _transport_key(f: Flow) -> tuple:
    return tuple((t.mode.key, float(t.distance_km)) for t in f.transport)


def export_shared(scenario: Scenario, audience: str = "park") -> tuple[Scenario, list[str]]:
    """A scenario others can run, and notes on what it keeps: every confidential site is replaced
    by one pooled site whose flows are the confidential sites' flows summed by kind, background
    activity (or fate, or biosphere flow), unit, conversion factor, category and transport legs.
    Exchanges point at the pooled flows. The pooled inventory gives the same park L, S and Δ in
    every method; names, descriptions, flow names, comments, sources, coordinates and
    uncertainty of the confidential flows are not in it, and free text is withheld as in a
    report (:func:`_share_text`; docs/confidentiality.md). ``public`` also leaves out the pooled
    flows' prices."""
    check_audience(audience)
    if audience == "internal":
        raise EcolcaError("export-shared writes a file for another audience: choose park or "
                          "public")
    conf_sites = confidential_sites(scenario)
    if not conf_sites:
        raise EcolcaError("the scenario has no confidential site: there is nothing to replace "
                          "(flag a site \"confidential\": true, or share the file as it is)")
    conf = {s.id for s in conf_sites}
    mt = _Masker(name_tokens(scenario), secret_amounts(scenario))
    sc = copy.deepcopy(scenario)
    withheld, flow_ids, _ = _share_text(sc, mt, conf, set(), audience)
    ids = _exchange_ids(scenario, conf, mt, every=True)
    pooled = Site(id=POOLED_ID, name="confidential sites (pooled)" if len(conf) > 1
                  else CONFIDENTIAL_LABEL, confidential=True,
                  inventory="partial" if any(s.inventory == "partial" for s in conf_sites)
                  else "complete")
    groups: dict[tuple, Flow] = {}
    money: dict[tuple, list[float | None]] = {}
    where: dict[tuple[str, str], str] = {}
    for s in conf_sites:
        for f in s.flows:
            key = (f.kind, f.activity.key if f.activity else None, f.fate.key if f.fate else None,
                   f.unit, f.conversion_factor, f.category, _transport_key(f))
            g = groups.get(key)
            if g is None:
                n = sum(1 for k in groups if k[0] == f.kind) + 1
                g = groups[key] = Flow(
                    id=f"{f.kind}-{n}", kind=f.kind, name=f"pooled {f.kind} {n}", amount=0.0,
                    unit=f.unit, activity=copy.deepcopy(f.activity), fate=copy.deepcopy(f.fate),
                    conversion_factor=f.conversion_factor, category=f.category,
                    transport=[dataclasses.replace(copy.deepcopy(t), label="",
                                                   uncertainty=Uncertainty())
                               for t in f.transport])
                money[key] = []
                pooled.flows.append(g)
            g.amount += f.amount
            money[key].append(None if f.price is None else f.price * f.amount)
            where[(s.id, f.id)] = g.id
    if audience != "public":
        for key, g in groups.items():
            paid = money[key]
            if paid and all(p is not None for p in paid) and g.amount:
                g.price = sum(paid) / g.amount
    for e in sc.exchanges:
        touches = e.from_site in conf or e.to_site in conf
        e.id = ids.get(e.id, e.id)
        if not touches:
            continue
        if e.from_site in conf:
            e.from_flow, e.from_site = where[(e.from_site, e.from_flow)], POOLED_ID
        if e.to_site in conf:
            e.to_flow, e.to_site = where[(e.to_site, e.to_flow)], POOLED_ID
        e.description = WITHHELD
    sc.sites = [s for s in sc.sites if s.id not in conf] + [pooled]
    sc._site_index.clear()
    sc._exchange_index.clear()
    uncertain = sum(1 for s in conf_sites for f in s.flows
                    if f.uncertainty.type not in ("", "none")
                    or any(t.uncertainty.type not in ("", "none") for t in f.transport))
    notes = [f"{len(conf)} confidential site(s) replaced by the pooled site '{pooled.name}' "
             f"({len(pooled.flows)} flows summed by background activity)."]
    if len(conf) < MIN_AGGREGATE:
        notes.append("Only one confidential site: the pooled flows are that site's own amounts "
                     "by background activity. Its name, description, flow names, comments and "
                     "sources are removed; its quantities are not, so running this file gives "
                     "its per-site figures (L, S, Δ, costs), which a park or public report "
                     "suppresses: share it only with those who may see them.")
    if uncertain:
        notes.append(f"{uncertain} uncertainty distribution(s) of confidential flows are not in "
                     "the shared file: its Monte Carlo and sensitivity differ from the original.")
    if audience == "public":
        notes.append("Public: the pooled flows carry no prices, so the economics of the shared "
                     "file are not computed.")
    if withheld:
        notes.append("Free text withheld (it is not shared outside the team): "
                     + "; ".join(withheld) + ".")
    if mt.where:
        notes.append(f"A confidential name was replaced by '{MASK}' in {len(mt.where)} "
                     "field(s) kept: " + "; ".join(dict.fromkeys(mt.where)) + ".")
    return sc, notes
